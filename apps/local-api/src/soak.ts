/**
 * `pnpm soak`: the full load run, 100,000 operations at 200 in flight through the live client
 * against the local API, with 10% of calls meeting an injected fault (429 or 500 before the store
 * acts; 500, a reset connection or no answer after it), then 100,000 reads with the store
 * constant and no faults, to watch the heap. Prints a progress line every 5 seconds, then the
 * figures, and exits 1 if `Load.problems` finds any: an unexpected failure, anything lost,
 * extra or duplicated, a kind of fault that never fired, a failure in the steady phase, or the
 * heap growing by more than 10% over it (after a GC: `pnpm soak` runs node with --expose-gc).
 *
 *   SOAK_OPERATIONS=100000 SOAK_CONCURRENCY=200 SOAK_STEADY_OPERATIONS=100000 pnpm soak
 *   SOAK_FAULTS="before 500,after reset" pnpm soak   # only these kinds of fault
 */
import { NodeRuntime } from "@effect/platform-node"
import { IdentityApi } from "@katanemo/client"
import * as UndiciTransport from "@katanemo/client/UndiciTransport"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Schedule from "effect/Schedule"
import * as Load from "./Load.js"
import * as LocalApi from "./LocalApi.js"

const operations = Number(process.env["SOAK_OPERATIONS"] ?? 100_000)
const concurrency = Number(process.env["SOAK_CONCURRENCY"] ?? 200)
const steadyOperations = Number(process.env["SOAK_STEADY_OPERATIONS"] ?? 100_000)
/** The kinds of fault to inject, comma-separated (default: all of `Load.allFaultKinds`). */
const faults = (process.env["SOAK_FAULTS"] ?? "").split(",").map((kind) => kind.trim()).filter((kind) => kind !== "")
const unknown = faults.filter((kind) => !Load.allFaultKinds.some((known) => known === kind))
const kinds = Load.allFaultKinds.filter((kind) => faults.length === 0 || faults.includes(kind))

const client = Layer.unwrapEffect(Effect.map(LocalApi.url, (baseUrl) =>
  IdentityApi.layer({
    baseUrl,
    // a "no answer" fault costs one timeout: short enough that they do not dominate the run
    timeout: "10 seconds",
    retrySchedule: Schedule.exponential("5 millis").pipe(Schedule.intersect(Schedule.recurs(5)))
  })))

Effect.gen(function*() {
  if (unknown.length > 0) {
    yield* Console.error(`unknown SOAK_FAULTS ${unknown.join(", ")}: the kinds are ${Load.allFaultKinds.join(", ")}`)
    return process.exitCode = 2
  }
  yield* Console.log(
    `soak: ${operations} operations, ${concurrency} in flight, 10% injected faults (${
      kinds.join(", ")
    }), then ${steadyOperations} reads with no faults`
  )
  const report = yield* Load.run({
    operations,
    concurrency,
    faultProbability: 0.1,
    faults: kinds,
    steadyOperations,
    onProgress: (progress) => Console.log(`  ${Load.formatProgress(progress)}`)
  })
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`
  const growth = (before: number, after: number) =>
    `${after >= before ? "+" : ""}${(100 * (after / before - 1)).toFixed(1)}%`
  yield* Console.log([
    `  ${report.succeeded} succeeded, failed by tag: ${JSON.stringify(report.failed)}`,
    `  faults fired by kind: ${JSON.stringify(report.faultsFired)}`,
    `  unexpected failures: ${report.unexpected.length}; lost: ${report.lost.length}; extra: ${report.extra.length}; duplicated: ${report.duplicated.length}`,
    `  creates of unknown outcome, by error: ${
      Object.entries(report.ambiguous).map(([error, { creates, held }]) => `${error} ${creates} (${held} held)`).join(
        ", "
      )
    }`,
    `  ${(report.elapsedMs / 1000).toFixed(1)} s, ${
      ((report.operations / report.elapsedMs) * 1000).toFixed(0)
    } operations/s`,
    `  RSS ${mib(report.rssBytes.before)} -> ${
      mib(report.rssBytes.after)
    } (the store grows by every key and user created)`,
    ...(report.steady === undefined ? [] : [
      `  steady phase: ${report.steady.operations} reads with the store constant, ${report.steady.failureCount} failed; `
      + `heap${report.steady.gc ? " after GC" : " (no GC, so not judged: run node with --expose-gc)"} ${
        mib(report.steady.heapUsedBytes.before)
      } -> `
      + `${mib(report.steady.heapUsedBytes.after)} (${
        growth(report.steady.heapUsedBytes.before, report.steady.heapUsedBytes.after)
      }, at most +${Load.maxSteadyHeapGrowth * 100}%), RSS ${mib(report.steady.rssBytes.before)} -> ${
        mib(report.steady.rssBytes.after)
      }`
    ])
  ].join("\n"))
  const problems = Load.problems(report)
  if (problems.length > 0) {
    yield* Console.error(["soak FAILED:", ...problems.map((problem) => `  ${problem}`)].join("\n"))
    process.exitCode = 1
  } else {
    yield* Console.log("soak passed")
  }
}).pipe(
  Effect.provide(
    client.pipe(
      // The store keeps its latest calls in a buffer trimmed in batches: a sawtooth between the bound
      // and twice it, which at the default 10,000 is noise of several MiB in the steady heap. A small
      // bound keeps that noise small; a buffer that never trimmed would still grow and fail the soak.
      Layer.provideMerge(LocalApi.layer({ port: 0, maxCallRecords: 1000 })),
      Layer.provide(UndiciTransport.layer())
    )
  ),
  // no log lines: the server's line for each injected 500 would drown the progress lines, and the
  // report names every failure
  Logger.withMinimumLogLevel(LogLevel.None),
  NodeRuntime.runMain
)
