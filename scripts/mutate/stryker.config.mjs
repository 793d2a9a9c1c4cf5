/**
 * StrykerJS for one module of `modules.mjs`, named by KATANEMO_MUTATE_MODULE (`pnpm mutate`
 * sets it). Stryker runs from the repository root and copies it into a sandbox; the tests there
 * import `@katanemo/*` through vitest.shared.ts's aliases, which point into the sandbox's own
 * `src`, so the mutated sources are the ones every test sees.
 */
import { fileURLToPath } from "node:url"
import { modules, smallRuns } from "./modules.mjs"

const name = process.env["KATANEMO_MUTATE_MODULE"] ?? ""
const module = Object.hasOwn(modules, name) ? modules[/** @type {keyof typeof modules} */ (name)] : undefined
if (module === undefined) {
  throw new Error(`KATANEMO_MUTATE_MODULE must be one of ${Object.keys(modules).join(", ")}; got "${name}"`)
}

// Read by ./vitest.config.ts and by the tests, in the test-runner processes Stryker starts after this.
process.env["KATANEMO_MUTATE_TESTS"] = JSON.stringify(module.tests)
for (const [variable, value] of Object.entries(smallRuns)) process.env[variable] ??= value

/** Stryker options: https://stryker-mutator.io/docs/stryker-js/configuration */
const config = {
  packageManager: "pnpm",
  plugins: [fileURLToPath(import.meta.resolve("@stryker-mutator/vitest-runner"))],
  testRunner: "vitest",
  // Not `related`: the configuration already runs only the module's own test files, and with it
  // (Stryker 9.6.1, vitest 3.2) a static mutant ran none of them and "survived" untested.
  vitest: { configFile: "scripts/mutate/vitest.config.ts", related: false },
  // Which tests cover which mutant, so each mutant reruns only those: the only way this fits two cores.
  coverageAnalysis: "perTest",
  concurrency: 2,
  mutate: module.mutate,
  // The sandbox needs the sources, the tests and the configs; not the build output or reports.
  ignorePatterns: ["dist", ".tsbuild", ".turbo", "coverage", ".test-results", ".blocks", "reports", "*.tgz"],
  tempDirName: ".stryker-tmp",
  // A mutant that loops forever times out; a busy machine must not look like one.
  timeoutMS: 20_000,
  timeoutFactor: 2,
  reporters: ["clear-text", "progress", "html", "json"],
  clearTextReporter: { allowColor: true, logTests: false, reportMutants: true, reportScoreTable: true },
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  thresholds: { high: 90, low: 85, break: null }
}

export default config
