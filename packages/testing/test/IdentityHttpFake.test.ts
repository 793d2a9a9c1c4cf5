import { assert, describe, it } from "@effect/vitest"
import { IdentityApi, InternalServerErrorException } from "@katanemo/client"
import { AccountId, TooManyRequestsException } from "@katanemo/models"
import { IdentityHttpFake, IdentityStore, type Options as StoreOptions } from "@katanemo/testing"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"

const acme = AccountId.make("acme")

const live = (options: StoreOptions = {}, token?: string) =>
  IdentityApi.layer({
    baseUrl: "http://katanemo.test",
    ...(token === undefined ? {} : { token: Redacted.make(token) })
  })
    .pipe(Layer.provide(IdentityHttpFake.layer), Layer.provideMerge(Layer.orDie(IdentityStore.layer(options))))

describe("IdentityHttpFake under the live client", () => {
  it.effect("the client's retries run unchanged: a 429 with Retry-After is waited out", () =>
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      const store = yield* IdentityStore
      yield* store.injectFault({
        operation: "getClientKeyList",
        fail: new TooManyRequestsException({ message: "slow down" }),
        retryAfter: "3 seconds"
      })
      const fiber = yield* Effect.fork(identity.getClientKeyList({ accountId: acme }))
      let sleeps = yield* TestClock.sleeps()
      while (Chunk.size(sleeps) < 2) {
        yield* Effect.yieldNow()
        sleeps = yield* TestClock.sleeps()
      }
      assert.include(Chunk.toReadonlyArray(sleeps), 3000, "one of the pending sleeps is the 3 s Retry-After")
      yield* TestClock.adjust("3 seconds")
      assert.deepStrictEqual(yield* Fiber.join(fiber), [])
      assert.deepStrictEqual((yield* store.calls).map((c) => c.outcome._tag), ["Failure", "Success"])
    }).pipe(Effect.provide(live())))

  it.effect("a POST answered 500 is not retried, and its error carries status and request id", () =>
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      const store = yield* IdentityStore
      yield* store.injectFault({ fail: new InternalServerErrorException({ message: "boom", errorCode: "E500" }) })
      const error = yield* Effect.flip(
        identity.createClientKey({ accountId: acme, clientName: "x", defaultRoleId: "r" })
      )
      assert.instanceOf(error, InternalServerErrorException)
      assert.deepInclude(error, { status: 500, message: "boom", errorCode: "E500", method: "POST" })
      assert.match(error instanceof InternalServerErrorException ? error.requestId ?? "" : "", /^req_/)
      assert.lengthOf(yield* store.calls, 1)
      assert.lengthOf(yield* store.keys("acme"), 0, "the failed create left nothing behind")
    }).pipe(Effect.provide(live())))

  it.effect("the bearer token travels in the header to the store's check", () =>
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      yield* identity.getUsersForAccount({ accountId: acme })
    }).pipe(Effect.provide(live({ validTokens: ["tok"] }, "tok"))))

  it.effect("a wrong token is refused with 401, as UnauthorizedException", () =>
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      const error = yield* Effect.flip(identity.getUsersForAccount({ accountId: acme }))
      assert.strictEqual(error._tag, "UnauthorizedException")
      assert.deepInclude(error, { status: 401, message: "Invalid bearer token" })
    }).pipe(Effect.provide(live({ validTokens: ["tok"] }, "not-the-token"))))
})
