/**
 * Hostile servers, on real sockets: every odd answer ends in the documented typed error, within
 * the timeout, without a defect, and without the token in the error.
 */
import { assert, describe, it } from "@effect/vitest"
import { IdentityApi } from "@katanemo/client"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { gzipSync } from "node:zlib"
import { accountId, setupOn, transports, userId, userWire } from "./fixtures.js"
import * as TestServer from "./TestServer.js"

const token = "tok_HOSTILE_secret_value"
const withToken: IdentityApi.Options = { token: Redacted.make(token), maxRetries: 0 }

/** The error, checked to be free of the token however it is printed. */
const failure = <E extends { readonly _tag: string }>(effect: Effect.Effect<unknown, E>) =>
  Effect.map(Effect.flip(effect), (error) => {
    for (const text of [String(error), JSON.stringify(error), Inspectable.format(error)]) assert.notInclude(text, token)
    return error
  })

for (const transport of transports) {
  describe(transport.name, () => {
    const setup = setupOn(transport)
    describe("hostile servers", () => {
      it.scoped("a truncated body (shorter than its Content-Length) is a TransportError", () =>
        Effect.gen(function*() {
          const { identity } = yield* setup((_, res) => {
            res.writeHead(200, { "content-type": "application/json", "content-length": "200" })
            res.write("{\"accountId\":\"ac")
            res.socket?.destroy()
          }, withToken)
          const error = yield* failure(identity.getUser({ accountId, userId }))
          assert.strictEqual(error._tag, "TransportError")
        }))

      it.scoped("a connection reset mid-body (chunked) is a TransportError", () =>
        Effect.gen(function*() {
          const { identity } = yield* setup((_, res) => {
            res.writeHead(200, { "content-type": "application/json" })
            res.write("[{\"accountId\":\"acme\"},")
            setTimeout(() => res.socket?.resetAndDestroy(), 10)
          }, withToken)
          const error = yield* failure(identity.getUsersForAccount({ accountId }))
          assert.strictEqual(error._tag, "TransportError")
        }))

      it.scoped("a body that is not JSON, or JSON of the wrong shape, is a ResponseDecodeError", () =>
        Effect.gen(function*() {
          const { identity } = yield* setup(
            (_, res, n) =>
              n === 1 ? TestServer.text(res, 200, "<html>hi</html>") : TestServer.json(res, 200, { roles: 7 }),
            withToken
          )
          assert.strictEqual((yield* failure(identity.getUser({ accountId, userId })))._tag, "ResponseDecodeError")
          assert.strictEqual((yield* failure(identity.getUser({ accountId, userId })))._tag, "ResponseDecodeError")
        }))

      for (const status of [200, 204]) {
        it.scoped(`an empty ${status} where JSON is expected is a ResponseDecodeError`, () =>
          Effect.gen(function*() {
            const { identity } = yield* setup((_, res) => {
              res.writeHead(status)
              res.end()
            }, withToken)
            const error = yield* failure(identity.getUser({ accountId, userId }))
            if (error._tag !== "ResponseDecodeError") return assert.fail(error._tag)
            assert.strictEqual(error.detail, "empty body")
          }))
      }

      it.scoped("a wrong or missing Content-Type does not matter: the body is what counts", () =>
        Effect.gen(function*() {
          const { identity } = yield* setup((_, res, n) => {
            res.writeHead(200, n === 1 ? { "content-type": "text/html" } : {})
            res.end(JSON.stringify(userWire))
          }, withToken)
          assert.strictEqual((yield* identity.getUser({ accountId, userId })).userId, userId)
          assert.strictEqual((yield* identity.getUser({ accountId, userId })).userId, userId)
        }))

      it.scoped("a 50 MB body with its Content-Length is dropped at the limit, and its connection closed", () =>
        Effect.gen(function*() {
          const { identity, server } = yield* setup((_, res) => {
            res.writeHead(200, { "content-type": "application/json", "content-length": String(50 * 2 ** 20) })
            res.on("error", () => undefined)
            res.write(Buffer.alloc(2 * 2 ** 20, "a"))
          }, { ...withToken, maxResponseBytes: 2 ** 20 })
          const error = yield* failure(identity.getUsersForAccount({ accountId }))
          if (error._tag !== "TransportError") return assert.fail(error._tag)
          assert.strictEqual(error.reason, "ResponseTooLarge")
          yield* server.awaitClosed(1)
        }))

      it.scoped("a small gzip body that inflates past the limit: counted inflated where the transport decompresses", () =>
        Effect.gen(function*() {
          const bomb = gzipSync(Buffer.alloc(8 * 2 ** 20, " "))
          const { identity } = yield* setup((_, res) => {
            res.writeHead(200, {
              "content-type": "application/json",
              "content-encoding": "gzip",
              "content-length": String(bomb.length)
            })
            res.end(bomb)
          }, { maxRetries: 0, maxResponseBytes: 2 ** 20 })
          const error = yield* failure(identity.getUsersForAccount({ accountId }))
          if (transport.decompresses) {
            if (error._tag !== "TransportError") return assert.fail(error._tag)
            assert.strictEqual(error.reason, "ResponseTooLarge")
          } else {
            // read as it came (no Accept-Encoding was sent): a few KB of gzip, which is not JSON
            assert.strictEqual(error._tag, "ResponseDecodeError")
          }
        }))

      it.scoped("a body that is too large is never retried, even on a GET", () =>
        Effect.gen(function*() {
          const { identity, server } = yield* setup((_, res) => {
            res.writeHead(200, { "content-type": "application/json" })
            res.on("error", () => undefined)
            res.end(Buffer.alloc(2 * 2 ** 20, "a"))
          }, { maxResponseBytes: 2 ** 20 })
          const error = yield* failure(identity.getUsersForAccount({ accountId }))
          assert.strictEqual(error._tag, "TransportError")
          assert.lengthOf(yield* server.received, 1)
        }))

      it.scoped("a 50 MB chunked body is dropped once it outgrows the limit: memory stays bounded", () =>
        Effect.gen(function*() {
          let sent = 0
          const chunk = Buffer.alloc(64 * 1024, "a")
          const { identity, server } = yield* setup((_, res) => {
            res.writeHead(200, { "content-type": "application/json" })
            const pump = () => {
              while (sent < 50 * 2 ** 20) {
                sent += chunk.length
                if (!res.write(chunk)) return void res.once("drain", pump)
              }
              res.end()
            }
            res.on("error", () => undefined)
            pump()
          }, { ...withToken, maxResponseBytes: 2 ** 20 })
          const error = yield* failure(identity.getUsersForAccount({ accountId }))
          if (error._tag !== "TransportError") return assert.fail(error._tag)
          assert.strictEqual(error.reason, "ResponseTooLarge")
          yield* server.awaitClosed(1)
          assert.isBelow(sent, 50 * 2 ** 20, "the client hung up before the whole body was sent")
        }))

      // The one test here on real time, an exception to the TestClock rule: its point is a server that is
      // slow on the wire, and a TestClock would let the timeout fire before a single byte had been sent.
      // The margins are wide for a busy machine: a byte every 50 ms against a 2 s timeout.
      it.scopedLive("a server that dribbles a byte every 50 ms runs into the timeout, and is hung up on", () =>
        Effect.gen(function*() {
          const timeoutMillis = 2_000
          let delivered = 0
          const { identity, server } = yield* setup((_, res) => {
            res.writeHead(200, { "content-type": "application/json" })
            res.flushHeaders()
            // counts a byte once it has left for the client's socket
            const timer = setInterval(() => res.write(" ", (error) => error ? undefined : void delivered++), 50)
            res.on("close", () => clearInterval(timer))
          }, { ...withToken, timeout: Duration.millis(timeoutMillis) })
          const started = Date.now()
          const error = yield* identity.getUser({ accountId, userId }).pipe(
            // a clear failure, rather than the test's own timeout, if the call never ends
            Effect.timeoutFail({ duration: "15 seconds", onTimeout: () => "no answer within 15 s" as const }),
            Effect.flip
          )
          const elapsed = Date.now() - started
          const deliveredBeforeTimeout = delivered
          if (typeof error === "string") return assert.fail(error)
          if (error._tag !== "TimeoutError") return assert.fail(error._tag)
          assert.strictEqual(error.timeoutMillis, timeoutMillis)
          assert.isAtLeast(deliveredBeforeTimeout, 1, "bytes were dribbled before the timeout fired")
          // a timer may fire a millisecond early; the slack also covers Date.now's resolution
          assert.isAtLeast(elapsed, timeoutMillis - 50, "the timeout fired after its time, not before")
          yield* server.awaitClosed(1)
        }))
    })
  })
}
describe("a redirect to another origin", () => {
  // undici and Node's http follow no redirect; fetch does, and drops Authorization across origins
  for (const transport of transports) {
    it.scoped(`does not carry the Authorization header along (${transport.name})`, () =>
      Effect.gen(function*() {
        const elsewhere = yield* TestServer.make((_, res) => TestServer.json(res, 200, userWire))
        const origin = yield* TestServer.make((_, res) => {
          res.writeHead(302, { location: `${elsewhere.url.replace("127.0.0.1", "localhost")}/org/acme/user/x` })
          res.end()
        })
        const context = yield* Layer.build(transport.layer)
        const identity = yield* Effect.provide(
          IdentityApi.make({ baseUrl: origin.url, token: Redacted.make(token), maxRetries: 0 }),
          context
        )
        const outcome = yield* Effect.either(identity.getUser({ accountId, userId }))
        const [first] = yield* origin.received
        assert.strictEqual(first?.headers.authorization, `Bearer ${token}`, "the API itself gets the token")
        const followed = yield* elsewhere.received
        assert.lengthOf(followed, transport.followsRedirects ? 1 : 0)
        for (const request of followed) {
          assert.isUndefined(request.headers.authorization, "the other origin never sees the token")
        }
        if (transport.followsRedirects) {
          assert.strictEqual(outcome._tag, "Right")
        } else {
          if (outcome._tag !== "Left") return assert.fail("a redirect that is not followed is an error")
          assert.strictEqual(outcome.left._tag, "UnexpectedStatusError")
          assert.notInclude(JSON.stringify(outcome.left), token)
        }
      }))
  }
})
