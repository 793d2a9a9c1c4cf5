import { assert, describe, it } from "@effect/vitest"
import { IdentityApi } from "@katanemo/client"
import * as UndiciTransport from "@katanemo/client/UndiciTransport"
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
    `${operations} operations at 200 in flight with 10% injected faults before and after the write: nothing lost, nothing duplicated, every kind fired`,
    () =>
      Effect.gen(function*() {
        const report = yield* Load.run({ operations, concurrency: 200, faultProbability: 0.1 })
        // the soak's verdict: unexpected failures, lost, extra, duplicated, each kind of fault fired
        // and seen by the client, after-write faults acted
        assert.deepStrictEqual(Load.problems(report), [], JSON.stringify(report.faultsFired))
        assert.deepStrictEqual(report.faultKinds, Load.allFaultKinds, "every kind of fault was injected")
        // Not a degenerate run: most operations went through. (About 90% do on an idle machine. On a
        // saturated one, attempts that wait in line past the 10 s timeout fail as TimeoutError, an
        // expected failure the accounting above judges; under the stress run, 69% succeeded.)
        assert.isAbove(report.succeeded, operations * 0.5)
      }).pipe(
        Effect.provide(
          Layer.unwrapEffect(Effect.map(LocalApi.url, (baseUrl) =>
            IdentityApi.layer({
              baseUrl,
              // Each "no answer" fault costs one attempt timeout, so it is short. On a loaded two-core
              // machine (the test command runs lint, type-check and other suites at once) an attempt
              // can also time out because it waited in line: that is one more ambiguous create or a
              // retried read, which the accounting accepts, not a failure of the test.
              timeout: "10 seconds",
              retrySchedule: Schedule.exponential("5 millis").pipe(Schedule.intersect(Schedule.recurs(5)))
            }))).pipe(
              Layer.provideMerge(LocalApi.layer({ port: 0 })),
              Layer.provide(UndiciTransport.layer()),
              Layer.orDie
            )
        ),
        Logger.withMinimumLogLevel(LogLevel.Warning)
      ),
    300_000
  )
})
