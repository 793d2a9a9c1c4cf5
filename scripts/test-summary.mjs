// Sums the vitest JSON reports of every package and app into one closing line,
// "Tests: N passed, N failed, N skipped", so a reader (or CI) sees the whole run at a glance.
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const reports = ["packages", "apps", "tools"]
  .filter((group) => fs.existsSync(path.join(root, group)))
  .flatMap((group) =>
    fs.readdirSync(path.join(root, group)).map((name) => path.join(root, group, name, ".test-results", "vitest.json"))
  )
  .filter((file) => fs.existsSync(file))

const totals = { passed: 0, failed: 0, skipped: 0 }
for (const file of reports) {
  const report = JSON.parse(fs.readFileSync(file, "utf8"))
  totals.passed += report.numPassedTests
  totals.failed += report.numFailedTests
  totals.skipped += report.numPendingTests + report.numTodoTests
  console.log(`  ${path.relative(root, path.dirname(path.dirname(file)))}: ${report.numPassedTests} passed`)
}
if (reports.length === 0 || totals.passed === 0) {
  console.error("no test results found: did the test task run?")
  process.exit(1)
}
console.log(`Tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`)
process.exit(totals.failed === 0 ? 0 : 1)
