/**
 * `pnpm mutate [module...]`: StrykerJS over the modules of modules.mjs (all of them by default),
 * one after another, then each module's mutation score and wall time. Slow on two cores, so it
 * is not part of `pnpm test` or CI. Reports: reports/mutation/<module>.html (git-ignored).
 */
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { modules } from "./modules.mjs"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const stryker = path.join(
  path.dirname(fileURLToPath(import.meta.resolve("@stryker-mutator/core/package.json"))),
  "bin",
  "stryker.js"
)

const names = process.argv.slice(2)
const unknown = names.filter((name) => !Object.hasOwn(modules, name))
if (unknown.length > 0) {
  console.error(`Unknown module ${unknown.join(", ")}; the modules are: ${Object.keys(modules).join(", ")}`)
  process.exit(2)
}

/** Killed or timed out, of the mutants that ran or had no test: Stryker's "covered + uncovered" score. */
const score = (report) => {
  const count = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, other: 0 }
  for (const file of Object.values(report.files)) {
    for (const mutant of file.mutants) {
      if (mutant.status in count) count[mutant.status]++
      else count.other++
    }
  }
  const valid = count.Killed + count.Timeout + count.Survived + count.NoCoverage
  return { ...count, score: valid === 0 ? NaN : (100 * (count.Killed + count.Timeout)) / valid }
}

const rows = []
let failed = false
for (const name of names.length > 0 ? names : Object.keys(modules)) {
  console.log(`\n=== mutate ${name} (${modules[name].title}): ${modules[name].mutate.join(", ")}\n`)
  const reportFile = path.join(root, "reports", "mutation", `${name}.json`)
  fs.rmSync(reportFile, { force: true })
  const started = performance.now()
  const result = spawnSync(process.execPath, [stryker, "run", "scripts/mutate/stryker.config.mjs"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, KATANEMO_MUTATE_MODULE: name }
  })
  const seconds = Math.round((performance.now() - started) / 1000)
  if (result.status !== 0 || !fs.existsSync(reportFile)) {
    failed = true
    rows.push({
      module: name,
      score: "failed",
      killed: "",
      timeout: "",
      survived: "",
      noCoverage: "",
      wall: `${seconds} s`
    })
    continue
  }
  const s = score(JSON.parse(fs.readFileSync(reportFile, "utf8")))
  rows.push({
    module: name,
    score: `${s.score.toFixed(1)} %`,
    killed: s.Killed,
    timeout: s.Timeout,
    survived: s.Survived,
    noCoverage: s.NoCoverage,
    wall: `${seconds} s`
  })
}

console.log("\nMutation score (killed or timed out, of killed + timed out + survived + no coverage):")
console.table(rows)
console.log(`HTML reports: ${path.relative(process.cwd(), path.join(root, "reports", "mutation"))}/<module>.html`)
process.exit(failed ? 1 : 0)
