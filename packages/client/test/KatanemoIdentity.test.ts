/**
 * The Promise API: its methods are the operations, a failure rejects with the Effect API's error
 * itself, an abort rejects with the signal's reason and aborts the request on the socket, and
 * `close()` (or `await using`) releases the sockets. Runs against real servers on 127.0.0.1; the
 * contract suite runs through it in `@katanemo/testing` (test/ContractSuite.test.ts).
 */
import { assert, describe, it } from "@effect/vitest"
import { IdentityApi, InvalidRequestError, NotFoundException, TimeoutError, Transport } from "@katanemo/client"
import { KatanemoIdentity } from "@katanemo/client/KatanemoIdentity"
import * as UndiciTransport from "@katanemo/client/UndiciTransport"
import { type UserId } from "@katanemo/models"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Redacted from "effect/Redacted"
import { accountId, untyped, userId, userWire } from "./fixtures.js"
import * as TestServer from "./TestServer.js"

/**
 * A promise's rejection, or a failure of the test if it resolved. The handler is attached at
 * once, so a promise that rejects before the effect runs is not reported as unhandled.
 */
const rejection = (promise: Promise<unknown>): Effect.Effect<unknown> => {
  const settled = promise.then((value) => ({ resolved: value }), (error: unknown) => ({ error }))
  return Effect.flatMap(
    Effect.promise(() => settled),
    (outcome) => "error" in outcome ? Effect.succeed(outcome.error) : Effect.die(`resolved with ${String(outcome)}`)
  )
}

/** A client for the test's scope, closed with it. */
const client = (options: ConstructorParameters<typeof KatanemoIdentity>[0]) =>
  Effect.acquireRelease(
    Effect.sync(() => new KatanemoIdentity(options)),
    (identity) => Effect.promise(() => identity.close())
  )

/**
 * undici keeping idle connections for 10 minutes (its default is a few seconds): a connection that
 * ends within a test was ended by `close()`, not by idling.
 */
const keepAlive = UndiciTransport.layer({ agent: { keepAliveTimeout: 600_000, keepAliveMaxTimeout: 600_000 } })

/** A server that keeps idle connections for 10 minutes too: only the client ends one within a test. */
const keptAlive = (script: TestServer.Script) => TestServer.make(script, { keepAliveTimeout: 600_000 })

/** Redirects every request to `/moved`, which answers a user: undici does not follow, fetch does. */
const redirecting: TestServer.Script = (request, response) =>
  request.url === "/moved"
    ? TestServer.json(response, 200, userWire)
    : void response.writeHead(302, { location: "/moved" }).end()

describe("KatanemoIdentity", () => {
  it("has one method per operation of IdentityApi.endpoints, and raw has each too", () => {
    const identity = new KatanemoIdentity({ transport: Layer.succeed(Transport, { send: () => Effect.never }) })
    const operations = Object.keys(IdentityApi.endpoints).sort()
    const methods = (target: object) => Object.keys(target).filter((k) => k !== "raw").sort()
    assert.deepStrictEqual(methods(identity), operations)
    assert.deepStrictEqual(methods(identity.raw), operations)
    for (const operation of operations) {
      assert.strictEqual(typeof Reflect.get(identity, operation), "function", operation)
      assert.strictEqual(typeof Reflect.get(identity.raw, operation), "function", `raw.${operation}`)
    }
    return identity.close()
  })

  it.scoped("answers a call, and raw answers the response as it arrived", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make((_, response) => TestServer.json(response, 200, userWire))
      const identity = yield* client({ baseUrl: server.url, token: "tok_local_plain" })
      const user = yield* Effect.promise(() => identity.getUser({ accountId, userId }))
      assert.strictEqual(user.userId, userId)
      const raw = yield* Effect.promise(() => identity.raw.getUser({ accountId, userId }))
      assert.strictEqual(raw.status, 200)
      assert.deepStrictEqual(JSON.parse(raw.body), userWire)
      const [first] = yield* server.received
      // the plain-string token is sent as a bearer token
      assert.strictEqual(first?.headers.authorization, "Bearer tok_local_plain")
    }))

  it.scoped("on Node, the default transport is undici: a redirect is not followed (fetch would follow it)", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make(redirecting)
      const identity = yield* client({ baseUrl: server.url, token: "tok_local_plain" })
      const raw = yield* Effect.promise(() => identity.raw.getUser({ accountId, userId }))
      assert.strictEqual(raw.status, 302, "undici answers the redirect itself")
      assert.lengthOf(yield* server.received, 1)
    }))

  it.scoped("in workerd (navigator.userAgent Cloudflare-Workers, process under nodejs_compat), the default is fetch", () =>
    Effect.gen(function*() {
      yield* Effect.acquireRelease(
        Effect.sync(() =>
          Object.defineProperty(globalThis, "navigator", {
            value: { userAgent: "Cloudflare-Workers" },
            configurable: true,
            writable: true
          })
        ),
        () => Effect.sync(() => Reflect.deleteProperty(globalThis, "navigator"))
      )
      const server = yield* TestServer.make(redirecting)
      const identity = yield* client({ baseUrl: server.url, token: "tok_local_plain" })
      const raw = yield* Effect.promise(() => identity.raw.getUser({ accountId, userId }))
      assert.strictEqual(raw.status, 200, "fetch follows the redirect")
      assert.lengthOf(yield* server.received, 2)
    }))

  it.scoped("with client credentials, obtains its token from POST /token (a plain-string secret) and sends it", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make((request, response) =>
        request.url === "/token"
          ? TestServer.json(response, 200, { accessToken: "issued_token_value" })
          : TestServer.json(response, 200, userWire)
      )
      const identity = yield* client({ baseUrl: server.url, clientId: "ck_1", clientSecret: "cs_plain_secret_1" })
      yield* Effect.promise(() => identity.getUser({ accountId, userId }))
      yield* Effect.promise(() => identity.getUser({ accountId, userId }))
      const received = yield* server.received
      assert.deepStrictEqual(received.map((r) => r.url), [
        "/token",
        "/org/acme/user/ada%40acme.example",
        "/org/acme/user/ada%40acme.example"
      ])
      assert.deepStrictEqual(JSON.parse(received[0]?.body ?? ""), {
        clientId: "ck_1",
        clientSecret: "cs_plain_secret_1"
      })
      assert.strictEqual(received[1]?.headers.authorization, "Bearer issued_token_value")
    }))

  it.scoped("a failure rejects with the Effect API's error class: instanceof, _tag and message work", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make((_, response) =>
        TestServer.json(response, 404, { message: "no such user" })
      )
      const identity = yield* client({ baseUrl: server.url, token: Redacted.make("tok_local") })
      const error = yield* rejection(identity.getUser({ accountId, userId }))
      assert.instanceOf(error, NotFoundException)
      assert.strictEqual(error instanceof NotFoundException && error._tag, "NotFoundException")
      assert.strictEqual(error instanceof NotFoundException && error.message, "no such user")
      assert.strictEqual(error instanceof NotFoundException && error.operation, "getUser")
    }))

  it.scoped("bad input rejects with InvalidRequestError, and nothing is sent", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make((_, response) => TestServer.json(response, 200, userWire))
      const identity = yield* client({ baseUrl: server.url })
      const error = yield* rejection(identity.getUser({ accountId, userId: untyped<UserId>("") }))
      assert.instanceOf(error, InvalidRequestError)
      assert.strictEqual(error instanceof InvalidRequestError && error._tag, "InvalidRequestError")
      assert.match(error instanceof Error ? error.message : "", /^invalid input for getUser: userId/)
      assert.deepStrictEqual(yield* server.received, [])
    }))

  it.scoped("a per-call option applies: a call over its timeout rejects with TimeoutError", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make(() => {}) // never answers
      const identity = yield* client({ baseUrl: server.url, maxRetries: 0 })
      // a real timer in the facade's runtime: short, and nothing else waits on it
      const error = yield* rejection(identity.getUser({ accountId, userId }, { timeout: "100 millis" }))
      assert.instanceOf(error, TimeoutError)
    }))

  it.scoped("a defect rejects with the defect itself", () =>
    Effect.gen(function*() {
      const boom = new RangeError("the transport broke")
      const identity = yield* client({ transport: Layer.succeed(Transport, { send: () => Effect.die(boom) }) })
      assert.strictEqual(yield* rejection(identity.getUser({ accountId, userId })), boom)
    }))

  describe("AbortSignal", () => {
    it.scoped("an aborted call rejects with the signal's reason, and the server sees the connection closed", () =>
      Effect.gen(function*() {
        const server = yield* TestServer.make(() => {}) // never answers
        const identity = yield* client({ baseUrl: server.url, maxRetries: 0 })
        const controller = new AbortController()
        const call = identity.getUser({ accountId, userId }, { signal: controller.signal })
        yield* server.awaitRequests(1)
        controller.abort()
        const error = yield* rejection(call)
        assert.strictEqual(error, controller.signal.reason)
        assert.strictEqual(error instanceof DOMException && error.name, "AbortError")
        // the request's connection is closed: the wait ends only if the client aborted the
        // socket (the server never answers, and the test's timeout is far beyond any close)
        yield* server.awaitClosed(1)
      }))

    it.scoped("a reason given to abort() is the rejection", () =>
      Effect.gen(function*() {
        const server = yield* TestServer.make(() => {})
        const identity = yield* client({ baseUrl: server.url })
        const controller = new AbortController()
        const reason = new Error("the user left")
        const call = identity.raw.getUser({ accountId, userId }, { signal: controller.signal })
        yield* server.awaitRequests(1)
        controller.abort(reason)
        assert.strictEqual(yield* rejection(call), reason)
        yield* server.awaitClosed(1)
      }))

    it.scoped("an already aborted signal rejects at once, and nothing is sent", () =>
      Effect.gen(function*() {
        const server = yield* TestServer.make((_, response) => TestServer.json(response, 200, userWire))
        const identity = yield* client({ baseUrl: server.url })
        const signal = AbortSignal.abort()
        assert.strictEqual(yield* rejection(identity.getUser({ accountId, userId }, { signal })), signal.reason)
        assert.deepStrictEqual(yield* server.received, [])
      }))
  })

  describe("close", () => {
    it.scoped("close() releases the sockets (the server sees the connection end), and later calls reject", () =>
      Effect.gen(function*() {
        const server = yield* keptAlive((_, response) => TestServer.json(response, 200, userWire))
        const identity = new KatanemoIdentity({ baseUrl: server.url, transport: keepAlive })
        yield* Effect.promise(() => identity.getUser({ accountId, userId }))
        assert.strictEqual(yield* server.connections, 1)
        yield* Effect.promise(() => identity.close())
        // a keep-alive connection stays open until the client closes it: the wait ends only then
        yield* server.allClosed
        const error = yield* rejection(identity.getUser({ accountId, userId }))
        assert.instanceOf(error, Error)
        assert.match(error instanceof Error ? error.message : "", /closed/)
        assert.strictEqual(yield* server.connections, 1, "nothing sent after close")
      }))

    it.scoped("close() rejects the calls in flight, saying so, and aborts their requests", () =>
      Effect.gen(function*() {
        const server = yield* TestServer.make(() => {}) // never answers
        const identity = new KatanemoIdentity({ baseUrl: server.url })
        const call = rejection(identity.getUser({ accountId, userId }))
        yield* server.awaitRequests(1)
        yield* Effect.promise(() => identity.close())
        const error = yield* call
        assert.match(error instanceof Error ? error.message : "", /closed/)
        yield* server.awaitClosed(1)
      }))

    it.scoped("await using closes the client at the end of the block", () =>
      Effect.gen(function*() {
        const server = yield* keptAlive((_, response) => TestServer.json(response, 200, userWire))
        const leaked = yield* Effect.promise(async () => {
          await using identity = new KatanemoIdentity({ baseUrl: server.url, transport: keepAlive })
          await identity.getUser({ accountId, userId })
          return identity
        })
        yield* server.allClosed
        assert.match(String(yield* rejection(leaked.getUser({ accountId, userId }))), /closed/)
      }))

    it("close() again waits for the same close", async () => {
      const identity = new KatanemoIdentity()
      const first = identity.close()
      assert.strictEqual(identity.close(), first)
      await first
    })
  })

  describe("options", () => {
    it("token and client credentials together throw at construction", () => {
      assert.throws(
        () => new KatanemoIdentity({ token: "tok", clientId: "key-1", clientSecret: "s3cret" }),
        /both token and clientId are set/
      )
    })

    it("clientId without clientSecret throws", () => {
      assert.throws(() => new KatanemoIdentity({ clientId: "key-1" }), /clientId is set without clientSecret/)
    })

    it("bad options throw a TypeError naming the option", () => {
      assert.throws(() => new KatanemoIdentity({ baseUrl: "not a url" }), TypeError, /baseUrl/)
      assert.throws(() => new KatanemoIdentity({ maxRetries: -1 }), TypeError, /maxRetries/)
    })
  })

  describe("log level", () => {
    /** A transport that logs one line at `level`, with a logger that records what is printed. */
    const logging = (level: "Debug" | "Info" = "Debug") => {
      const lines: Array<string> = []
      const transport = Layer.merge(
        Layer.succeed(Transport, {
          send: () =>
            Effect.as(Effect.logWithLevel(LogLevel.fromLiteral(level), `${level.toLowerCase()} line`), {
              status: 200,
              headers: {},
              body: JSON.stringify(userWire)
            })
        }),
        Logger.replace(Logger.defaultLogger, Logger.make(({ message }) => lines.push(String(message))))
      )
      return { lines, transport }
    }

    /** `KATANEMO_LOG` set (or unset) for the test's scope, and restored after it. */
    const katanemoLog = (value: string | undefined) =>
      Effect.acquireRelease(
        Effect.sync(() => {
          const before = process.env["KATANEMO_LOG"]
          if (value === undefined) delete process.env["KATANEMO_LOG"]
          else process.env["KATANEMO_LOG"] = value
          return before
        }),
        (before) =>
          Effect.sync(() => {
            if (before === undefined) delete process.env["KATANEMO_LOG"]
            else process.env["KATANEMO_LOG"] = before
          })
      )

    it.scoped("logLevel: \"Debug\" prints debug lines; the default (Info) does not", () =>
      Effect.gen(function*() {
        const debug = logging()
        const quiet = logging()
        yield* katanemoLog(undefined)
        const verbose = yield* client({ transport: debug.transport, logLevel: "Debug" })
        const plain = yield* client({ transport: quiet.transport })
        yield* Effect.promise(() => verbose.getUser({ accountId, userId }))
        yield* Effect.promise(() => plain.getUser({ accountId, userId }))
        assert.include(debug.lines, "debug line")
        assert.notInclude(quiet.lines, "debug line")
      }))

    it.scoped("KATANEMO_LOG=debug turns the debug lines on", () =>
      Effect.gen(function*() {
        const { lines, transport } = logging()
        yield* katanemoLog("debug")
        const identity = yield* client({ transport })
        yield* Effect.promise(() => identity.getUser({ accountId, userId }))
        assert.include(lines, "debug line")
      }))

    it.scoped("KATANEMO_LOG takes the CLI's names: warning hides the info lines", () =>
      Effect.gen(function*() {
        const { lines, transport } = logging("Info")
        yield* katanemoLog("warning")
        const identity = yield* client({ transport })
        yield* Effect.promise(() => identity.getUser({ accountId, userId }))
        assert.deepStrictEqual(lines, [])
      }))
  })
})
