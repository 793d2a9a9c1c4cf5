import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")

/** Package folder -> its test files (relative to it) that own the module under mutation. */
const tests: Readonly<Record<string, ReadonlyArray<string>>> = JSON.parse(process.env["KATANEMO_MUTATE_TESTS"] ?? "{}")

/** Every other test file of the package (`extends` would add an `include`, not replace it). */
const others = (project: string, owned: ReadonlyArray<string>): Array<string> =>
  fs.readdirSync(path.join(root, project, "test"), { recursive: true, encoding: "utf8" })
    .map((file) => path.posix.join("test", file.split(path.sep).join("/")))
    .filter((file) => file.endsWith(".test.ts") && !owned.includes(file))

/**
 * The vitest configuration Stryker runs: each package's own project configuration, limited to the
 * test files that own the module (KATANEMO_MUTATE_TESTS, JSON; stryker.config.mjs sets it).
 */
export default defineConfig({
  test: {
    projects: Object.entries(tests).map(([project, owned]) => ({
      extends: path.join(root, project, "vitest.config.ts"),
      root: path.join(root, project),
      // The type tests are tsc's, not a mutant's: a mutant changes no type.
      test: { exclude: others(project, owned), typecheck: { enabled: false } }
    }))
  }
})
