import * as HttpClient from "@effect/platform/HttpClient"
import { assert, describe, it } from "@effect/vitest"
import { IdentityApi, InternalServerErrorException } from "@katanemo/client"
import * as HttpClientTransport from "@katanemo/client/HttpClientTransport"
import { AccountId, type Tags, TooManyRequestsException, UserId } from "@katanemo/models"
import { IdentityApiMemory, IdentityHttpFake, IdentityStore } from "@katanemo/testing"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { turn } from "../src/internal/clockDriver.js"

const acme = AccountId.make("acme")

const live = (options: IdentityStore.Options = {}, token?: string) =>
  IdentityApi.layer({
    baseUrl: "http://katanemo.test",
    ...(token === undefined ? {} : { token: Redacted.make(token) })
  })
    .pipe(
      Layer.provide(HttpClientTransport.layer()),
      Layer.provide(IdentityHttpFake.layer()),
      Layer.provideMerge(Layer.orDie(IdentityStore.layer(options)))
    )

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

  it.effect(
    "the obvious test: a 429 with Retry-After over IdentityHttpFake.layer() finishes on its own",
    () =>
      Effect.gen(function*() {
        const identity = yield* IdentityApi
        const store = yield* IdentityStore
        yield* store.injectFault({ fail: new TooManyRequestsException({}), retryAfter: "3 seconds" })
        assert.deepStrictEqual(yield* identity.getClientKeyList({ accountId: acme }), [])
        assert.deepStrictEqual((yield* store.calls).map((c) => c.outcome._tag), ["Failure", "Success"])
        assert.strictEqual(yield* Clock.currentTimeMillis, 3000, "the clock moved to the retry, no further")
      }).pipe(Effect.provide(live())),
    10_000
  )

  it.effect(
    "500s on a GET are retried with backoff, on their own, until the call succeeds",
    () =>
      Effect.gen(function*() {
        const identity = yield* IdentityApi
        const store = yield* IdentityStore
        yield* store.injectFault({ fail: new InternalServerErrorException({}), times: 2 })
        assert.deepStrictEqual(yield* identity.getUsersForAccount({ accountId: acme }), [])
        assert.deepStrictEqual((yield* store.calls).map((c) => c.outcome._tag), ["Failure", "Failure", "Success"])
        const now = yield* Clock.currentTimeMillis
        // backoff from 0.5 s, doubling, jittered by x0.75 to x1: 0.375 s + 0.75 s at least
        assert.isTrue(now >= 1125 && now <= 1500, `${now} ms passed on the TestClock`)
      }).pipe(Effect.provide(IdentityHttpFake.layerClient())),
    10_000
  )

  it.effect(
    "the live client's attempt timeout runs on its own too: a 40 s delay is a TimeoutError at 30 s",
    () =>
      Effect.gen(function*() {
        const identity = yield* IdentityApi
        const store = yield* IdentityStore
        yield* store.injectFault({ delay: "40 seconds" })
        const error = yield* Effect.flip(identity.getClientKeyList({ accountId: acme }))
        assert.deepInclude(error, { _tag: "TimeoutError", scope: "attempt", timeoutMillis: 30_000 })
        assert.strictEqual(yield* Clock.currentTimeMillis, 30_000)
      }).pipe(Effect.provide(IdentityHttpFake.layerClient({ client: { maxRetries: 0 } }))),
    10_000
  )

  it.effect(
    "a test that moves the clock itself keeps control: time does not move behind its back",
    () =>
      Effect.gen(function*() {
        const identity = yield* IdentityApi
        const store = yield* IdentityStore
        yield* store.injectFault({ fail: new TooManyRequestsException({}), retryAfter: "3 seconds" })
        const fiber = yield* Effect.fork(identity.getClientKeyList({ accountId: acme }))
        while (!Chunk.toReadonlyArray(yield* TestClock.sleeps()).includes(3000)) yield* Effect.yieldNow()
        yield* TestClock.adjust("2 seconds")
        assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)), "still waiting after 2 of the 3 seconds")
        assert.lengthOf(yield* store.calls, 1)
        yield* TestClock.adjust("1 second")
        assert.deepStrictEqual(yield* Fiber.join(fiber), [])
        assert.strictEqual(yield* Clock.currentTimeMillis, 3000)
      }).pipe(Effect.provide(IdentityHttpFake.layerClient())),
    10_000
  )

  it.effect("with advanceTestClock: false the clock is the test's alone", () =>
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      const store = yield* IdentityStore
      yield* store.injectFault({ fail: new TooManyRequestsException({}), retryAfter: "3 seconds" })
      const fiber = yield* Effect.fork(identity.getClientKeyList({ accountId: acme }))
      // many more turns of the event loop than the fake lets pass before it moves the clock
      for (let i = 0; i < 100; i++) yield* turn
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
      assert.strictEqual(yield* Clock.currentTimeMillis, 0)
      yield* TestClock.adjust("3 seconds")
      assert.deepStrictEqual(yield* Fiber.join(fiber), [])
    }).pipe(Effect.provide(IdentityHttpFake.layerClient({ advanceTestClock: false }))), 10_000)

  it.effect("the in-memory layer does not retry: a 429 reaches the program at once", () =>
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      const store = yield* IdentityStore
      yield* store.injectFault({ fail: new TooManyRequestsException({}), retryAfter: "3 seconds" })
      const error = yield* Effect.flip(identity.getClientKeyList({ accountId: acme }))
      assert.strictEqual(error._tag, "TooManyRequestsException")
      assert.lengthOf(yield* store.calls, 1)
      assert.strictEqual(yield* Clock.currentTimeMillis, 0)
    }).pipe(Effect.provide(IdentityApiMemory.layer())))

  it.effect("layerClient: the token and the store's options reach the fake; a bad seed is a SeedError", () =>
    Effect.gen(function*() {
      const ok = IdentityHttpFake.layerClient({ validTokens: ["tok"], token: Redacted.make("tok") })
      yield* Effect.provide(Effect.flatMap(IdentityApi, (api) => api.getUsersForAccount({ accountId: acme })), ok)
      const refused = IdentityHttpFake.layerClient({ validTokens: ["tok"], client: { maxRetries: 0 } })
      const error = yield* Effect.flip(
        Effect.provide(Effect.flatMap(IdentityApi, (api) => api.getUsersForAccount({ accountId: acme })), refused)
      )
      assert.deepInclude(error, { _tag: "UnauthorizedException", message: "Missing bearer token" })
      const bad = yield* Effect.flip(Effect.scoped(Layer.build(IdentityHttpFake.layerClient({
        seed: { accounts: [{ accountId: "a" }, { accountId: "a" }] }
      }))))
      assert.strictEqual(bad._tag, "SeedError")
      assert.match(bad.message, /accounts\[1\]\.accountId: duplicate account "a"/)
    }))

  it.effect("layerClient: the transport's options reach the HttpClient over the fake", () => {
    const seen: Array<string> = []
    return Effect.gen(function*() {
      const identity = yield* IdentityApi
      assert.deepStrictEqual(yield* identity.getUsersForAccount({ accountId: acme }), [])
      assert.deepStrictEqual(seen, ["GET http://katanemo.test/org/acme/user"])
    }).pipe(Effect.provide(IdentityHttpFake.layerClient({
      transport: {
        transformClient: (client) =>
          HttpClient.tapRequest(client, (request) => Effect.sync(() => seen.push(`${request.method} ${request.url}`)))
      }
    })))
  })

  it.effect("layerClient: tags nested 100,000 levels deep are an InvalidRequestError, not a defect, and nothing is sent", () =>
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      const store = yield* IdentityStore
      let deep: Array<unknown> = []
      for (let i = 0; i < 100_000; i++) deep = [deep]
      const tags: Tags = {}
      // a value the types forbid, as a JavaScript caller (or a parsed request) may hand over
      Reflect.set(tags, "team", deep)
      const error = yield* Effect.flip(
        identity.createUserForAccount({ accountId: acme, userId: UserId.make("ada"), tags })
      )
      assert.strictEqual(error._tag, "InvalidRequestError")
      assert.include(error.message, "tags")
      assert.isBelow(error.message.length, 2000, "the value is quoted cut short")
      assert.lengthOf(yield* store.calls, 0)
    }).pipe(Effect.provide(IdentityHttpFake.layerClient())))

  it("the README's retry pattern is test/ReadmeRetry.test.ts, verbatim", () => {
    const here = path.dirname(fileURLToPath(import.meta.url))
    const readme = fs.readFileSync(path.join(here, "..", "README.md"), "utf8")
    const pattern = fs.readFileSync(path.join(here, "ReadmeRetry.test.ts"), "utf8")
    assert.include(readme, "```ts\n" + pattern + "```\n")
  })

  it("the README's token example is test/ReadmeTokens.test.ts, verbatim", () => {
    const here = path.dirname(fileURLToPath(import.meta.url))
    const readme = fs.readFileSync(path.join(here, "..", "README.md"), "utf8")
    const example = fs.readFileSync(path.join(here, "ReadmeTokens.test.ts"), "utf8")
    assert.include(readme, "```ts\n" + example + "```\n")
  })
})
