import * as path from "node:path"
import { fileURLToPath } from "node:url"
import type { ViteUserConfig } from "vitest/config"

const root = path.dirname(fileURLToPath(import.meta.url))

/**
 * Tests import the workspace packages by name (`@katanemo/models`); these aliases point the
 * names at the TypeScript sources, so tests need no build and always see the current code.
 */
const alias = (name: string) => [
  { find: new RegExp(`^@katanemo/${name}$`), replacement: path.join(root, "packages", name, "src", "index.ts") },
  { find: new RegExp(`^@katanemo/${name}/(.+)$`), replacement: path.join(root, "packages", name, "src", "$1.ts") }
]

const config: ViteUserConfig = {
  resolve: {
    alias: ["models", "client", "testing"].flatMap(alias)
  },
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: [path.join(root, "vitest.setup.ts")],
    // generous: the whole suite runs in parallel on two cores in CI
    testTimeout: 30_000,
    // The JSON report feeds the one-line summary that `pnpm test` ends with (scripts/test-summary.mjs).
    reporters: ["default", ["json", { outputFile: ".test-results/vitest.json" }]],
    sequence: { concurrent: false }
  }
}

export default config
