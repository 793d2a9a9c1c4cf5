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
// the SDK's default on Node, and the same with the SDK's span off (span: false): the two give the span's cost
const recommended = "sdk + UndiciTransport"
const spanOff = "sdk + UndiciTransport, span off"
// the SDK with its default settings (its span on) over each transport: the goals are scored for each
const sdkVariants = [
  recommended,
  "sdk + FetchTransport",
  "sdk + HttpClient(layerUndici)",
  "sdk + HttpClient(FetchHttpClient)",
  "sdk + HttpClient(NodeHttpClient.layer)"
]
const variants = [reference, "raw undici (floor)", "openapi-fetch", ...sdkVariants, spanOff]
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
  // the SDK's span sends a traceparent with every request; span: false and the other clients, none
  const traced = variant.startsWith("sdk") && variant !== spanOff ? result.requestsSent : 0
  if (stats.traced !== traced) {
    throw new Error(
      `${variant} / ${scenario}: ${stats.traced} of ${result.requestsSent} requests carried a traceparent, expected ${traced}`
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
  launch = await measureStartup({ recommended, runVariant, runs: startupRuns })
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
const goalBundleBytes = 65_000
const bundleProgram = (variant) => size.programs.find((p) => p.variant === variant)
/** A latency goal: the median's ratio to raw fetch, with the client CPU ratio beside it. */
const latencyGoal = (scenario, goal, limit) => ({
  goal: `${goal}: median ≤ ${limit.toFixed(2)}× raw fetch + JSON.parse`,
  measure: (variant) => row(scenario, variant).ratio,
  cpuRatio: (variant) => row(scenario, variant).cpuRatio,
  format: (value) => `${value.toFixed(2)}×`,
  met: (value) => value <= limit
})
const goals = [
  latencyGoal("get one user", "get one user", 0.6),
  latencyGoal("create a key", "create a key", 0.6),
  latencyGoal("error path (409)", "the 409 error path", 0.6),
  latencyGoal("list 1,000 users", "list of 1,000 users, fully validated", 1.3),
  {
    goal: "throughput with 50 in flight ≥ 2.00× raw fetch",
    measure: (variant) => row("5,000 gets, 50 in flight", variant).throughputRatio,
    cpuRatio: (variant) => row("5,000 gets, 50 in flight", variant).cpuRatio,
    format: (value) => `${value.toFixed(2)}×`,
    met: (value) => value >= 2
  },
  {
    goal: `one-call bundle ≤ 65 KB (${
      goalBundleBytes.toLocaleString("en")
    } bytes) gzipped, for a program that uses the fetch transport`,
    // the goal is the FetchTransport program's; the other programs' sizes are in the bundle section
    measure: (variant) => variant === "sdk + FetchTransport" ? bundleProgram(variant)?.gzipBytes : undefined,
    cpuRatio: () => undefined,
    format: (value) => `${value.toLocaleString("en")} bytes`,
    met: (value) => value <= goalBundleBytes
  }
].map(({ cpuRatio, format, goal, measure, met }) => ({
  goal,
  bySdkVariant: Object.fromEntries(sdkVariants.map((variant) => {
    const value = measure(variant)
    const cpu = cpuRatio(variant)
    return [
      variant,
      value === undefined
        ? null
        : { value, shown: format(value), met: met(value), ...(cpu === undefined ? {} : { cpuRatio: cpu }) }
    ]
  }))
}))

// What the SDK's span costs: UndiciTransport with its span (the default) against span: false.
const spanCost = scenarios.map((scenario) => {
  const [on, off] = [row(scenario, recommended), row(scenario, spanOff)]
  const cpu = { onUs: on.cpuPerCallUs, offUs: off.cpuPerCallUs, costUs: on.cpuPerCallUs - off.cpuPerCallUs }
  return on.callsPerSecond === undefined
    ? { scenario, cpu, medianMs: { on: on.medianMs, off: off.medianMs, costMs: on.medianMs - off.medianMs } }
    : {
      scenario,
      cpu,
      callsPerSecond: {
        on: on.callsPerSecond,
        off: off.callsPerSecond,
        costPercent: ((off.callsPerSecond - on.callsPerSecond) / off.callsPerSecond) * 100
      }
    }
})
const spanAt50 = spanCost.find((c) => c.callsPerSecond !== undefined)

// --- the report, in Markdown ---
const fixed = (value, digits = 3) => (value === undefined ? "-" : value.toFixed(digits))
/** The median of one figure across runs, and the least in brackets, in whole milliseconds. */
const medianAndLeast = (runs, key) =>
  `${fixed(median(runs.map((r) => r[key])), 0)} (${fixed(Math.min(...runs.map((r) => r[key])), 0)})`
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
  "`HttpClient(…)`: the SDK over `HttpClientTransport` and that `HttpClient` layer. `NodeHttpClient.layer`",
  "runs over an `http.Agent` with `keepAlive: true`; the layer as exported keeps no connection alive",
  "(one connection per call).",
  "",
  "## The SDK's transports side by side: client CPU per call (µs), and the change against UndiciTransport",
  "",
  `| scenario | ${[...sdkVariants, spanOff].join(" | ")} |`,
  `|---|${[...sdkVariants, spanOff].map(() => "---").join("|")}|`,
  ...scenarios.map((scenario) => {
    const base = row(scenario, recommended).cpuPerCallUs
    return `| ${scenario} | ${
      [...sdkVariants, spanOff].map((variant) => {
        const cpu = row(scenario, variant).cpuPerCallUs
        return variant === recommended ? fixed(cpu, 0) : `${fixed(cpu, 0)} (${signed(((cpu - base) / base) * 100)})`
      }).join(" | ")
    } |`
  }),
  "",
  "## Against the goals (this run's figures; met or not by the rule in the first column)",
  "",
  "Each SDK variant with its default settings (its span on). A cell gives the ratio the goal is about",
  "and, beside it, the client CPU ratio to raw fetch in the same scenario. The bundle goal is the",
  "FetchTransport program's (—: not that variant's goal; each transport's program is in the bundle section).",
  "",
  `| goal | ${sdkVariants.join(" | ")} |`,
  `|---|${sdkVariants.map(() => "---").join("|")}|`,
  ...goals.map(({ bySdkVariant, goal }) =>
    `| ${goal} | ${
      sdkVariants.map((variant) => {
        const cell = bySdkVariant[variant]
        return cell === null
          ? "—"
          : `${cell.shown}${cell.cpuRatio === undefined ? "" : ` (CPU ${cell.cpuRatio.toFixed(2)}×)`}, ${
            cell.met ? "met" : "not met"
          }`
      }).join(" | ")
    } |`
  ),
  "",
  "## What the SDK's span costs: UndiciTransport with its span (the default) against `span: false`",
  "",
  `At 50 in flight the span costs ${spanAt50.callsPerSecond.costPercent.toFixed(1)}% of the throughput (${
    fixed(spanAt50.callsPerSecond.on, 0)
  } calls/s with it, ${fixed(spanAt50.callsPerSecond.off, 0)} without) and ${
    fixed(spanAt50.cpu.costUs, 1)
  } µs of client CPU per call (${fixed(spanAt50.cpu.onUs, 0)} µs with it, ${fixed(spanAt50.cpu.offUs, 0)} without).`,
  "A negative cost is the noise of the run (the two variants run in separate processes).",
  "",
  "| scenario | with the span | without | the span's cost | client CPU µs/call with / without | CPU cost µs/call |",
  "|---|---|---|---|---|---|",
  ...spanCost.map(({ callsPerSecond, cpu, medianMs, scenario }) =>
    `| ${scenario} | ${
      medianMs === undefined
        ? `${fixed(callsPerSecond.on, 0)} calls/s | ${fixed(callsPerSecond.off, 0)} calls/s | ${
          fixed(callsPerSecond.costPercent, 1)
        }% of the throughput`
        : `${fixed(medianMs.on)} ms | ${fixed(medianMs.off)} ms | ${fixed(medianMs.costMs)} ms median`
    } | ${fixed(cpu.onUs, 0)} / ${fixed(cpu.offUs, 0)} | ${fixed(cpu.costUs, 1)} |`
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
    `| ${name} | ${medianAndLeast(runs, "wallMs")} | ${medianAndLeast(runs, "cpuMs")} |`
  ),
  "",
  "An SDK program (one `getUser`), from the start of its process to its first response: Node's own start",
  "and the compiling of the script count (a bundle is compiled before its first line runs).",
  "",
  "| program | process start to first response ms | CPU to first response ms | script start to first response ms |",
  "|---|---|---|---|",
  ...launch.filter((p) => p.kind === "first").map(({ name, runs }) =>
    `| ${name} | ${medianAndLeast(runs, "startToFirstResponseMs")} | ${
      medianAndLeast(runs, "cpuToFirstResponseMs")
    } | ${fixed(median(runs.map((r) => r.importToFirstResponseMs)), 0)} |`
  ),
  "",
  "## One getUser without sockets (micro.mjs, wall time per call)",
  "",
  `Bare HttpClient ${fixed(micro.bareUs, 0)} µs, the SDK over it (HttpClientTransport) ${
    fixed(micro.sdkUs, 0)
  } µs (the SDK adds ${fixed(micro.sdkOverheadUs, 0)} µs); a chunked body ${
    fixed(micro.chunkedExtraUs, 0)
  } µs more. The SDK over a transport that answers at once (the engine alone) ${fixed(micro.engineUs, 0)} µs, ${
    fixed(micro.engineNoSpanUs, 0)
  } µs with \`span: false\`; over FetchTransport and a canned fetch ${
    fixed(micro.fetchTransportUs, 0)
  } µs; over UndiciTransport and a canned Dispatcher ${fixed(micro.undiciTransportUs, 0)} µs. A timeout race ${
    fixed(micro.timeoutUs, 0)
  } µs; a span ${fixed(micro.spanUs, 0)} µs.`,
  "",
  `Request logs (the engine alone, bundled, at Info; CPU time per call): ${
    fixed(micro.engineLoggedUs, 1)
  } µs with the per-attempt log call, ${
    fixed(micro.engineNoLogUs, 1)
  } µs with it compiled out: the log call below the level costs ${
    fixed(micro.logBelowLevelUs, 2)
  } µs (the median of 15 interleaved rounds' differences); a naive one (an annotated \`Effect.logDebug\` and two clock reads) ${
    fixed(micro.naiveLogBelowLevelUs, 2)
  } µs. At Debug, its line built and dropped: ${fixed(micro.logAtDebugUs, 2)} µs.`,
  "",
  "## One-call bundle per transport (esbuild, minified, gzipped)",
  "",
  `A program that calls getUser over the transport. The test command checks the ${size.checked} program against \`size-budget.json\`.`,
  "",
  "| program | platform | minified bytes | gzipped bytes | where the bytes go (minified) |",
  "|---|---|---|---|---|",
  ...size.programs.map((p) =>
    `| ${p.transport}${p.checked ? " (checked)" : ""} | ${p.platform} | ${p.minifiedBytes.toLocaleString("en")} | ${
      p.gzipBytes.toLocaleString("en")
    } | ${p.byPackage.map(({ bytes, name }) => `${name} ${bytes.toLocaleString("en")}`).join(", ")} |`
  ),
  "",
  `The largest modules of the ${size.checked} program (minified bytes):`,
  "",
  ...size.programs.find((p) => p.checked).topModules.map(({ bytes, module }) =>
    `- ${module}: ${bytes.toLocaleString("en")}`
  ),
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
  spanCost,
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
