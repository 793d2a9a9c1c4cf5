// Runs one variant through one scenario in a process of its own (importing undici's fetch or
// Node's http client changes the process for every other variant), and prints one JSON line.
// BENCH_QUICK=1 makes every count ten times smaller: a smoke test of the bench, not a measurement.
//
//   node variant.mjs <variant> <scenario> <port>
const started = performance.now()
const [variantName, scenarioName, port] = process.argv.slice(2)

const full = {
  "get one user": { call: "getUser", warmup: 300, n: 2000 },
  "list 1,000 users": { call: "listUsers", warmup: 30, n: 200 },
  "create a key": { call: "createKey", warmup: 300, n: 2000 },
  "error path (409)": { call: "conflict", warmup: 300, n: 2000 },
  "5,000 gets, 50 in flight": { call: "getUser", warmup: 300, total: 5000, concurrency: 50 },
  "memory: 100,000 gets": { call: "getUser", warmup: 300, rss: [10_000, 100_000] },
  // startup.mjs: the first response only, then exit
  "first response": { call: "getUser", warmup: 0 }
}
const quick = process.env["BENCH_QUICK"] === "1"
const scale = (count) => (count === undefined || !quick ? count : Math.max(10, Math.round(count / 10)))
const scenarios = Object.fromEntries(
  Object.entries(full).map((
    [name, { call, concurrency, n, rss, total, warmup }]
  ) => [name, { call, concurrency, n: scale(n), rss: rss?.map(scale), total: scale(total), warmup: scale(warmup) }])
)
if (!(scenarioName in scenarios)) throw new Error(`no scenario ${JSON.stringify(scenarioName)}`)

const { variants } = await import("./variants.mjs")
if (!(variantName in variants)) throw new Error(`no variant ${JSON.stringify(variantName)}`)
const runner = await variants[variantName](`http://127.0.0.1:${port}`)
const scenario = scenarios[scenarioName]
await runner.first(scenario.call)
// performance.now() counts from the process's start: the second figure includes Node's own start
// and the compiling of this script (all of it, when it is one bundled file)
const importToFirstResponseMs = performance.now() - started
const startToFirstResponseMs = performance.now()
if (scenarioName === "first response") {
  const cpu = process.cpuUsage()
  await runner.close()
  console.log(JSON.stringify({
    variant: variantName,
    scenario: scenarioName,
    importToFirstResponseMs,
    startToFirstResponseMs,
    cpuToFirstResponseMs: (cpu.user + cpu.system) / 1000,
    requestsSent: 1
  }))
  process.exit(0)
}
await runner.sequential(scenario.call, scenario.warmup)

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
const result = {
  variant: variantName,
  scenario: scenarioName,
  importToFirstResponseMs,
  // every call this process made (the first, the warm-up and the measured ones): run.mjs holds it
  // to the requests the server counted
  requestsSent: 1 + scenario.warmup + (scenario.n ?? scenario.total ?? scenario.rss?.at(-1) ?? 0)
}
const cpuBefore = process.cpuUsage()
if (scenario.n !== undefined) {
  const samples = (await runner.sequential(scenario.call, scenario.n)).sort()
  const cpu = process.cpuUsage(cpuBefore)
  Object.assign(result, {
    calls: scenario.n,
    medianMs: quantile(samples, 0.5),
    p99Ms: quantile(samples, 0.99),
    cpuPerCallUs: (cpu.user + cpu.system) / scenario.n
  })
} else if (scenario.total !== undefined) {
  const start = performance.now()
  await runner.concurrent(scenario.call, scenario.total, scenario.concurrency)
  const ms = performance.now() - start
  const cpu = process.cpuUsage(cpuBefore)
  Object.assign(result, {
    calls: scenario.total,
    totalMs: ms,
    callsPerSecond: (scenario.total / ms) * 1000,
    cpuPerCallUs: (cpu.user + cpu.system) / scenario.total
  })
} else {
  const rss = {}
  const heap = {}
  let done = 0
  for (const mark of scenario.rss) {
    await runner.sequential(scenario.call, mark - done)
    done = mark
    globalThis.gc?.()
    const usage = process.memoryUsage()
    rss[mark] = usage.rss
    heap[mark] = usage.heapUsed
  }
  Object.assign(result, { rssBytes: rss, heapUsedBytes: heap })
}
await runner.close()
console.log(JSON.stringify(result))
process.exit(0)
