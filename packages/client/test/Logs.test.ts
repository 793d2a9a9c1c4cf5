/**
 * Request logs: one Debug line per attempt (operation, method, path, status or failure, duration
 * on the Clock, attempt number, request id), none below Debug, and never a secret in any line at
 * any level: not the client's token, not a token exchange's client secret, not the token it
 * issues, not a new key's secret, not a user's token, even when the server echoes them back.
 * Over real sockets, on the TestClock (so durations are exact).
 */
import { assert, describe, it } from "@effect/vitest"
import { IdentityApi } from "@katanemo/client"
import { KeyId } from "@katanemo/models"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as TestClock from "effect/TestClock"
import { recordingSpans, renderLog, renderSpan } from "katanemo-testkit/Recorder"
import { accountId, keyId, keyWire, setup, setupOn, transports, userId, userWire } from "./fixtures.js"
import * as TestServer from "./TestServer.js"

/** The secrets of the audit: none may show in any log line. */
const secrets = {
  token: "tok_LOGS_client_token_7c1e",
  clientSecret: "cs_LOGS_exchange_secret_9d2b",
  issued: "at_LOGS_issued_access_token_3f8a",
  keySecret: "sk_LOGS_new_key_secret_5e6c",
  userToken: "ut_LOGS_user_token_1a4d"
} as const

const message = "Katanemo API attempt"

/** One operation: how it is called, and what the wire sees of it. */
interface Operation {
  readonly name: keyof typeof IdentityApi.endpoints
  readonly method: string
  readonly path: string
  readonly call: (
    identity: IdentityApi.Service,
    options?: IdentityApi.CallOptions
  ) => Effect.Effect<unknown, unknown>
  /** Its success answer, with every secret it may carry. */
  readonly answer: unknown
}

const user = { ...userWire, token: secrets.userToken }
const userPath = `/org/acme/user/${encodeURIComponent(userId)}`

/** The nine operations, each with a valid input. */
const operations: ReadonlyArray<Operation> = [
  {
    name: "createClientKey",
    method: "POST",
    path: "/org/acme/keys",
    call: (identity, options) =>
      identity.createClientKey({ accountId, clientName: "ci-bot", defaultRoleId: "admin" }, options),
    answer: { clientId: "key-1", clientSecret: secrets.keySecret }
  },
  {
    name: "getClientKeyList",
    method: "GET",
    path: "/org/acme/keys",
    call: (identity, options) => identity.getClientKeyList({ accountId }, options),
    answer: [keyWire]
  },
  {
    name: "getClientKey",
    method: "GET",
    path: "/org/acme/key/key-1",
    call: (identity, options) => identity.getClientKey({ accountId, keyId }, options),
    answer: keyWire
  },
  {
    name: "deleteClientKey",
    method: "DELETE",
    path: "/org/acme/key/key-1",
    call: (identity, options) => identity.deleteClientKey({ accountId, keyId }, options),
    answer: "deleted"
  },
  {
    name: "createUserForAccount",
    method: "POST",
    path: "/org/acme/user",
    call: (identity, options) => identity.createUserForAccount({ accountId, userId }, options),
    answer: user
  },
  {
    name: "getUsersForAccount",
    method: "GET",
    path: "/org/acme/user",
    call: (identity, options) => identity.getUsersForAccount({ accountId }, options),
    answer: [user]
  },
  {
    name: "getUser",
    method: "GET",
    path: userPath,
    call: (identity, options) => identity.getUser({ accountId, userId }, options),
    answer: user
  },
  {
    name: "updateUser",
    method: "PUT",
    path: userPath,
    call: (identity, options) => identity.updateUser({ accountId, userId, roles: ["admin"] }, options),
    answer: user
  },
  {
    name: "getShortTermToken",
    method: "POST",
    path: "/token",
    call: (identity, options) =>
      identity.getShortTermToken(
        { clientId: KeyId.make("key-1"), clientSecret: Redacted.make(secrets.clientSecret) },
        options
      ),
    answer: { accessToken: secrets.issued }
  }
]

/** A log line as captured: level, message and annotations, and the line rendered in full. */
interface Line {
  readonly level: string
  readonly message: string
  readonly annotations: Readonly<Record<string, unknown>>
  readonly rendered: string
}

/** A logger (in place of the default one) that keeps every line it is given. */
const capturing = (lines: Array<Line>) =>
  Logger.replace(
    Logger.defaultLogger,
    Logger.make((options) => {
      lines.push({
        level: options.logLevel.label,
        message: [options.message].flat().map(String).join(" "),
        annotations: Object.fromEntries(options.annotations),
        rendered: renderLog(options)
      })
    })
  )

/** The attempt lines among the captured ones. */
const attemptLines = (lines: ReadonlyArray<Line>) => lines.filter((line) => line.message === message)

/** The current clock (the TestClock), counting how often the time is read. */
const countingClock = Effect.clockWith((clock) => {
  let count = 0
  const read = <A>(value: A): A => {
    count++
    return value
  }
  const counting: Clock.Clock = {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: () => read(clock.unsafeCurrentTimeMillis()),
    unsafeCurrentTimeNanos: () => read(clock.unsafeCurrentTimeNanos()),
    currentTimeMillis: Effect.suspend(() => read(clock.currentTimeMillis)),
    currentTimeNanos: Effect.suspend(() => read(clock.currentTimeNanos)),
    sleep: (duration) => clock.sleep(duration)
  }
  return Effect.succeed({ clock: counting, reads: () => count })
})

/** A server that answers each operation by its route, with the request id `req-<n>`. */
const byRoute: TestServer.Script = (request, res, n) => {
  const operation = operations.find((op) => op.method === request.method && op.path === request.url)
  if (operation === undefined) return TestServer.json(res, 404, { message: `no route ${request.url}` })
  TestServer.json(res, 200, operation.answer, { "x-request-id": `req-${n}` })
}

describe("request logs", () => {
  it.scoped("at Debug, each of the nine operations logs one line per attempt, with every field", () =>
    Effect.gen(function*() {
      const { identity } = yield* setup(byRoute, { token: Redacted.make(secrets.token) })
      for (const [index, operation] of operations.entries()) {
        const lines: Array<Line> = []
        yield* operation.call(identity).pipe(
          Effect.provide(capturing(lines)),
          Logger.withMinimumLogLevel(LogLevel.Debug)
        )
        assert.lengthOf(lines, 1, operation.name)
        assert.strictEqual(lines[0]?.level, "DEBUG")
        assert.strictEqual(lines[0]?.message, message)
        assert.deepStrictEqual(lines[0]?.annotations, {
          "katanemo.operation": operation.name,
          "http.request.method": operation.method,
          "url.path": operation.path,
          "katanemo.attempt": 1,
          "katanemo.duration_ms": 0,
          "http.response.status_code": 200,
          "katanemo.request_id": `req-${index + 1}`
        })
      }
    }))

  it.scoped("at Info (the default) and above, no attempt is logged", () =>
    Effect.gen(function*() {
      const { identity } = yield* setup(byRoute)
      const lines: Array<Line> = []
      for (const level of [LogLevel.Info, LogLevel.Warning, LogLevel.Error]) {
        for (const operation of operations) {
          yield* operation.call(identity).pipe(Effect.provide(capturing(lines)), Logger.withMinimumLogLevel(level))
        }
      }
      // and without any level set: the default minimum is Info
      for (const operation of operations) yield* operation.call(identity).pipe(Effect.provide(capturing(lines)))
      assert.deepStrictEqual(lines, [])
    }))

  it.scoped("below Debug an attempt builds nothing: it does not even read the clock", () =>
    Effect.gen(function*() {
      const { identity } = yield* setup(byRoute, { span: false })
      const { clock, reads } = yield* countingClock
      const run = (level: LogLevel.LogLevel) =>
        Effect.forEach(operations, (operation) => operation.call(identity), { discard: true }).pipe(
          Effect.withClock(clock),
          Logger.withMinimumLogLevel(level),
          Effect.provide(capturing([]))
        )
      yield* run(LogLevel.Info)
      assert.strictEqual(reads(), 0, "at Info")
      // the check sees what it counts: at Debug, each attempt reads the clock at its start and
      // end, and the logger for the line's timestamp
      yield* run(LogLevel.Debug)
      assert.strictEqual(reads(), 3 * operations.length, "at Debug")
    }))

  it.scoped("a retried call logs each attempt, numbered 1, 2, 3, with its status", () =>
    Effect.gen(function*() {
      const { identity } = yield* setup(
        (_, res, n) => TestServer.json(res, n < 3 ? 503 : 200, userWire, { "x-request-id": `req-${n}` }),
        { retrySchedule: Schedule.recurs(2) }
      )
      const lines: Array<Line> = []
      yield* identity.getUser({ accountId, userId }).pipe(
        Effect.provide(capturing(lines)),
        Logger.withMinimumLogLevel(LogLevel.Debug)
      )
      const attempts = attemptLines(lines).map((line) => line.annotations)
      assert.deepStrictEqual(
        attempts.map((a) => [a["katanemo.attempt"], a["http.response.status_code"], a["katanemo.request_id"]]),
        [[1, 503, "req-1"], [2, 503, "req-2"], [3, 200, "req-3"]]
      )
      // the retry lines come between the attempts
      assert.deepStrictEqual(lines.map((line) => line.message === message ? "attempt" : "retry"), [
        "attempt",
        "retry",
        "attempt",
        "retry",
        "attempt"
      ])
    }))

  it.scoped("each run of a call counts its attempts from 1", () =>
    Effect.gen(function*() {
      const { identity } = yield* setup((_, res) => TestServer.json(res, 200, userWire))
      const lines: Array<Line> = []
      const call = identity.getUser({ accountId, userId })
      yield* Effect.repeatN(call, 2).pipe(Effect.provide(capturing(lines)), Logger.withMinimumLogLevel(LogLevel.Debug))
      assert.deepStrictEqual(lines.map((line) => line.annotations["katanemo.attempt"]), [1, 1, 1])
    }))

  it.scoped("an attempt that times out logs its kind and its duration on the Clock", () =>
    Effect.gen(function*() {
      const { identity, server } = yield* setup(() => undefined, { timeout: "1500 millis", maxRetries: 0 })
      const lines: Array<Line> = []
      const fiber = yield* Effect.fork(
        Effect.either(identity.getUser({ accountId, userId })).pipe(
          Effect.provide(capturing(lines)),
          Logger.withMinimumLogLevel(LogLevel.Debug)
        )
      )
      yield* server.awaitRequests(1)
      yield* TestClock.adjust("1500 millis")
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(lines.map((line) => line.annotations), [{
        "katanemo.operation": "getUser",
        "http.request.method": "GET",
        "url.path": userPath,
        "katanemo.attempt": 1,
        "katanemo.duration_ms": 1500,
        "error.type": "Timeout"
      }])
    }))

  it.scoped("an attempt whose connection drops logs the transport failure, without a status", () =>
    Effect.gen(function*() {
      const { identity } = yield* setup((_, res) => res.socket?.destroy(), { maxRetries: 0 })
      const lines: Array<Line> = []
      yield* Effect.either(identity.getUser({ accountId, userId })).pipe(
        Effect.provide(capturing(lines)),
        Logger.withMinimumLogLevel(LogLevel.Debug)
      )
      assert.lengthOf(lines, 1)
      assert.strictEqual(lines[0]?.annotations["error.type"], "Transport")
      assert.notProperty(lines[0]?.annotations, "http.response.status_code")
    }))

  it.scoped("an attempt cut short by the call's deadline is logged as interrupted", () =>
    Effect.gen(function*() {
      const { identity, server } = yield* setup(() => undefined, { deadline: "2 seconds", timeout: "1 hour" })
      const lines: Array<Line> = []
      const fiber = yield* Effect.fork(
        Effect.either(identity.getUser({ accountId, userId })).pipe(
          Effect.provide(capturing(lines)),
          Logger.withMinimumLogLevel(LogLevel.Debug)
        )
      )
      yield* server.awaitRequests(1)
      yield* TestClock.adjust("2 seconds")
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(
        attemptLines(lines).map((line) => [line.annotations["error.type"], line.annotations["katanemo.duration_ms"]]),
        [["Interrupted", 2000]]
      )
    }))
})

/** How the audit's server answers: the scenario is named by the call's `x-scenario` header. */
const hostile: TestServer.Script = (request, res, n) => {
  const echoed = `${request.headers.authorization ?? ""} ${request.body}`
  const headers = {
    // the token as the request id (scrubbed), and the request echoed in headers
    "x-request-id": secrets.token,
    "x-echo": echoed.replace(/[^\x20-\x7e]/g, "")
  }
  switch (request.headers["x-scenario"]) {
    case "401":
      return TestServer.json(res, 401, { message: `invalid credentials: ${echoed}` }, headers)
    case "500":
      return TestServer.json(res, 500, { message: `failed: ${echoed}` }, headers)
    case "timeout":
      return undefined
    default: {
      const operation = operations.find((op) => op.method === request.method && op.path === request.url)
      return TestServer.json(res, 200, operation?.answer ?? {}, { ...headers, "x-request-id": `req-${n}` })
    }
  }
}

/** What each scenario ends in: the success, or the error's tag. */
const expected: Readonly<Record<string, string>> = {
  "200": "Success",
  "401": "UnauthorizedException",
  "500": "InternalServerErrorException",
  timeout: "TimeoutError"
}

const outcome = (exit: Exit.Exit<unknown, unknown>): string => {
  if (Exit.isSuccess(exit)) return "Success"
  const error = Cause.failureOption(exit.cause)
  return Option.match(error, {
    onNone: () => Cause.pretty(exit.cause),
    onSome: (e) => typeof e === "object" && e !== null && "_tag" in e ? String(e._tag) : String(e)
  })
}

const levels = [LogLevel.All, LogLevel.Debug, LogLevel.Info, LogLevel.Warning, LogLevel.Error]

const assertNoSecret = (texts: ReadonlyArray<string>, where: string) => {
  for (const text of texts) {
    for (const [name, secret] of Object.entries(secrets)) {
      assert.notInclude(text, secret, `${where}: the ${name} in ${text}`)
    }
  }
}

describe("no secret in any log line, at any level", () => {
  for (const transport of transports) {
    it.scoped(`every operation, succeeding, 401 echoing the request, 500 retried, timing out (${transport.name})`, () =>
      Effect.gen(function*() {
        const { identity, server } = yield* setupOn(transport)(hostile, {
          token: Redacted.make(secrets.token),
          retrySchedule: Schedule.recurs(1)
        })
        let sent = 0
        for (const level of levels) {
          const lines: Array<Line> = []
          const spans: Array<string> = []
          for (const operation of operations) {
            for (const scenario of ["200", "401", "500", "timeout"]) {
              const options: IdentityApi.CallOptions = scenario === "timeout"
                ? { headers: { "x-scenario": scenario }, timeout: "1 second", maxRetries: 0 }
                : { headers: { "x-scenario": scenario } }
              // the outcome logged as a program would, at the level under test
              const program = Effect.exit(operation.call(identity, options)).pipe(
                Effect.tap((exit) => Effect.logWithLevel(level, `${operation.name} ${scenario}`, exit)),
                Effect.tap((exit) => assert.strictEqual(outcome(exit), expected[scenario], operation.name)),
                Effect.provide(capturing(lines)),
                Logger.withMinimumLogLevel(level)
              )
              const fiber = yield* Effect.fork(recordingSpans(program))
              // a 500 is retried where the operation allows it: twice the requests
              sent += scenario === "500" && IdentityApi.endpoints[operation.name].idempotent ? 2 : 1
              if (scenario === "timeout") {
                yield* server.awaitRequests(sent)
                yield* TestClock.adjust("1 second")
              }
              for (const span of yield* Fiber.join(fiber)) spans.push(renderSpan(span))
            }
          }
          assertNoSecret(lines.map((line) => line.rendered), `log at ${level.label}`)
          assertNoSecret(spans, `span at ${level.label}`)
          // the audit saw what it searched: at Debug, every attempt's line and the outcomes
          if (level === LogLevel.Debug || level === LogLevel.All) {
            assert.isAtLeast(attemptLines(lines).length, operations.length * 4)
          }
          assert.lengthOf(lines.filter((line) => line.message !== message && !line.message.startsWith("retrying")), 36)
        }
        assert.lengthOf(yield* server.received, sent, "every request reached the server")
      }))
  }
})
