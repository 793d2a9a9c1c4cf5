import { assert, it } from "@effect/vitest"
import { IdentityApi } from "@katanemo/client"
import { TooManyRequestsException } from "@katanemo/models"
import { IdentityHttpFake, IdentityStore } from "@katanemo/testing"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"

it.effect("waits out a 429 with Retry-After, then retries", () =>
  Effect.gen(function*() {
    const identity = yield* IdentityApi
    const store = yield* IdentityStore
    yield* store.injectFault({ fail: new TooManyRequestsException({}), retryAfter: "3 seconds" })
    const keys = yield* identity.getClientKeyList({ accountId: "acme" })
    assert.deepStrictEqual(keys, [])
    // two calls reached the store: the 429, then the retry
    assert.deepStrictEqual((yield* store.calls).map((call) => call.outcome._tag), ["Failure", "Success"])
    // three seconds passed on the TestClock, none in real time
    assert.strictEqual(yield* Clock.currentTimeMillis, 3000)
  }).pipe(Effect.provide(IdentityHttpFake.layerClient())))
