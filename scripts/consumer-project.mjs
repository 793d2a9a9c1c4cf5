// What the pack check and the release rehearsal share: a consumer project that compiles a
// program (`consumer.ts`) against installed packages, as a user's strict TypeScript project would.
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")

/**
 * Copies `source` into `dir` as `consumer.ts` and writes the tsconfig.json that compiles it to
 * `out/consumer.js`. `skipLibCheck` off also checks the packages' own .d.ts files.
 */
export const writeConsumerProject = (dir, source, { skipLibCheck }) => {
  fs.copyFileSync(source, path.join(dir, "consumer.ts"))
  const compilerOptions = {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    exactOptionalPropertyTypes: true,
    skipLibCheck,
    types: ["node"],
    typeRoots: [path.join(root, "node_modules", "@types")],
    outDir: "out"
  }
  fs.writeFileSync(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions, files: ["consumer.ts"] }, null, 2)
  )
}
