import { assert, describe, it } from "@effect/vitest"
import { IdentityApi } from "@katanemo/client"
import {
  AccountId,
  InternalServerErrorException,
  KeyId,
  TooManyRequestsException,
  UnauthorizedException,
  UserId
} from "@katanemo/models"
import { IdentityApiMemory, IdentityHttpFake, IdentityStore } from "@katanemo/testing"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

const acme = AccountId.make("acme")
const boom = new InternalServerErrorException({ message: "injected" })

/** Two in-memory clients over one store that wants the token `tok`: one sends it, one sends none. */
const withTokens = Effect.provide(IdentityStore.layer({ validTokens: ["tok"] }).pipe(Layer.orDie))
const clients = Effect.all({
  store: IdentityStore,
  authed: IdentityApiMemory.make({ token: Redacted.make("tok") }),
  anonymous: IdentityApiMemory.make()
})

describe("injected faults", () => {
  it.effect("before the write (the default): the call fails and the store has not acted", () =>
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      const store = yield* IdentityStore
      yield* store.injectFault({ operation: "createClientKey", fail: boom })
      const error = yield* Effect.flip(
        identity.createClientKey({ accountId: acme, clientName: "a", defaultRoleId: "r" })
      )
      assert.strictEqual(error._tag, "InternalServerErrorException")
      assert.deepStrictEqual(yield* store.keys("acme"), [], "nothing was created")
    }).pipe(Effect.provide(IdentityApiMemory.layer())))

  it.effect("after the write: the store acts (a create creates, an update updates), then the call fails", () =>
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      const store = yield* IdentityStore
      yield* store.injectFault({ operation: "createClientKey", when: "after", fail: boom })
      const error = yield* Effect.flip(
        identity.createClientKey({ accountId: acme, clientName: "a", defaultRoleId: "r" })
      )
      assert.strictEqual(error._tag, "InternalServerErrorException")
      assert.deepStrictEqual((yield* store.keys("acme")).map((k) => k.clientName), ["a"], "the key was created")

      const ada = UserId.make("ada@acme.example")
      yield* identity.createUserForAccount({ accountId: acme, userId: ada })
      yield* store.injectFault({ operation: "updateUser", when: "after", fail: boom })
      yield* Effect.flip(identity.updateUser({ accountId: acme, userId: ada, roles: ["admin"] }))
      assert.deepStrictEqual((yield* store.users("acme")).map((u) => u.roles), [["admin"]], "the update was made")
      assert.deepStrictEqual(yield* store.firedFaults, { "after 500": 2 })
    }).pipe(Effect.provide(IdentityApiMemory.layer())))

  it.effect("401 comes before any injected fault: an unauthenticated call leaves a given fault pending", () =>
    Effect.gen(function*() {
      const { anonymous, authed, store } = yield* clients
      yield* store.injectFault({ fail: boom })
      const refused = yield* Effect.flip(anonymous.getUsersForAccount({ accountId: acme }))
      assert.instanceOf(refused, UnauthorizedException, "401, not the injected 500")
      assert.deepStrictEqual(yield* store.firedFaults, {}, "no fault fired for the unauthenticated call")
      const faulted = yield* Effect.flip(authed.getUsersForAccount({ accountId: acme }))
      assert.instanceOf(faulted, InternalServerErrorException, "the fault was still pending")
      yield* authed.getUsersForAccount({ accountId: acme })
    }).pipe(withTokens))

  it.effect("401 comes before random faults too, even when every call meets one", () =>
    Effect.gen(function*() {
      const { anonymous, authed, store } = yield* clients
      yield* store.setRandomFaults({ probability: 1, exceptions: [boom] })
      for (let i = 0; i < 20; i++) {
        const refused = yield* Effect.flip(anonymous.getClientKeyList({ accountId: acme }))
        assert.instanceOf(refused, UnauthorizedException, `call ${i}: 401, not the injected 500`)
      }
      assert.instanceOf(yield* Effect.flip(authed.getClientKeyList({ accountId: acme })), InternalServerErrorException)
      assert.deepStrictEqual(yield* store.firedFaults, { "before 500": 1 })
    }).pipe(withTokens))

  it.effect("random faults fire by kind, and firedFaults counts each kind", () =>
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      const store = yield* IdentityStore
      yield* store.setRandomFaults({
        probability: 1,
        exceptions: [new TooManyRequestsException({})],
        faults: [{ when: "after", fail: boom }, { when: "after", drop: "reset" }, { when: "after", drop: "noAnswer" }]
      })
      for (let i = 0; i < 200; i++) {
        yield* Effect.exit(identity.createClientKey({ accountId: acme, clientName: `k${i}`, defaultRoleId: "r" }))
      }
      const fired = yield* store.firedFaults
      assert.deepStrictEqual(Object.keys(fired).sort(), ["after 500", "after noAnswer", "after reset", "before 429"])
      assert.strictEqual(Object.values(fired).reduce((a, b) => a + b, 0), 200, "every call met one")
      // every after-fault's create took effect, no before-fault's did
      assert.strictEqual((yield* store.keys("acme")).length, 200 - (fired["before 429"] ?? 0))

      yield* store.setRandomFaults(undefined)
      yield* identity.getClientKeyList({ accountId: acme })
      assert.strictEqual(Object.values(yield* store.firedFaults).reduce((a, b) => a + b, 0), 200, "stopped")
    }).pipe(Effect.provide(IdentityApiMemory.layer())))

  it.effect("with probability 0 no random fault fires", () =>
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      const store = yield* IdentityStore
      yield* store.setRandomFaults({ probability: 0, exceptions: [boom], faults: [{ when: "after", fail: boom }] })
      for (let i = 0; i < 50; i++) yield* identity.getClientKeyList({ accountId: acme })
      assert.deepStrictEqual(yield* store.firedFaults, {})
    }).pipe(Effect.provide(IdentityApiMemory.layer())))
})

describe("injected faults under the live client (IdentityHttpFake)", () => {
  it.effect("an after-write 500 on a POST is not retried: the key is held once", () =>
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      const store = yield* IdentityStore
      yield* store.injectFault({ operation: "createClientKey", when: "after", fail: boom })
      const error = yield* Effect.flip(
        identity.createClientKey({ accountId: acme, clientName: "a", defaultRoleId: "r" })
      )
      assert.strictEqual(error._tag, "InternalServerErrorException", "the 500, not a 409 from a second attempt")
      assert.strictEqual((yield* store.keys("acme")).length, 1)
      assert.strictEqual((yield* store.calls).length, 1, "one attempt")
    }).pipe(Effect.provide(IdentityHttpFake.layerClient())), 10_000)

  it.effect("a reset after the write: a POST fails with TransportError, the key is held", () =>
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      const store = yield* IdentityStore
      yield* store.injectFault({ operation: "createClientKey", when: "after", drop: "reset" })
      const error = yield* Effect.flip(
        identity.createClientKey({ accountId: acme, clientName: "a", defaultRoleId: "r" })
      )
      assert.strictEqual(error._tag, "TransportError", "the connection was reset, with no answer")
      assert.strictEqual(error._tag === "TransportError" ? error.reason : "", "Transport")
      assert.strictEqual((yield* store.keys("acme")).length, 1, "the store acted")
      assert.deepStrictEqual(yield* store.firedFaults, { "after reset": 1 })
    }).pipe(Effect.provide(IdentityHttpFake.layerClient())), 10_000)

  it.effect(
    "no answer after the write: a POST ends with the client's TimeoutError, the key is held",
    () =>
      Effect.gen(function*() {
        const identity = yield* IdentityApi
        const store = yield* IdentityStore
        yield* store.injectFault({ operation: "createClientKey", when: "after", drop: "noAnswer" })
        const error = yield* Effect.flip(
          identity.createClientKey({ accountId: acme, clientName: "a", defaultRoleId: "r" })
        )
        assert.strictEqual(error._tag, "TimeoutError", "no answer came")
        assert.strictEqual(error._tag === "TimeoutError" ? error.timeoutMillis : 0, 5000)
        assert.strictEqual(yield* Clock.currentTimeMillis, 5000)
        assert.strictEqual((yield* store.keys("acme")).length, 1, "the store acted")
      }).pipe(Effect.provide(IdentityHttpFake.layerClient({ client: { timeout: "5 seconds" } }))),
    10_000
  )

  it.effect("a GET that meets a reset or no answer is retried, and succeeds", () =>
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      const store = yield* IdentityStore
      const key = yield* identity.createClientKey({ accountId: acme, clientName: "a", defaultRoleId: "r" })
      yield* store.injectFault({ operation: "getClientKey", when: "after", drop: "reset" })
      yield* store.injectFault({ operation: "getClientKey", when: "after", drop: "noAnswer" })
      const read = yield* identity.getClientKey({ accountId: acme, keyId: KeyId.make(key.clientId ?? "") })
      assert.strictEqual(read.clientName, "a")
      assert.deepStrictEqual(yield* store.firedFaults, { "after reset": 1, "after noAnswer": 1 })
    }).pipe(Effect.provide(IdentityHttpFake.layerClient({ client: { timeout: "5 seconds" } }))), 10_000)
})
