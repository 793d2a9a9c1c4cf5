// `pnpm test:stress`: the README's test command on a machine made busy on purpose. Two CPU-bound
// processes compete for the cores while `pnpm test` runs with turbo's cache bypassed, so lint,
// type-check, build, tests and the pack check all really run under the load. Afterwards no process
// whose command line holds this checkout's path may still be running.
//
//   pnpm test:stress            one run
//   pnpm test:stress 3          three runs, one after the other
import { execFileSync, spawn } from "node:child_process"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const runs = Number(process.argv[2] ?? "1")
if (!Number.isInteger(runs) || runs < 1) throw new Error(`usage: pnpm test:stress [runs], not ${process.argv[2]}`)

/** The processes of this checkout still running, other than this script and its parents. */
const leftovers = () => {
  let out = ""
  try {
    out = execFileSync("pgrep", ["-af", root], { encoding: "utf8" })
  } catch {
    return [] // pgrep exits 1 when nothing matches
  }
  const mine = new Set([process.pid, process.ppid].map(String))
  return out.trim().split("\n").filter((line) => line !== "" && !mine.has(line.split(" ")[0]))
}

const hog = () => spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" })

const summaries = []
let ok = true
for (let run = 1; run <= runs; run++) {
  const hogs = [hog(), hog()]
  const started = Date.now()
  let status
  let summary = "(no summary line)"
  try {
    status = await new Promise((resolve) => {
      const child = spawn("pnpm", ["test"], {
        cwd: root,
        env: { ...process.env, TURBO_FORCE: "true" },
        stdio: ["ignore", "pipe", "inherit"]
      })
      child.stdout.on("data", (chunk) => {
        process.stdout.write(chunk)
        const found = /^Tests: .*$/m.exec(chunk.toString())
        if (found !== null) summary = found[0]
      })
      child.on("exit", (code) => resolve(code))
    })
  } finally {
    for (const p of hogs) p.kill("SIGKILL")
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(0)
  // give the children that the test command stopped a moment to be reaped before looking
  await new Promise((resolve) => setTimeout(resolve, 2000))
  const left = leftovers()
  summaries.push(`run ${run}/${runs}: exit ${status}, ${seconds} s, ${summary}, processes left: ${left.length}`)
  for (const line of left) summaries.push(`  left running: ${line}`)
  if (status !== 0 || left.length > 0) {
    ok = false
    break
  }
}

console.log(`\ntest:stress (2 CPU-bound processes competing, turbo cache bypassed):\n${summaries.join("\n")}`)
process.exit(ok ? 0 : 1)
