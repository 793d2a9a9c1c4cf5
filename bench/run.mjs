// `pnpm bench`: every scenario, every variant, several interleaved rounds, each run in its own
// process against a minimal node:http server in another process. Writes every run as measured, the
// medians across rounds and the goals, scored mechanically, to bench/results/<time>-<commit>.json
// and .md (the .md is also printed). Asserts nothing about speed; stops loudly if a call gets an
// answer other than the one it expects, or if the server saw a different number of requests than
// the variant sent. Also times startup (startup.mjs): `katanemo --help` and an SDK program's first
// response, bundled and unbundled.
//
//   pnpm bench                                  the published run: 3 rounds, with memory
//   BENCH_QUICK=1 BENCH_ROUNDS=1 pnpm bench      a smoke test: counts / 10 (micro.mjs's too), results/scratch/
//   BENCH_ROUNDS=n, BENCH_SKIP_MEMORY=1          also write to results/scratch/ (not a published run)
import { spawn, spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { measureStartup } from "./startup.mjs"

const here = path.dirname(fileURLToPath(import.meta.url))
const defaultRounds = 3
const rounds = Number(process.env["BENCH_ROUNDS"] ?? defaultRounds)
const quick = process.env["BENCH_QUICK"] === "1"
const skipMemory = process.env["BENCH_SKIP_MEMORY"] === "1"
// only a run with the default settings is a published run; any other goes to the ignored scratch folder
const scratch = quick || skipMemory || rounds !== defaultRounds
const reference = "raw fetch (reference)"
const recommended = "sdk + NodeHttpClient.layerUndici"
const sdkVariants = ["sdk + FetchHttpClient", "sdk + NodeHttpClient.layer", recommended]
const variants = [reference, "raw undici (floor)", "openapi-fetch", ...sdkVariants]
const scenarios = ["get one user", "list 1,000 users", "create a key", "error path (409)", "5,000 gets, 50 in flight"]
const memoryScenario = "memory: 100,000 gets"

const git = (...args) => spawnSync("git", args, { cwd: here, encoding: "utf8" }).stdout.trim()
const commit = git("rev-parse", "HEAD")
const dirty = git("status", "--porcelain").length > 0
const startedAt = new Date()
const loadBefore = os.loadavg()

const server = spawn(process.execPath, [path.join(here, "server.mjs")], {
  stdio: ["ignore", "pipe", "inherit", "ipc"]
})
const port = await new Promise((resolve) =>
  server.stdout.once("data", (chunk) => resolve(JSON.parse(String(chunk)).port))
)
/** The connections and requests the server saw since it was last asked. */
const serverStats = () =>
  new Promise((resolve) => {
    server.once("message", resolve)
    server.send("stats")
  })

/** Runs one variant's scenario in a process of its own: variant.mjs, or `script` (its bundled copy). */
const runVariant = async (variant, scenario, extraArgs = [], script = path.join(here, "variant.mjs")) => {
  const child = spawnSync(process.execPath, [
    ...extraArgs,
    script,
    variant,
    scenario,
    String(port)
  ], {
    encoding: "utf8"
  })
  const stats = await serverStats()
  if (child.status !== 0) throw new Error(`${variant} / ${scenario} failed:\n${child.stderr}`)
  const result = JSON.parse(child.stdout.trim().split("\n").pop())
  if (stats.requests !== result.requestsSent) {
    throw new Error(
      `${variant} / ${scenario}: sent ${result.requestsSent} requests, the server saw ${stats.requests}`
    )
  }
  return { ...result, connections: stats.connections }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

const results = []
let memory = []
let launch = []
// startup.mjs: each program this many times (a tenth of a second to a few seconds each)
const startupRuns = quick ? 3 : 10
try {
  for (let round = 0; round < rounds; round++) {
    process.stderr.write(`round ${round + 1}/${rounds} `)
    for (const scenario of scenarios) {
      // interleaved: each round starts the variants at a different place
      const order = variants.map((_, i) => variants[(i + round) % variants.length])
      for (const variant of order) {
        results.push({ round: round + 1, ...(await runVariant(variant, scenario)) })
        process.stderr.write(".")
      }
    }
    process.stderr.write("\n")
  }
  for (const variant of skipMemory ? [] : [reference, recommended]) {
    process.stderr.write(`memory: ${variant}\n`)
    memory.push(await runVariant(variant, memoryScenario, ["--expose-gc"]))
  }
  process.stderr.write(`startup: ${startupRuns} runs of each program\n`)
  launch = await measureStartup({ runVariant, runs: startupRuns })
} finally {
  server.kill("SIGTERM")
}

// aggregate: the median across rounds of each round's figure
const summary = []
for (const scenario of scenarios) {
  const of = (variant) => results.filter((r) => r.scenario === scenario && r.variant === variant)
  const concurrent = of(reference)[0]?.callsPerSecond !== undefined
  const figure = (variant, key) => median(of(variant).map((r) => r[key]))
  const ref = concurrent ? figure(reference, "callsPerSecond") : figure(reference, "medianMs")
  const refCpu = figure(reference, "cpuPerCallUs")
  for (const variant of variants) {
    const row = {
      scenario,
      variant,
      cpuPerCallUs: figure(variant, "cpuPerCallUs"),
      cpuRatio: figure(variant, "cpuPerCallUs") / refCpu,
      connectionsPerRound: of(variant).map((r) => r.connections),
      callsPerRound: of(variant).map((r) => r.requestsSent)
    }
    if (concurrent) {
      row.callsPerSecond = figure(variant, "callsPerSecond")
      row.throughputRatio = row.callsPerSecond / ref
    } else {
      row.medianMs = figure(variant, "medianMs")
      row.p99Ms = figure(variant, "p99Ms")
      row.ratio = row.medianMs / ref
    }
    summary.push(row)
  }
}
const startup = variants.map((variant) => ({
  variant,
  importToFirstResponseMs: median(results.filter((r) => r.variant === variant).map((r) => r.importToFirstResponseMs))
}))
const size = JSON.parse(
  spawnSync(process.execPath, [path.join(here, "size.mjs"), "--json"], { encoding: "utf8" }).stdout
)
const micro = JSON.parse(spawnSync(process.execPath, [path.join(here, "micro.mjs")], { encoding: "utf8" }).stdout)
const loadAfter = os.loadavg()
const finishedAt = new Date()

/** RSS or heap growth between the first and the last mark of a memory run. */
const growth = (bytes) => {
  const marks = Object.keys(bytes).map(Number).sort((a, b) => a - b)
  const [a, b] = [bytes[marks[0]], bytes[marks[marks.length - 1]]]
  return { fromCalls: marks[0], toCalls: marks[marks.length - 1], from: a, to: b, percent: ((b - a) / a) * 100 }
}

// The goals, scored mechanically from this run's figures: no figure is chosen from another run.
const row = (scenario, variant) => summary.find((r) => r.scenario === scenario && r.variant === variant)
const goalBundleBytes = 70_000
const goals = [
  ...["get one user", "create a key"].map((scenario) => ({
    goal: `single-object operation (${scenario}) ≤ 0.90× raw fetch (median)`,
    measure: (variant) => row(scenario, variant).ratio,
    format: (value) => `${value.toFixed(2)}×`,
    met: (value) => value <= 0.9
  })),
  {
    goal: "error path (409) ≤ 1.00× raw fetch (median)",
    measure: (variant) => row("error path (409)", variant).ratio,
    format: (value) => `${value.toFixed(2)}×`,
    met: (value) => value <= 1
  },
  {
    goal: "list of 1,000 users, validated, ≤ 1.30× raw fetch + JSON.parse (median)",
    measure: (variant) => row("list 1,000 users", variant).ratio,
    format: (value) => `${value.toFixed(2)}×`,
    met: (value) => value <= 1.3
  },
  {
    goal: "50 in flight: throughput ≥ 1.00× raw fetch",
    measure: (variant) => row("5,000 gets, 50 in flight", variant).throughputRatio,
    format: (value) => `${value.toFixed(2)}×`,
    met: (value) => value >= 1
  },
  {
    goal: "RSS after 100,000 calls within 10% of after 10,000 (one memory run)",
    measure: (variant) => {
      const run = memory.find((m) => m.variant === variant)
      return run === undefined ? undefined : growth(run.rssBytes).percent
    },
    format: (value) => `${value >= 0 ? "+" : ""}${value.toFixed(1)}%`,
    met: (value) => Math.abs(value) <= 10
  },
  {
    goal: `one-call bundle ≤ 70 KB (${goalBundleBytes.toLocaleString("en")} bytes) gzipped`,
    measure: () => size.gzipBytes,
    format: (value) => `${value.toLocaleString("en")} bytes`,
    met: (value) => value <= goalBundleBytes
  }
].map(({ format, goal, measure, met }) => ({
  goal,
  bySdkVariant: Object.fromEntries(sdkVariants.map((variant) => {
    const value = measure(variant)
    return [variant, value === undefined ? null : { value, shown: format(value), met: met(value) }]
  }))
}))

// --- the report, in Markdown ---
const fixed = (value, digits = 3) => (value === undefined ? "-" : value.toFixed(digits))
const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`
const signed = (percent) => `${percent >= 0 ? "+" : ""}${percent.toFixed(1)}%`
const name = `${startedAt.toISOString().slice(0, 16).replace(":", "")}Z-${commit.slice(0, 7)}${dirty ? "-dirty" : ""}`
const report = [
  `# Benchmark run ${name}`,
  "",
  scratch
    ? `**Not a published run** (${
      [
        quick && "BENCH_QUICK=1",
        skipMemory && "BENCH_SKIP_MEMORY=1",
        rounds !== defaultRounds && `BENCH_ROUNDS=${rounds}`
      ]
        .filter(Boolean).join(", ")
    }): a smoke test of the bench.`
    : "A published run: `pnpm bench` with the default settings.",
  "",
  `- commit ${commit}${dirty ? " **with uncommitted changes**" : ""}`,
  `- started ${startedAt.toISOString()}, finished ${finishedAt.toISOString()} (${
    ((finishedAt - startedAt) / 60_000).toFixed(1)
  } min)`,
  `- machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, ${
    Math.round(os.totalmem() / 2 ** 30)
  } GiB, ${os.platform()}, Node ${process.version}`,
  `- load average (1, 5, 15 min) at the start ${loadBefore.map((l) => l.toFixed(2)).join(", ")}, at the end ${
    loadAfter.map((l) => l.toFixed(2)).join(", ")
  }`,
  `- ${rounds} round(s); each figure below is the median across rounds of each round's figure`,
  "",
  "## Medians across rounds",
  "",
  "| scenario | variant | median ms | p99 ms | ratio to raw fetch | client CPU µs/call | CPU ratio | connections per round (calls) |",
  "|---|---|---|---|---|---|---|---|",
  ...summary.map((r) => {
    const connections = `${r.connectionsPerRound.join(", ")} (${r.callsPerRound[0]})`
    return r.callsPerSecond === undefined
      ? `| ${r.scenario} | ${r.variant} | ${fixed(r.medianMs)} | ${fixed(r.p99Ms)} | ${fixed(r.ratio, 2)}× | ${
        fixed(r.cpuPerCallUs, 0)
      } | ${fixed(r.cpuRatio, 2)}× | ${connections} |`
      : `| ${r.scenario} | ${r.variant} | ${fixed(r.callsPerSecond, 0)} calls/s | | ${
        fixed(r.throughputRatio, 2)
      }× throughput | ${fixed(r.cpuPerCallUs, 0)} | ${fixed(r.cpuRatio, 2)}× | ${connections} |`
  }),
  "",
  "`NodeHttpClient.layer` runs over an `http.Agent` with `keepAlive: true`; the layer as exported",
  "keeps no connection alive (one connection per call).",
  "",
  "## The SDK's layers side by side: client CPU per call, and how much less the undici layer uses",
  "",
  "| scenario | FetchHttpClient µs | NodeHttpClient.layer µs | layerUndici µs | undici vs Fetch | undici vs Node http |",
  "|---|---|---|---|---|---|",
  ...scenarios.map((scenario) => {
    const [fetchCpu, nodeCpu, undiciCpu] = sdkVariants.map((variant) => row(scenario, variant).cpuPerCallUs)
    const less = (other) => {
      const percent = ((other - undiciCpu) / other) * 100
      return percent >= 0 ? `${percent.toFixed(1)}% less` : `${(-percent).toFixed(1)}% more`
    }
    return `| ${scenario} | ${fixed(fetchCpu, 0)} | ${fixed(nodeCpu, 0)} | ${fixed(undiciCpu, 0)} | ${
      less(fetchCpu)
    } | ${less(nodeCpu)} |`
  }),
  "",
  "## Against the goals (this run's figures; met or not by the rule in the first column)",
  "",
  `| goal | ${sdkVariants.join(" | ")} |`,
  `|---|${sdkVariants.map(() => "---").join("|")}|`,
  ...goals.map(({ bySdkVariant, goal }) =>
    `| ${goal} | ${
      sdkVariants.map((variant) => {
        const cell = bySdkVariant[variant]
        return cell === null ? "not measured" : `${cell.shown}, ${cell.met ? "met" : "not met"}`
      }).join(" | ")
    } |`
  ),
  "",
  "## Memory: each run as measured (after a forced GC)",
  "",
  ...(memory.length === 0
    ? ["Not measured in this run (BENCH_SKIP_MEMORY=1)."]
    : [
      "| variant | calls | RSS | JS heap in use |",
      "|---|---|---|---|",
      ...memory.map((m) => {
        const [rss, heap] = [growth(m.rssBytes), growth(m.heapUsedBytes)]
        return `| ${m.variant} | ${rss.fromCalls.toLocaleString("en")} → ${rss.toCalls.toLocaleString("en")} | ${
          mib(rss.from)
        } → ${mib(rss.to)} (${signed(rss.percent)}) | ${mib(heap.from)} → ${mib(heap.to)} (${signed(heap.percent)}) |`
      })
    ]),
  "",
  "## Import to first response (median across every run of the variant)",
  "",
  ...startup.map(({ importToFirstResponseMs, variant }) => `- ${variant}: ${fixed(importToFirstResponseMs, 0)} ms`),
  "",
  `## Startup, bundled and unbundled (${startupRuns} runs of each, interleaved; median, and the least in brackets)`,
  "",
  "`katanemo --help`: wall time from spawn to exit, and the process's own CPU time (user + system).",
  "",
  "| program | wall ms | CPU ms |",
  "|---|---|---|",
  ...launch.filter((p) => p.kind === "help").map(({ name, runs }) =>
    `| ${name} | ${fixed(median(runs.map((r) => r.wallMs)), 0)} (${
      fixed(Math.min(...runs.map((r) => r.wallMs)), 0)
    }) | ${fixed(median(runs.map((r) => r.cpuMs)), 0)} (${fixed(Math.min(...runs.map((r) => r.cpuMs)), 0)}) |`
  ),
  "",
  "An SDK program (one `getUser`), from the start of its process to its first response: Node's own start",
  "and the compiling of the script count (a bundle is compiled before its first line runs).",
  "",
  "| program | process start to first response ms | CPU to first response ms | script start to first response ms |",
  "|---|---|---|---|",
  ...launch.filter((p) => p.kind === "first").map(({ name, runs }) =>
    `| ${name} | ${fixed(median(runs.map((r) => r.startToFirstResponseMs)), 0)} (${
      fixed(Math.min(...runs.map((r) => r.startToFirstResponseMs)), 0)
    }) | ${fixed(median(runs.map((r) => r.cpuToFirstResponseMs)), 0)} (${
      fixed(Math.min(...runs.map((r) => r.cpuToFirstResponseMs)), 0)
    }) | ${fixed(median(runs.map((r) => r.importToFirstResponseMs)), 0)} |`
  ),
  "",
  "## One getUser without sockets (micro.mjs, wall time per call)",
  "",
  `Bare HttpClient ${fixed(micro.bareUs, 0)} µs, SDK ${fixed(micro.sdkUs, 0)} µs (the SDK adds ${
    fixed(micro.sdkOverheadUs, 0)
  } µs); a chunked body ${fixed(micro.chunkedExtraUs, 0)} µs more; a timeout race ${
    fixed(micro.timeoutUs, 0)
  } µs; a span ${fixed(micro.spanUs, 0)} µs.`,
  "",
  "## One-call bundle (esbuild, minified)",
  "",
  `${size.minifiedBytes.toLocaleString("en")} bytes minified, ${size.gzipBytes.toLocaleString("en")} bytes gzipped.`,
  "",
  ...size.byPackage.map(({ bytes, name }) => `- ${name}: ${bytes.toLocaleString("en")} bytes minified`),
  "",
  "## Every run as measured",
  "",
  "| round | scenario | variant | median ms | p99 ms | calls/s | client CPU µs/call | import to first response ms | connections | requests |",
  "|---|---|---|---|---|---|---|---|---|---|",
  ...[...results, ...memory].map((r) =>
    `| ${r.round ?? "memory"} | ${r.scenario} | ${r.variant} | ${fixed(r.medianMs)} | ${fixed(r.p99Ms)} | ${
      fixed(r.callsPerSecond, 0)
    } | ${fixed(r.cpuPerCallUs, 0)} | ${fixed(r.importToFirstResponseMs, 0)} | ${r.connections} | ${r.requestsSent} |`
  ),
  ""
].join("\n")

const folder = scratch ? path.join(here, "results", "scratch") : path.join(here, "results")
fs.mkdirSync(folder, { recursive: true })
const out = {
  name,
  published: !scratch,
  commit,
  dirty,
  startedAt: startedAt.toISOString(),
  finishedAt: finishedAt.toISOString(),
  settings: { rounds, quick, skipMemory, startupRuns },
  machine: {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: os.platform(),
    node: process.version,
    loadAverageBefore: loadBefore,
    loadAverageAfter: loadAfter
  },
  summary,
  goals,
  startup,
  launch,
  memory,
  micro,
  size,
  raw: results
}
fs.writeFileSync(path.join(folder, `${name}.json`), JSON.stringify(out, null, 2) + "\n")
fs.writeFileSync(path.join(folder, `${name}.md`), report)
console.log(report)
console.log(`wrote ${path.relative(path.dirname(here), path.join(folder, name))}.{json,md}`)
if (dirty && !scratch) console.error("warning: the working tree has uncommitted changes; publish runs of a commit")
