import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { IdentityApi } from "@katanemo/client"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Schedule from "effect/Schedule"
import * as Load from "../src/Load.js"
import * as LocalApi from "../src/LocalApi.js"

const operations = Number(process.env["KATANEMO_LOAD_OPERATIONS"] ?? 4000)

describe("load (the CI-sized version of pnpm soak)", () => {
  it.live(
    `${operations} operations at 200 in flight with 10% injected faults: nothing lost, nothing duplicated`,
    () =>
      Effect.gen(function*() {
        const report = yield* Load.run({ operations, concurrency: 200, faultProbability: 0.1 })
        assert.deepStrictEqual(report.unexpected, [], "every failure is an injected fault's typed error")
        assert.deepStrictEqual(report.lost, [], "no successful create is missing from the store")
        assert.deepStrictEqual(report.extra, [], "nothing is in the store twice or without a successful create")
        const failed = Object.values(report.failed).reduce((a, b) => a + b, 0)
        assert.strictEqual(report.succeeded + failed, operations, "every operation is accounted for")
        assert.isAbove(report.succeeded, operations * 0.8)
      }).pipe(
        Effect.provide(
          Layer.unwrapEffect(Effect.map(LocalApi.url, (baseUrl) =>
            IdentityApi.layer({
              baseUrl,
              // The accounting is what this test checks, not latency. With 200 in flight on a loaded
              // two-core machine (the test command runs lint, type-check and other suites at once),
              // an attempt can wait in line for tens of seconds: the default 30 s timeout would turn
              // that into failures of the machine, not of the system. A hang still fails the test.
              timeout: "2 minutes",
              retrySchedule: Schedule.exponential("5 millis").pipe(Schedule.intersect(Schedule.recurs(5)))
            }))).pipe(
              Layer.provideMerge(LocalApi.layer({ port: 0 })),
              Layer.provide(NodeHttpClient.layerUndici),
              Layer.orDie
            )
        ),
        Logger.withMinimumLogLevel(LogLevel.Warning)
      ),
    300_000
  )
})
