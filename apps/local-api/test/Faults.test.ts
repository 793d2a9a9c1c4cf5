import { assert, describe, it } from "@effect/vitest"
import { IdentityApi } from "@katanemo/client"
import * as UndiciTransport from "@katanemo/client/UndiciTransport"
import { AccountId, KeyId } from "@katanemo/models"
import { IdentityStore } from "@katanemo/testing"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as LocalApi from "../src/LocalApi.js"

const acme = AccountId.make("acme")

/**
 * The live client against the local API over a real socket. The timeout is real time: 3 s is far
 * beyond an answer on an idle machine and short enough for the test; on a loaded one a late
 * answer would also end in a TimeoutError, so the assertions that tell a dropped answer from a
 * late one are the store's (it acted) and the fault counts.
 */
const overSocket = Layer.unwrapEffect(
  Effect.map(LocalApi.url, (baseUrl) => IdentityApi.layer({ baseUrl, timeout: "3 seconds" }))
).pipe(
  Layer.provide(UndiciTransport.layer()),
  Layer.provideMerge(LocalApi.layer({ port: 0 })),
  Layer.orDie
)

describe("faults after the write, over a real socket", () => {
  it.live("a reset connection: a POST fails with TransportError and is not retried; the store acted", () =>
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      const store = yield* IdentityStore
      yield* store.injectFault({ operation: "createClientKey", when: "after", drop: "reset" })
      const error = yield* Effect.flip(
        identity.createClientKey({ accountId: acme, clientName: "a", defaultRoleId: "r" })
      )
      assert.strictEqual(error._tag, "TransportError", "the connection was reset, with no answer")
      assert.strictEqual(error._tag === "TransportError" ? error.reason : "", "Transport")
      assert.deepStrictEqual((yield* store.keys("acme")).map((k) => k.clientName), ["a"], "the key was created")
      assert.strictEqual((yield* store.calls).length, 1, "one attempt")
      // a GET that meets a reset is retried
      const [key] = yield* store.keys("acme")
      yield* store.injectFault({ operation: "getClientKey", when: "after", drop: "reset" })
      const read = yield* identity.getClientKey({ accountId: acme, keyId: KeyId.make(key?.clientKeyId ?? "") })
      assert.strictEqual(read.clientName, "a")
      assert.deepStrictEqual(yield* store.firedFaults, { "after reset": 2 })
    }).pipe(Effect.provide(overSocket), Logger.withMinimumLogLevel(LogLevel.Warning)))

  it.live(
    "no answer: a POST ends with the client's TimeoutError; the store acted, and the server answers the next call",
    () =>
      Effect.gen(function*() {
        const identity = yield* IdentityApi
        const store = yield* IdentityStore
        yield* store.injectFault({ operation: "createClientKey", when: "after", drop: "noAnswer" })
        const error = yield* Effect.flip(
          identity.createClientKey({ accountId: acme, clientName: "a", defaultRoleId: "r" })
        )
        assert.strictEqual(error._tag, "TimeoutError", "no answer came")
        assert.strictEqual(error._tag === "TimeoutError" ? error.scope : "", "attempt")
        assert.deepStrictEqual((yield* store.keys("acme")).map((k) => k.clientName), ["a"], "the key was created")
        assert.deepStrictEqual(yield* store.firedFaults, { "after noAnswer": 1 })
        assert.strictEqual((yield* identity.getClientKeyList({ accountId: acme })).length, 1)
      }).pipe(Effect.provide(overSocket), Logger.withMinimumLogLevel(LogLevel.Warning)),
    30_000
  )
})
