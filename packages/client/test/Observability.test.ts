import { NodeHttpClient } from "@effect/platform-node"
import * as HttpClient from "@effect/platform/HttpClient"
import { assert, describe, it } from "@effect/vitest"
import * as HttpClientTransport from "@katanemo/client/HttpClientTransport"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Redacted from "effect/Redacted"
import type * as Tracer from "effect/Tracer"
import { recordingSpans } from "katanemo-testkit/Recorder"
import {
  accountId,
  elapseRetryWait,
  longTimeout,
  setup,
  type TransportCase,
  transports,
  undici,
  userId,
  userWire
} from "./fixtures.js"
import * as TestServer from "./TestServer.js"

const token = "tok_SECRET_never_printed"

const attributes = (span: Tracer.Span | undefined) => Object.fromEntries(span?.attributes ?? [])

describe("observability", () => {
  for (const transport of transports) {
    it.scoped(`each operation runs in a span IdentityApi.<operation>, whose traceparent the request carries (${transport.name})`, () =>
      Effect.gen(function*() {
        const { identity, server } = yield* setup((_, res) => TestServer.json(res, 200, userWire), {
          token: Redacted.make(token)
        }, transport)
        const spans = yield* recordingSpans(identity.getUser({ accountId, userId }))
        const span = spans.find((s) => s.name === "IdentityApi.getUser")
        if (span === undefined) return assert.fail("no span IdentityApi.getUser")
        assert.strictEqual(span.kind, "client")
        assert.deepInclude(attributes(span), { "katanemo.account_id": "acme", "http.response.status_code": 200 })
        assert.isUndefined(spans.find((s) => s.name.startsWith("http.client")), "the HttpClient's span is off")
        const [request] = yield* server.received
        assert.strictEqual(request?.headers.traceparent, `00-${span.traceId}-${span.spanId}-01`)
        for (const s of spans) assert.notInclude(JSON.stringify(Inspectable.toJSON(attributes(s))), token)
      }))

    it.scoped(`span: false makes no span and sends no traceparent (${transport.name})`, () =>
      Effect.gen(function*() {
        const { identity, server } = yield* setup((_, res) => TestServer.json(res, 200, userWire), {
          span: false
        }, transport)
        const spans = yield* recordingSpans(identity.getUser({ accountId, userId }))
        assert.deepStrictEqual(spans.map((s) => s.name), [])
        const [request] = yield* server.received
        assert.isUndefined(request?.headers.traceparent)
      }))
  }

  const tracing: TransportCase = {
    ...undici,
    name: "HttpClientTransport({ tracing: true }) over NodeHttpClient.layerUndici",
    layer: HttpClientTransport.layer({ tracing: true }).pipe(Layer.provide(NodeHttpClient.layerUndici))
  }

  it.scoped("HttpClientTransport({ tracing: true }): the HttpClient's span is a child that sends its own traceparent", () =>
    Effect.gen(function*() {
      const { identity, server } = yield* setup((_, res) => TestServer.json(res, 200, userWire), {}, tracing)
      const spans = yield* recordingSpans(identity.getUser({ accountId, userId }))
      const span = spans.find((s) => s.name === "IdentityApi.getUser")
      const http = spans.find((s) => s.name.startsWith("http.client"))
      if (http === undefined || span === undefined) return assert.fail("both spans")
      assert.strictEqual(http.parent._tag === "Some" ? http.parent.value.spanId : undefined, span.spanId)
      const [request] = yield* server.received
      assert.strictEqual(request?.headers.traceparent, `00-${http.traceId}-${http.spanId}-01`, "its own, inside ours")
    }))

  it.scoped("HttpClientTransport({ tracing: true }) makes no span of its own for a request with a token", () =>
    Effect.gen(function*() {
      // a failed request's span would record the error, whose request holds Authorization in clear
      const { identity, server } = yield* setup((_, res) => res.socket?.destroy(), {
        token: Redacted.make(token),
        maxRetries: 0
      }, tracing)
      const spans = yield* recordingSpans(Effect.either(identity.getUser({ accountId, userId })))
      assert.deepStrictEqual(spans.map((s) => s.name), ["IdentityApi.getUser"])
      const span = spans[0]
      const [request] = yield* server.received
      assert.strictEqual(request?.headers.traceparent, `00-${span?.traceId}-${span?.spanId}-01`, "the SDK's")
      // the whole span, its ending exit included (start and end times are bigints)
      const printed = (s: unknown) =>
        JSON.stringify(Inspectable.toJSON(s), (_, v) => typeof v === "bigint" ? `${v}` : v)
      for (const s of spans) assert.notInclude(printed(s), token)
    }))

  it.scoped("a span ends without the call's value: a kept list would outlive the call (and its GC costs)", () =>
    Effect.gen(function*() {
      const { identity } = yield* setup((_, res) => TestServer.json(res, 200, [userWire]))
      const spans = yield* recordingSpans(identity.getUsersForAccount({ accountId }))
      const span = spans.find((s) => s.name === "IdentityApi.getUsersForAccount")
      if (span?.status._tag !== "Ended") return assert.fail("the span ended")
      assert.isTrue(Exit.isSuccess(span.status.exit))
      assert.deepStrictEqual(span.status.exit, Exit.void)
    }))

  it.scoped("a failing call's span carries its status too", () =>
    Effect.gen(function*() {
      const { identity } = yield* setup((_, res) => TestServer.json(res, 409, { message: "exists" }))
      const spans = yield* recordingSpans(Effect.either(identity.createClientKey({
        accountId,
        clientName: "ci-bot",
        defaultRoleId: "admin"
      })))
      const span = spans.find((s) => s.name === "IdentityApi.createClientKey")
      assert.deepInclude(attributes(span), { "http.response.status_code": 409 })
      assert.strictEqual(span?.status._tag, "Ended")
    }))

  it.scoped("debug logs and errors never carry the token", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      const capture = Logger.replace(
        Logger.defaultLogger,
        Logger.make((options) => lines.push(Inspectable.format(options)))
      )
      const { identity, server } = yield* setup(
        (_, res, n) => n === 1 ? TestServer.json(res, 503, {}) : TestServer.json(res, 401, { message: "bad token" }),
        { token: Redacted.make(token), timeout: longTimeout }
      )
      const fiber = yield* Effect.fork(
        Effect.flip(identity.getUser({ accountId, userId })).pipe(
          Effect.tap((error) => Effect.logError("call failed", error)),
          Effect.provide(capture),
          Logger.withMinimumLogLevel(LogLevel.Debug)
        )
      )
      yield* server.awaitRequests(1)
      yield* elapseRetryWait
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error._tag, "UnauthorizedException")
      assert.isAtLeast(lines.length, 2)
      for (const text of [...lines, String(error), JSON.stringify(error), Inspectable.format(error), error.message]) {
        assert.notInclude(text, token)
      }
    }))
})

describe("errors never quote a secret", () => {
  it.scoped("a success body of the wrong shape: the decode error names the field, not the values", () =>
    Effect.gen(function*() {
      const { identity } = yield* setup((_, res) =>
        TestServer.json(res, 200, { users: [{ accountId: "acme", token: "USERTOKEN_SECRET" }] })
      )
      const error = yield* Effect.flip(identity.getUsersForAccount({ accountId }))
      if (error._tag !== "ResponseDecodeError") return assert.fail(error._tag)
      assert.match(error.detail, /^Expected ReadonlyArray<\(UserResponse/)
      assert.notInclude(error.detail, "actual")
      for (const text of [error.message, String(error), JSON.stringify(error)]) {
        assert.notInclude(text, "USERTOKEN_SECRET")
      }
    }))

  it.scoped("a truncated body with a secret in it: only 'not valid JSON'", () =>
    Effect.gen(function*() {
      const { identity } = yield* setup((_, res) =>
        TestServer.text(res, 200, "{\"clientId\":\"k\",\"clientSecret\":\"sk_live_SUPERSECRET")
      )
      const error = yield* Effect.flip(identity.createClientKey({ accountId, clientName: "n", defaultRoleId: "r" }))
      if (error._tag !== "ResponseDecodeError") return assert.fail(error._tag)
      assert.strictEqual(error.detail, "the body is not valid JSON")
      assert.notInclude(JSON.stringify(error) + error.message, "SUPERSECRET")
    }))

  it.scoped("a transport error keeps no request, so no Authorization header", () =>
    Effect.gen(function*() {
      const { identity } = yield* setup((_, res) => TestServer.json(res, 503, {}), {
        token: Redacted.make(token),
        maxRetries: 0
      }, {
        ...undici,
        layer: HttpClientTransport.layer({ transformClient: HttpClient.filterStatusOk }).pipe(
          Layer.provide(NodeHttpClient.layerUndici)
        )
      })
      const error = yield* Effect.flip(identity.getUser({ accountId, userId }))
      assert.strictEqual(error._tag, "TransportError")
      for (const text of [JSON.stringify(error), String(error), Inspectable.format(error)]) {
        assert.notInclude(text, token)
      }
    }))
})
