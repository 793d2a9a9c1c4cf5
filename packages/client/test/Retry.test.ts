import { assert, describe, it } from "@effect/vitest"
import {
  ConflictException,
  type IdentityApi,
  InternalServerErrorException,
  TooManyRequestsException
} from "@katanemo/client"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Schedule from "effect/Schedule"
import * as TestClock from "effect/TestClock"
import * as Http from "node:http"
import {
  accountId,
  elapseNextSleep,
  elapseRetryWait,
  keyId,
  longTimeout,
  setupOn,
  transports,
  userId,
  userWire
} from "./fixtures.js"
import * as TestServer from "./TestServer.js"

const millis = (duration: Duration.Duration) => Duration.toMillis(duration)

/** Answers the listed statuses in turn (with their headers), then 200 with `body`. */
const sequence = (
  answers: ReadonlyArray<readonly [number, Http.OutgoingHttpHeaders?]>,
  body: unknown = userWire
): TestServer.Script =>
(_, res, n) => {
  const answer = answers[n - 1]
  if (answer === undefined) return TestServer.json(res, 200, body)
  TestServer.json(res, answer[0], { message: `attempt ${n}` }, answer[1] ?? {})
}

/** A port on 127.0.0.1 where nothing listens: connecting to it is refused. */
const refusedPort = Effect.async<number>((resume) => {
  const server = Http.createServer()
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = address !== null && typeof address === "object" ? address.port : 0
    server.close(() => resume(Effect.succeed(port)))
  })
})

/** A client for retry tests: its attempt timeout is far beyond any retry wait. */
for (const transport of transports) {
  describe(transport.name, () => {
    const setup = setupOn(transport)
    const setupRetries = (script: TestServer.Script, options: IdentityApi.Options = {}) =>
      setup(script, { timeout: longTimeout, ...options })

    describe("retries", () => {
      it.scoped("GET backs off exponentially with jitter on 503 and then succeeds", () =>
        Effect.gen(function*() {
          const { identity, server } = yield* setupRetries(sequence([[503], [503]]))
          const fiber = yield* Effect.fork(identity.getUser({ accountId, userId }))
          yield* server.awaitRequests(1)
          const first = yield* elapseRetryWait
          yield* server.awaitRequests(2)
          const second = yield* elapseRetryWait
          const user = yield* Fiber.join(fiber)
          assert.strictEqual(user.userId, userId)
          assert.lengthOf(yield* server.received, 3)
          assert.isTrue(millis(first) >= 375 && millis(first) <= 500, `first wait ${millis(first)} ms`)
          assert.isTrue(millis(second) >= 750 && millis(second) <= 1000, `second wait ${millis(second)} ms`)
        }))

      it.scoped("backoff is capped at 8 seconds", () =>
        Effect.gen(function*() {
          const { identity, server } = yield* setupRetries(sequence(Array.from({ length: 6 }, () => [500] as const)), {
            maxRetries: 6
          })
          const fiber = yield* Effect.fork(identity.getUser({ accountId, userId }))
          const waits: Array<number> = []
          for (let n = 1; n <= 6; n++) {
            yield* server.awaitRequests(n)
            waits.push(millis(yield* elapseRetryWait))
          }
          yield* Fiber.join(fiber)
          assert.isTrue(waits.every((wait, i) => wait <= Math.min(8000, 500 * 2 ** i)), waits.join(", "))
          assert.isTrue((waits[5] ?? 0) >= 6000, `sixth wait ${waits[5]} ms is capped near 8 s`)
        }))

      it.scoped("honours Retry-After in seconds", () =>
        Effect.gen(function*() {
          const { identity, server } = yield* setupRetries(sequence([[429, { "retry-after": "3" }]]))
          const fiber = yield* Effect.fork(identity.getUser({ accountId, userId }))
          yield* server.awaitRequests(1)
          assert.strictEqual(millis(yield* elapseRetryWait), 3000)
          yield* Fiber.join(fiber)
        }))

      it.scoped("honours Retry-After as an HTTP date", () =>
        Effect.gen(function*() {
          const { identity, server } = yield* setupRetries((_, res, n) =>
            n === 1
              ? TestServer.json(res, 503, {}, { "retry-after": new Date(Date.UTC(1970, 0, 1, 0, 0, 5)).toUTCString() })
              : TestServer.json(res, 200, userWire)
          )
          const fiber = yield* Effect.fork(identity.getUser({ accountId, userId }))
          yield* server.awaitRequests(1)
          assert.strictEqual(millis(yield* elapseRetryWait), 5000, "TestClock starts at the epoch: 5 s until the date")
          yield* Fiber.join(fiber)
        }))

      it.scoped("caps Retry-After at 60 seconds", () =>
        Effect.gen(function*() {
          const { identity, server } = yield* setupRetries(sequence([[429, { "retry-after": "3600" }]]))
          const fiber = yield* Effect.fork(identity.getUser({ accountId, userId }))
          yield* server.awaitRequests(1)
          assert.strictEqual(millis(yield* elapseRetryWait), 60_000)
          yield* Fiber.join(fiber)
        }))

      for (const invalid of ["soon", "-5", "", "1e3", "Thu, 99 Foo 2026"]) {
        it.scoped(`ignores an invalid Retry-After (${JSON.stringify(invalid)}) and backs off`, () =>
          Effect.gen(function*() {
            const { identity, server } = yield* setupRetries(sequence([[429, { "retry-after": invalid }]]))
            const fiber = yield* Effect.fork(identity.getUser({ accountId, userId }))
            yield* server.awaitRequests(1)
            const wait = millis(yield* elapseRetryWait)
            assert.isTrue(wait >= 375 && wait <= 500, `wait ${wait} ms`)
            yield* Fiber.join(fiber)
          }))
      }

      it.scoped("gives up after maxRetries (default 2) with the last answer's exception", () =>
        Effect.gen(function*() {
          const { identity, server } = yield* setupRetries(sequence([[500], [500], [500], [500]]))
          const fiber = yield* Effect.fork(identity.getUser({ accountId, userId }))
          yield* server.awaitRequests(1)
          yield* elapseRetryWait
          yield* server.awaitRequests(2)
          yield* elapseRetryWait
          const error = yield* Effect.flip(Fiber.join(fiber))
          assert.instanceOf(error, InternalServerErrorException)
          assert.strictEqual(error instanceof InternalServerErrorException && error.message, "attempt 3")
          assert.lengthOf(yield* server.received, 3)
        }))

      it.scoped("maxRetries per client and per call", () =>
        Effect.gen(function*() {
          const { identity, server } = yield* setupRetries(sequence([[503], [503], [503], [503]]), { maxRetries: 0 })
          const error = yield* Effect.flip(identity.getUser({ accountId, userId }))
          assert.strictEqual(error._tag, "UnexpectedStatusError")
          assert.lengthOf(yield* server.received, 1, "maxRetries: 0 on the client: no retry")

          const fiber = yield* Effect.fork(identity.getUser({ accountId, userId }, { maxRetries: 1 }))
          yield* server.awaitRequests(2)
          yield* elapseRetryWait
          yield* Effect.flip(Fiber.join(fiber))
          assert.lengthOf(yield* server.received, 3, "maxRetries: 1 on the call: one retry")
        }))

      it.scoped("a whole Schedule replaces the backoff, per call", () =>
        Effect.gen(function*() {
          const { identity, server } = yield* setupRetries(sequence([[503], [503]]))
          const retrySchedule = Schedule.spaced("1250 millis").pipe(Schedule.intersect(Schedule.recurs(5)))
          const fiber = yield* Effect.fork(identity.getUser({ accountId, userId }, { retrySchedule }))
          yield* server.awaitRequests(1)
          assert.strictEqual(millis(yield* elapseRetryWait), 1250)
          yield* server.awaitRequests(2)
          assert.strictEqual(millis(yield* elapseRetryWait), 1250)
          yield* Fiber.join(fiber)
        }))

      it.scoped("a client-wide Schedule still yields to a longer Retry-After", () =>
        Effect.gen(function*() {
          const { identity, server } = yield* setupRetries(sequence([[429, { "retry-after": "7" }]]), {
            retrySchedule: Schedule.spaced("1 second")
          })
          const fiber = yield* Effect.fork(identity.getUser({ accountId, userId }))
          yield* server.awaitRequests(1)
          assert.strictEqual(millis(yield* elapseRetryWait), 7000)
          yield* Fiber.join(fiber)
        }))

      for (const status of [400, 401, 404, 409]) {
        it.scoped(`never retries ${status}`, () =>
          Effect.gen(function*() {
            const { identity, server } = yield* setupRetries(sequence([[status], [status]]))
            yield* Effect.flip(identity.getUser({ accountId, userId }))
            assert.lengthOf(yield* server.received, 1)
          }))
      }

      for (const method of ["PUT", "DELETE"] as const) {
        it.scoped(`${method} is retried on 502`, () =>
          Effect.gen(function*() {
            const { identity, server } = yield* setupRetries(sequence([[502]], method === "PUT" ? userWire : "deleted"))
            const call = method === "PUT"
              ? Effect.asVoid(identity.updateUser({ accountId, userId, roles: ["admin"] }))
              : Effect.asVoid(identity.deleteClientKey({ accountId, keyId }))
            const fiber = yield* Effect.fork(call)
            yield* server.awaitRequests(1)
            yield* elapseRetryWait
            yield* Fiber.join(fiber)
            assert.lengthOf(yield* server.received, 2)
          }))
      }

      describe("POST", () => {
        const create = { accountId, clientName: "ci-bot", defaultRoleId: "admin" }

        for (const status of [500, 502, 503, 504]) {
          it.scoped(`is not retried on ${status}: the server may have acted on it`, () =>
            Effect.gen(function*() {
              const { identity, server } = yield* setupRetries(sequence([[status]], { clientId: "k" }))
              yield* Effect.flip(identity.createClientKey(create))
              assert.lengthOf(yield* server.received, 1)
            }))
        }

        it.scoped("is retried on 429, which the server did not process", () =>
          Effect.gen(function*() {
            const { identity, server } = yield* setupRetries(sequence([[429]], { clientId: "k" }))
            const fiber = yield* Effect.fork(identity.createClientKey(create))
            yield* server.awaitRequests(1)
            yield* elapseRetryWait
            const key = yield* Fiber.join(fiber)
            assert.strictEqual(key.clientId, "k")
            assert.lengthOf(yield* server.received, 2)
          }))

        it.scoped("is retried when the connection is refused, then fails with TransportError", () =>
          Effect.gen(function*() {
            const port = yield* refusedPort
            const { identity } = yield* setupRetries(() => undefined, {
              baseUrl: `http://127.0.0.1:${port}`,
              maxRetries: 1
            })
            const fiber = yield* Effect.fork(identity.createClientKey(create))
            yield* elapseRetryWait
            const error = yield* Effect.flip(Fiber.join(fiber))
            if (error._tag !== "TransportError") return assert.fail(`expected TransportError, got ${error._tag}`)
            assert.strictEqual(error.reason, "ConnectionRefused")
            assert.strictEqual(error.method, "POST")
            assert.strictEqual(error.path, "/org/acme/keys")
          }))

        it.scoped("is not retried when the connection breaks after sending", () =>
          Effect.gen(function*() {
            const { identity, server } = yield* setupRetries((_, res) => res.socket?.destroy())
            const error = yield* Effect.flip(identity.createClientKey(create))
            if (error._tag !== "TransportError") return assert.fail(`expected TransportError, got ${error._tag}`)
            assert.strictEqual(error.reason, "Transport")
            assert.lengthOf(yield* server.received, 1)
          }))
      })

      it.scoped("GET is retried when the connection breaks", () =>
        Effect.gen(function*() {
          const { identity, server } = yield* setupRetries((_, res, n) =>
            n === 1 ? res.socket?.destroy() : TestServer.json(res, 200, userWire)
          )
          const fiber = yield* Effect.fork(identity.getUser({ accountId, userId }))
          yield* server.awaitRequests(1)
          yield* elapseRetryWait
          yield* Fiber.join(fiber)
          assert.lengthOf(yield* server.received, 2)
        }))

      it.scoped("logs each retry at debug level with the attempt and the delay", () =>
        Effect.gen(function*() {
          const lines: Array<{ message: string; level: string; annotations: Record<string, unknown> }> = []
          const capture = Logger.replace(
            Logger.defaultLogger,
            Logger.make(({ annotations, logLevel, message }) =>
              lines.push({
                message: String(Array.isArray(message) ? message.join(" ") : message),
                level: logLevel.label,
                annotations: Object.fromEntries(annotations)
              })
            )
          )
          const { identity, server } = yield* setupRetries(sequence([[503, { "retry-after": "2" }], [503]]))
          const fiber = yield* Effect.fork(
            identity.getUser({ accountId, userId }).pipe(
              Effect.provide(capture),
              Logger.withMinimumLogLevel(LogLevel.Debug)
            )
          )
          yield* server.awaitRequests(1)
          yield* elapseRetryWait
          yield* server.awaitRequests(2)
          const second = yield* elapseRetryWait
          yield* Fiber.join(fiber)
          // each attempt logs a line of its own too (Logs.test.ts): here only the retries' lines
          const retries = lines.filter((line) => line.message.includes("retrying"))
          assert.lengthOf(retries, 2)
          assert.deepStrictEqual(retries.map((line) => line.level), ["DEBUG", "DEBUG"])
          assert.deepInclude(retries[0]?.annotations, { attempt: 2, delayMillis: 2000, operation: "getUser" })
          assert.deepInclude(retries[1]?.annotations, { attempt: 3, delayMillis: millis(second), after: "status 503" })
        }))
    })

    describe("timeouts", () => {
      const never: TestServer.Script = () => undefined

      it.scoped("an attempt that exceeds the timeout fails with TimeoutError and its socket is closed", () =>
        Effect.gen(function*() {
          const { identity, server } = yield* setup(never, { maxRetries: 0 })
          const fiber = yield* Effect.fork(identity.getUser({ accountId, userId }))
          yield* server.awaitRequests(1)
          assert.strictEqual(millis(yield* elapseNextSleep), 30_000, "the default timeout is 30 s")
          const error = yield* Effect.flip(Fiber.join(fiber))
          if (error._tag !== "TimeoutError") return assert.fail(`expected TimeoutError, got ${error._tag}`)
          assert.strictEqual(error.scope, "attempt")
          assert.strictEqual(error.timeoutMillis, 30_000)
          yield* server.awaitClosed(1)
        }))

      it.scoped("a timed-out POST is not retried: the server may have acted on it", () =>
        Effect.gen(function*() {
          const { identity, server } = yield* setup(never, { timeout: "1 second" })
          const fiber = yield* Effect.fork(identity.createClientKey({ accountId, clientName: "n", defaultRoleId: "r" }))
          yield* server.awaitRequests(1)
          yield* elapseNextSleep
          const error = yield* Effect.flip(Fiber.join(fiber))
          assert.strictEqual(error._tag, "TimeoutError")
          assert.lengthOf(yield* server.received, 1)
        }))

      it.scoped("a timed-out GET is retried; a per-call timeout overrides the client's", () =>
        Effect.gen(function*() {
          const { identity, server } = yield* setup((_, res, n) =>
            n === 1 ? undefined : TestServer.json(res, 200, userWire)
          )
          const fiber = yield* Effect.fork(identity.getUser({ accountId, userId }, { timeout: "2 seconds" }))
          yield* server.awaitRequests(1)
          assert.strictEqual(millis(yield* elapseNextSleep), 2000)
          yield* elapseNextSleep
          yield* Fiber.join(fiber)
          assert.lengthOf(yield* server.received, 2)
        }))

      it.scoped("the deadline bounds the call across its retries", () =>
        Effect.gen(function*() {
          const { identity, server } = yield* setup(sequence(Array.from({ length: 10 }, () => [503] as const)), {
            deadline: "2 seconds",
            maxRetries: 10
          })
          const fiber = yield* Effect.fork(identity.getUser({ accountId, userId }))
          yield* server.awaitRequests(1)
          yield* TestClock.adjust("2 seconds")
          const error = yield* Effect.flip(Fiber.join(fiber))
          if (error._tag !== "TimeoutError") return assert.fail(`expected TimeoutError, got ${error._tag}`)
          assert.strictEqual(error.scope, "deadline")
          assert.strictEqual(error.timeoutMillis, 2000)
        }))
    })

    describe("interruption", () => {
      it.scoped("aborts the request in flight: the server sees its socket close", () =>
        Effect.gen(function*() {
          const { identity, server } = yield* setup(() => undefined)
          const fiber = yield* Effect.fork(identity.getClientKeyList({ accountId }))
          yield* server.awaitRequests(1)
          const exit = yield* Fiber.interrupt(fiber)
          assert.isTrue(Exit.isInterrupted(exit))
          yield* server.awaitClosed(1)
        }))
    })

    describe("typed outcomes after retries", () => {
      it.scoped("a POST 429 that persists surfaces as TooManyRequestsException", () =>
        Effect.gen(function*() {
          const { identity, server } = yield* setupRetries(sequence([[429], [429], [429]]), { maxRetries: 1 })
          const fiber = yield* Effect.fork(identity.createUserForAccount({ accountId, userId }))
          yield* server.awaitRequests(1)
          yield* elapseRetryWait
          const error = yield* Effect.flip(Fiber.join(fiber))
          assert.instanceOf(error, TooManyRequestsException)
        }))

      it.scoped("a 409 is final at once", () =>
        Effect.gen(function*() {
          const { identity } = yield* setupRetries(sequence([[409]]))
          const error = yield* Effect.flip(identity.createUserForAccount({ accountId, userId }))
          assert.instanceOf(error, ConflictException)
        }))
    })
  })
}
