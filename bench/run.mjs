// `pnpm bench`: every scenario, every variant, several interleaved rounds, each run in its own
// process against a minimal node:http server in another process. Prints a table of medians, p99s
// and ratios to raw fetch, and writes bench/results.json. Reports; asserts nothing.
//
//   BENCH_ROUNDS=3 (default) BENCH_SKIP_MEMORY=1 pnpm bench
import { spawn, spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const here = path.dirname(fileURLToPath(import.meta.url))
const rounds = Number(process.env["BENCH_ROUNDS"] ?? 3)
const reference = "raw fetch (reference)"
const variants = [
  reference,
  "raw undici (floor)",
  "openapi-fetch",
  "sdk + FetchHttpClient",
  "sdk + NodeHttpClient.layer",
  "sdk + NodeHttpClient.layerUndici"
]
const scenarios = ["get one user", "list 1,000 users", "create a key", "error path (409)", "5,000 gets, 50 in flight"]

const server = spawn(process.execPath, [path.join(here, "server.mjs")], { stdio: ["ignore", "pipe", "inherit"] })
const port = await new Promise((resolve) =>
  server.stdout.once("data", (chunk) => resolve(JSON.parse(String(chunk)).port))
)

const runVariant = (variant, scenario, extraArgs = []) => {
  const child = spawnSync(process.execPath, [
    ...extraArgs,
    path.join(here, "variant.mjs"),
    variant,
    scenario,
    String(port)
  ], {
    encoding: "utf8"
  })
  if (child.status !== 0) throw new Error(`${variant} / ${scenario} failed:\n${child.stderr}`)
  return JSON.parse(child.stdout.trim().split("\n").pop())
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

const results = []
try {
  for (let round = 0; round < rounds; round++) {
    process.stderr.write(`round ${round + 1}/${rounds} `)
    for (const scenario of scenarios) {
      // interleaved: each round starts the variants at a different place
      const order = variants.map((_, i) => variants[(i + round) % variants.length])
      for (const variant of order) {
        results.push({ round, ...runVariant(variant, scenario) })
        process.stderr.write(".")
      }
    }
    process.stderr.write("\n")
  }
  const memory = process.env["BENCH_SKIP_MEMORY"] === "1"
    ? []
    : [reference, "sdk + NodeHttpClient.layerUndici"].map((variant) => {
      process.stderr.write(`memory: ${variant}\n`)
      return runVariant(variant, "memory: 100,000 gets", ["--expose-gc"])
    })

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
        cpuRatio: figure(variant, "cpuPerCallUs") / refCpu
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

  const pad = (value, width) => String(value).padEnd(width)
  const fixed = (value, digits = 3) => (value === undefined ? "-" : value.toFixed(digits))
  const lines = [
    `| scenario | variant | median ms | p99 ms | ratio to raw fetch | client CPU µs/call | CPU ratio |`,
    `|---|---|---|---|---|---|---|`,
    ...summary.map((row) =>
      row.callsPerSecond === undefined
        ? `| ${row.scenario} | ${row.variant} | ${fixed(row.medianMs)} | ${fixed(row.p99Ms)} | ${
          fixed(row.ratio, 2)
        }× | ${fixed(row.cpuPerCallUs, 0)} | ${fixed(row.cpuRatio, 2)}× |`
        : `| ${row.scenario} | ${row.variant} | ${fixed(row.callsPerSecond, 0)} calls/s | | ${
          fixed(row.throughputRatio, 2)
        }× throughput | ${fixed(row.cpuPerCallUs, 0)} | ${fixed(row.cpuRatio, 2)}× |`
    )
  ]
  console.log(`\n${lines.join("\n")}\n`)
  console.log("Import to first response (median):")
  for (const { importToFirstResponseMs, variant } of startup) {
    console.log(`  ${pad(variant, 34)} ${fixed(importToFirstResponseMs, 0)} ms`)
  }
  if (memory.length > 0) {
    console.log("\nMemory after 10,000 and 100,000 sequential gets (after GC): RSS, and the JS heap in use")
    const growth = (bytes) => {
      const [a, b] = [bytes[10000], bytes[100000]]
      return `${(a / 2 ** 20).toFixed(1)} MiB -> ${(b / 2 ** 20).toFixed(1)} MiB (${(((b - a) / a) * 100).toFixed(1)}%)`
    }
    for (const m of memory) {
      console.log(`  ${pad(m.variant, 34)} RSS ${growth(m.rssBytes)}; heap ${growth(m.heapUsedBytes)}`)
    }
  }
  console.log(
    `\nOne getUser without sockets (micro.mjs, wall time): bare HttpClient ${fixed(micro.bareUs, 0)} µs, `
      + `SDK ${fixed(micro.sdkUs, 0)} µs (the SDK adds ${fixed(micro.sdkOverheadUs, 0)} µs; a chunked body `
      + `${fixed(micro.chunkedExtraUs, 0)} µs more); a timeout race costs ${fixed(micro.timeoutUs, 0)} µs, `
      + `a span ${fixed(micro.spanUs, 0)} µs`
  )
  console.log(
    `\nOne-call bundle (esbuild, minified): ${(size.minifiedBytes / 1024).toFixed(1)} KiB, ${
      (size.gzipBytes / 1024).toFixed(1)
    } KiB gzipped`
  )
  for (const { bytes, name } of size.byPackage) {
    console.log(`  ${pad(name, 34)} ${(bytes / 1024).toFixed(1)} KiB minified`)
  }

  const out = {
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version
    },
    rounds,
    summary,
    startup,
    memory,
    micro,
    size,
    raw: results
  }
  fs.writeFileSync(path.join(here, "results.json"), JSON.stringify(out, null, 2))
  console.log(`\nwrote bench/results.json`)
} finally {
  server.kill("SIGTERM")
}
