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
// A test skipped for want of something on the machine (Chromium) says so in its title, after
// "skipped: "; each reason is repeated below the totals, with where it skipped tests.
const reasons = new Map()
for (const file of reports) {
  const report = JSON.parse(fs.readFileSync(file, "utf8"))
  const where = path.relative(root, path.dirname(path.dirname(file)))
  // a file that failed outside its tests (at load, or in a hook) counts as one failure
  for (const suite of report.testResults) {
    if (suite.status === "failed" && !suite.assertionResults.some((result) => result.status === "failed")) {
      totals.failed += 1
      console.log(
        `  ${path.relative(root, suite.name)}: failed outside its tests: ${
          (suite.message || "no message").split("\n")[0]
        }`
      )
    }
  }
  for (const result of report.testResults.flatMap((suite) => suite.assertionResults)) {
    const reason = /skipped: (.+?)\)?$/.exec(result.title)?.[1]
    if (result.status !== "passed" && result.status !== "failed" && reason !== undefined) {
      reasons.set(reason, new Set([...(reasons.get(reason) ?? []), where]))
    }
  }
  totals.passed += report.numPassedTests
  totals.failed += report.numFailedTests
  totals.skipped += report.numPendingTests + report.numTodoTests
  console.log(`  ${path.relative(root, path.dirname(path.dirname(file)))}: ${report.numPassedTests} passed`)
}
if (reports.length === 0 || totals.passed === 0) {
  console.error("no test results found: did the test task run?")
  process.exit(1)
}
for (const [reason, places] of reasons) console.log(`  skipped in ${[...places].join(", ")}: ${reason}`)
console.log(`Tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`)
process.exit(totals.failed === 0 ? 0 : 1)
