// `pnpm test:stress`: the README's test command on a machine made busy on purpose. Two CPU-bound
// processes compete for the cores while `pnpm test` runs with turbo's cache bypassed, so lint,
// type-check, build, tests, the pack check and the release rehearsal all really run under the
// load. Afterwards no process of this checkout may still be running: none whose command line holds
// its path, and none started in it (by its working directory).
//
//   pnpm test:stress            one run
//   pnpm test:stress 3          three runs, one after the other
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const runs = Number(process.argv[2] ?? "1")
if (!Number.isInteger(runs) || runs < 1) throw new Error(`usage: pnpm test:stress [runs], not ${process.argv[2]}`)

/** This process and its ancestors (the pnpm and the shell that started it, which run in the checkout). */
const ancestors = () => {
  const chain = new Set()
  for (let pid = process.pid; pid > 1 && !chain.has(pid);) {
    chain.add(pid)
    // /proc/<pid>/stat: "pid (command) state ppid ..."; the command may hold spaces and parentheses
    pid = Number(fs.readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "").split(" ")[1])
  }
  return chain
}

/**
 * The processes of this checkout still running, other than this script and its ancestors: those
 * whose command line holds the checkout's path (`pgrep -f`), and those started in it with a
 * relative command line (`node dist/bin.js` under pnpm), found by their working directory.
 */
const leftovers = () => {
  const mine = ancestors()
  const found = []
  for (const entry of fs.readdirSync("/proc")) {
    const pid = Number(entry)
    if (!Number.isInteger(pid) || mine.has(pid)) continue
    try {
      const command = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim()
      const cwd = fs.readlinkSync(`/proc/${pid}/cwd`)
      if (command !== "" && (command.includes(root) || cwd === root || cwd.startsWith(`${root}/`))) {
        found.push(`${pid} (in ${cwd}): ${command}`)
      }
    } catch {
      // gone in the meantime, or not ours to read
    }
  }
  return found
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
