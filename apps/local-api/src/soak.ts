/**
 * `pnpm soak`: the full load run, 100,000 operations at 200 in flight through the live client
 * against the local API, with 10% injected 429 and 500 faults, then 100,000 reads with the store
 * constant to watch memory. Prints the figures; exits 1 if any
 * operation failed unexpectedly or the store lost or duplicated anything.
 *
 *   SOAK_OPERATIONS=100000 SOAK_CONCURRENCY=200 pnpm soak
 */
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { IdentityApi } from "@katanemo/client"
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

const client = Layer.unwrapEffect(Effect.map(LocalApi.url, (baseUrl) =>
  IdentityApi.layer({
    baseUrl,
    retrySchedule: Schedule.exponential("5 millis").pipe(Schedule.intersect(Schedule.recurs(5)))
  })))

Effect.gen(function*() {
  yield* Console.log(`soak: ${operations} operations, ${concurrency} in flight, 10% injected 429/500 faults`)
  const report = yield* Load.run({ operations, concurrency, faultProbability: 0.1, steadyOperations: 100_000 })
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`
  yield* Console.log([
    `  ${report.succeeded} succeeded, failed by tag: ${JSON.stringify(report.failed)}`,
    `  unexpected failures: ${report.unexpected.length}; lost: ${report.lost.length}; extra or duplicated: ${report.extra.length}`,
    `  ${(report.elapsedMs / 1000).toFixed(1)} s, ${
      ((report.operations / report.elapsedMs) * 1000).toFixed(0)
    } operations/s`,
    `  RSS ${mib(report.rssBytes.before)} -> ${
      mib(report.rssBytes.after)
    } (the store grows by every key and user created)`,
    ...(report.steady === undefined ? [] : [
      `  then ${report.steady.operations} reads with the store constant: RSS ${mib(report.steady.rssBytes.before)} -> `
      + `${mib(report.steady.rssBytes.after)}, heap ${mib(report.steady.heapUsedBytes.before)} -> ${
        mib(report.steady.heapUsedBytes.after)
      }`
    ])
  ].join("\n"))
  if (report.unexpected.length + report.lost.length + report.extra.length > 0) process.exitCode = 1
}).pipe(
  Effect.provide(
    client.pipe(Layer.provideMerge(LocalApi.layer({ port: 0 })), Layer.provide(NodeHttpClient.layerUndici))
  ),
  Logger.withMinimumLogLevel(LogLevel.Warning),
  NodeRuntime.runMain
)
