/**
 * Hostile input, on every transport (undici, fetch, and HttpClient layers with and without their span), over
 * real sockets: whatever a server sends (status, headers, body), a call ends in a typed error or
 * a value, never a defect, and an error never shows the client's token, even when the server
 * echoes the request's Authorization header back. A raw response stays raw.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { type AddressedError, IdentityApi, type Transport } from "@katanemo/client"
import * as HttpClientTransport from "@katanemo/client/HttpClientTransport"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FastCheck from "effect/FastCheck"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { recording } from "katanemo-testkit/Recorder"
import * as Http from "node:http"
import { accountId, keyId, transports, userId } from "./fixtures.js"
import * as TestServer from "./TestServer.js"

const token = "tok_ECHOED_secret_4f2a"
/** The token exchange's secret: no error may show it either. */
const clientSecret = "cs_EXCHANGED_secret_8c3d"

/** Every transport, and an HttpClient with its own span on (off for a request with a token). */
const layers: ReadonlyArray<readonly [string, Layer.Layer<Transport>]> = [
  ...transports.map((t) => [t.name, t.layer] as const),
  [
    "HttpClientTransport({ tracing: true }) over NodeHttpClient.layerUndici",
    HttpClientTransport.layer({ tracing: true }).pipe(Layer.provide(NodeHttpClient.layerUndici))
  ]
]

/** A live client over `layer`, pointed at a server that runs `script`, for the test's scope. */
const client = (layer: Layer.Layer<Transport>, script: TestServer.Script) =>
  Effect.gen(function*() {
    const server = yield* TestServer.make(script)
    const http = yield* Layer.build(layer)
    const identity = yield* Effect.provide(
      IdentityApi.make({ baseUrl: server.url, token: Redacted.make(token), maxRetries: 0 }),
      http
    )
    return { server, identity }
  })

/** Every way an error may be shown. */
const shown = (error: unknown): ReadonlyArray<string> => [
  String(error),
  JSON.stringify(error),
  Inspectable.format(error),
  error instanceof Error ? error.message : ""
]

/** The call's error, checked to be a typed failure (not a defect) that never shows the token. */
const typedFailure = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.map(Effect.exit(effect), (exit) => {
    if (Exit.isSuccess(exit)) return assert.fail("expected the call to fail")
    const error = Cause.failureOption(exit.cause)
    if (error._tag === "None") return assert.fail(`a defect: ${Cause.pretty(exit.cause)}`)
    for (const text of shown(error.value)) {
      assert.notInclude(text, token)
      assert.notInclude(text, clientSecret)
    }
    return error.value
  })

const deep = (depth: number) => "[".repeat(depth) + "]".repeat(depth)

/** Every operation once, with a valid input. */
const everyOperation = (identity: IdentityApi.Service): ReadonlyArray<Effect.Effect<unknown, AddressedError>> => [
  identity.createClientKey({ accountId, clientName: "ci-bot", defaultRoleId: "admin" }),
  identity.getClientKeyList({ accountId }),
  identity.getClientKey({ accountId, keyId }),
  identity.deleteClientKey({ accountId, keyId }),
  identity.createUserForAccount({ accountId, userId }),
  identity.getUsersForAccount({ accountId }),
  identity.getUser({ accountId, userId }),
  identity.updateUser({ accountId, userId, roles: ["admin"] }),
  identity.getShortTermToken({ clientId: keyId, clientSecret: Redacted.make(clientSecret) })
]

for (const [name, layer] of layers) {
  describe(`hostile input over ${name}`, () => {
    it.scoped("100,000 nested arrays in a 200 are a ResponseDecodeError on every operation", () =>
      Effect.gen(function*() {
        const body = deep(100_000)
        const { identity } = yield* client(layer, (_, res) => TestServer.text(res, 200, body))
        for (const call of everyOperation(identity)) {
          assert.strictEqual((yield* typedFailure(call))._tag, "ResponseDecodeError")
        }
      }))

    it.scoped("deep nesting inside a field, or in an error body, is a typed error too", () =>
      Effect.gen(function*() {
        const cases: ReadonlyArray<readonly [number, string, "getUser" | "getUsersForAccount", string]> = [
          [200, `{"accountId":"acme","tags":{"team":${deep(100_000)}}}`, "getUser", "ResponseDecodeError"],
          [200, `[{"accountId":"acme","roles":${deep(100_000)}}]`, "getUsersForAccount", "ResponseDecodeError"],
          [400, `{"message":${deep(100_000)}}`, "getUser", "BadRequestException"],
          [418, `{"code":1,"message":${deep(100_000)}}`, "getUser", "UnexpectedStatusError"]
        ]
        const { identity } = yield* client(layer, (_, res, n) => {
          const [status, body] = cases[n - 1] ?? [500, ""]
          TestServer.text(res, status, body)
        })
        for (const [, , operation, tag] of cases) {
          const call: Effect.Effect<unknown, AddressedError> = operation === "getUser"
            ? identity.getUser({ accountId, userId })
            : identity.getUsersForAccount({ accountId })
          assert.strictEqual((yield* typedFailure(call))._tag, tag)
        }
      }))

    it.scoped("a server echoing the token exchange's body (the client secret) never shows the secret", () =>
      Effect.gen(function*() {
        const answers: ReadonlyArray<(body: string, res: Http.ServerResponse) => void> = [
          (body, res) => TestServer.json(res, 400, { message: `bad body ${body}`, errorCode: body }),
          (body, res) => TestServer.json(res, 401, { message: `wrong secret in ${body}` }),
          (body, res) => TestServer.text(res, 409, `conflict for ${body}`),
          (body, res) => TestServer.json(res, 418, { code: 7, message: `you sent ${body}` }),
          (body, res) => TestServer.text(res, 502, `${"x".repeat(2000)}${body} and more`),
          // a 200 without accessToken, holding the body: ResponseDecodeError
          (body, res) => TestServer.json(res, 200, { echo: body }),
          (body, res) => TestServer.json(res, 200, { accessToken: "", echo: JSON.parse(body) })
        ]
        const { identity, server } = yield* client(layer, (request, res, n) => answers[n - 1]?.(request.body, res))
        const tags: Array<string> = []
        for (let i = 0; i < answers.length; i++) {
          tags.push(
            (yield* typedFailure(
              identity.getShortTermToken({ clientId: keyId, clientSecret: Redacted.make(clientSecret) })
            ))._tag
          )
        }
        assert.deepStrictEqual(tags, [
          "BadRequestException",
          "UnauthorizedException",
          "ConflictException",
          "UnexpectedStatusError",
          "UnexpectedStatusError",
          "ResponseDecodeError",
          "ResponseDecodeError"
        ])
        // a positive control: the secret was on the wire, in the body the server echoed
        assert.include((yield* server.received)[0]?.body ?? "", clientSecret)
      }))

    it.scoped("a server echoing the Authorization header in every field never shows the token", () =>
      Effect.gen(function*() {
        // each answer echoes the request's Authorization header ("Bearer <token>") somewhere
        const answers: ReadonlyArray<(auth: string, res: Http.ServerResponse) => void> = [
          (auth, res) => TestServer.json(res, 400, { message: `bad header ${auth}`, errorCode: auth }),
          (auth, res) => TestServer.json(res, 401, { message: auth }),
          (auth, res) => TestServer.text(res, 409, `conflict for ${auth}`),
          (auth, res) => TestServer.json(res, 418, { code: 7, message: `you sent ${auth}` }),
          // the token straddles the 2 KiB cut of an unexpected body's excerpt: no half of it either
          (auth, res) => TestServer.text(res, 502, `${"x".repeat(2030)}${auth} and more`),
          (auth, res) => TestServer.json(res, 200, { accountId: "acme", tags: { [auth]: [1] } }),
          (auth, res) =>
            TestServer.json(res, 429, { message: "slow down" }, { "x-request-id": auth.replace("Bearer ", "") }),
          // the token hidden behind JSON escapes
          (auth, res) =>
            TestServer.text(
              res,
              400,
              `{"message":"${[...auth].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("")}"}`
            )
        ]
        const { identity } = yield* client(layer, (request, res, n) => {
          const answer = answers[(n - 1) % answers.length]
          answer?.(request.headers.authorization ?? "", res)
        })
        const tags: Array<string> = []
        for (let i = 0; i < answers.length; i++) {
          const error = yield* typedFailure(identity.getUser({ accountId, userId }))
          for (const text of shown(error)) assert.notInclude(text, token.slice(0, 8))
          tags.push(error._tag)
        }
        assert.deepStrictEqual(tags, [
          "BadRequestException",
          "UnauthorizedException",
          "ConflictException",
          "UnexpectedStatusError",
          "UnexpectedStatusError",
          "ResponseDecodeError",
          "TooManyRequestsException",
          "BadRequestException"
        ])
      }))

    it.scoped("a 1 MB message, errorCode or error body is scrubbed, then cut to 2 KiB", () =>
      Effect.gen(function*() {
        // the token straddles the 2 KiB cut: cutting before scrubbing would leave half of it
        const huge = `${"m".repeat(2040)}${token}${"z".repeat(1_000_000)}`
        const answers: ReadonlyArray<(res: Http.ServerResponse) => void> = [
          (res) => TestServer.json(res, 400, { message: huge, errorCode: huge }),
          (res) => TestServer.json(res, 418, { code: 7, message: huge })
        ]
        const { identity } = yield* client(layer, (_, res, n) => answers[(n - 1) % answers.length]?.(res))
        const bad = yield* typedFailure(identity.getUser({ accountId, userId }))
        const odd = yield* typedFailure(identity.getUser({ accountId, userId }))
        if (bad._tag !== "BadRequestException") return assert.fail(bad._tag)
        if (odd._tag !== "UnexpectedStatusError" || typeof odd.body === "string") return assert.fail(odd._tag)
        for (const text of [bad.message, bad.errorCode ?? "", odd.body.message]) {
          assert.isBelow(text.length, 2100)
          assert.isTrue(text.startsWith(`${"m".repeat(2040)}<redacte…`), text.slice(2000, 2100))
        }
        for (const text of [...shown(bad), ...shown(odd)]) {
          assert.notInclude(text, token.slice(0, 8))
          assert.isBelow(text.length, 20_000)
        }
      }))

    it.scoped("the 404 of an operation that lists it is scrubbed too", () =>
      Effect.gen(function*() {
        const { identity } = yield* client(layer, (request, res) =>
          TestServer.json(res, 404, {
            message: `no key for ${request.headers.authorization}`,
            errorCode: request.headers.authorization
          }))
        const error = yield* typedFailure(identity.getClientKey({ accountId, keyId }))
        if (error._tag !== "NotFoundException") return assert.fail(error._tag)
        assert.strictEqual(error.message, "no key for Bearer <redacted>")
        assert.strictEqual(error.errorCode, "Bearer <redacted>")
      }))

    it.scoped("a server echoing the token in response headers never puts it in a span or a log line", () =>
      Effect.gen(function*() {
        const { identity } = yield* client(layer, (request, res, n) => {
          const auth = request.headers.authorization ?? ""
          const echo = { "x-echo": auth, "x-request-id": auth.replace("Bearer ", ""), "set-cookie": `t=${auth}` }
          if (n === 1) TestServer.json(res, 200, { accountId: "acme", userId: "ada" }, echo)
          else TestServer.json(res, 409, { message: "taken" }, echo)
        })
        const seen = yield* recording(
          Effect.gen(function*() {
            yield* identity.getUser({ accountId, userId })
            yield* Effect.exit(identity.getUser({ accountId, userId }))
            yield* Effect.exit(identity.raw.getUser({ accountId, userId }))
          })
        )
        assert.isTrue(Exit.isSuccess(seen.exit), "the calls ran")
        // with a token, the HttpClient's span stays off even with tracing: true
        assert.strictEqual(seen.spans.length, 3, "the operation's spans, and no HttpClient span")
        for (const text of [...seen.spans, ...seen.logs]) assert.notInclude(text, token)
      }))

    it.scoped("a raw response stays raw: the echoed header is there, as sent", () =>
      Effect.gen(function*() {
        const { identity } = yield* client(layer, (request, res) =>
          TestServer.json(res, 400, { message: request.headers.authorization }, {
            "x-request-id": request.headers.authorization ?? ""
          }))
        const response = yield* identity.raw.getUser({ accountId, userId })
        assert.include(response.body, `Bearer ${token}`)
        assert.strictEqual(response.requestId, `Bearer ${token}`)
      }))

    it.scoped("a request id that is too long or holds control characters is left out of the error", () =>
      Effect.gen(function*() {
        const ids = ["req-1", "a".repeat(257), "req\t2", "req-\u00e9", "a".repeat(256)]
        const { identity } = yield* client(layer, (_, res, n) => {
          res.writeHead(409, { "x-request-id": Buffer.from(ids[n - 1] ?? "", "latin1").toString("latin1") })
          res.end()
        })
        const seen: Array<string | undefined> = []
        for (let i = 0; i < ids.length; i++) {
          const error = yield* typedFailure(identity.getUser({ accountId, userId }))
          seen.push(error._tag === "ConflictException" ? error.requestId : "?")
        }
        assert.deepStrictEqual(seen, ["req-1", undefined, undefined, undefined, "a".repeat(256)])
      }))
  })
}

// ---------------------------------------------------------------------------------------------
// generated hostile responses
// ---------------------------------------------------------------------------------------------

/** What a hostile server answers; `echo` marks where it puts the request's Authorization header. */
interface Hostile {
  readonly status: number
  readonly headers: ReadonlyArray<readonly [string, string]>
  readonly body: ReadonlyArray<Part>
}

/** A piece of a body: text, raw bytes (perhaps not UTF-8), or the echoed Authorization header. */
type Part =
  | { readonly _tag: "text"; readonly text: string }
  | { readonly _tag: "bytes"; readonly bytes: Uint8Array }
  | { readonly _tag: "echo"; readonly json: boolean }

const echo = (json: boolean): Part => ({ _tag: "echo", json })
const text = (text: string): Part => ({ _tag: "text", text })

const nested = FastCheck.record({
  depth: FastCheck.oneof(FastCheck.integer({ min: 1, max: 64 }), FastCheck.constant(100_000)),
  open: FastCheck.constantFrom("[", "{\"a\":", "{\"accountId\":\"acme\",\"tags\":{\"t\":[")
}).map(({ depth, open }) => {
  const close = open === "[" ? "]" : open === "{\"a\":" ? "}" : "]}}"
  return [text(open.repeat(depth) + "0" + close.repeat(depth))]
})

const huge = FastCheck.record({
  size: FastCheck.oneof(FastCheck.integer({ min: 0, max: 4096 }), FastCheck.constant(1_000_000)),
  json: FastCheck.boolean()
}).map(({ json, size }) =>
  json
    ? [text(`{"message":"${"m".repeat(size)}`), echo(true), text("\",\"code\":3}")]
    : [text("e".repeat(size)), echo(false)]
)

const invalidUtf8 = FastCheck.uint8Array({ minLength: 1, maxLength: 64, min: 0x80, max: 0xff })
  .map((bytes) => [text("{\"message\":\""), { _tag: "bytes", bytes } as const, echo(true), text("\"}")])

const wrongTypes = FastCheck.jsonValue({ maxDepth: 4 }).map((value) => [text(JSON.stringify(value))])

/** The token echoed in every field a body of any operation or error has. */
const echoed = FastCheck.constantFrom<ReadonlyArray<Part>>(
  [text("{\"message\":\""), echo(true), text("\",\"errorCode\":\""), echo(true), text("\"}")],
  [text("{\"code\":1,\"message\":\""), echo(true), text("\"}")],
  [text("{\"code\":\""), echo(true), text("\",\"message\":5}")],
  [
    text("{\"accountId\":\""),
    echo(true),
    text("\",\"userId\":\""),
    echo(true),
    text("\",\"token\":\""),
    echo(true),
    text("\",\"tags\":{\""),
    echo(true),
    text("\":[7]},\"roles\":[\""),
    echo(true),
    text("\"]}")
  ],
  [
    text("[{\"clientKeyId\":\""),
    echo(true),
    text("\",\""),
    echo(true),
    text("\":1,\"isActive\":\""),
    echo(true),
    text("\"}]")
  ],
  [text("{\"clientId\":\""), echo(true), text("\",\"clientSecret\":7}")],
  [echo(false)],
  [text("\""), echo(true), text("\"")]
)

const garbage = FastCheck.oneof(
  FastCheck.constantFrom("", "-1", "NaN", "Infinity", "1e999", "9".repeat(400), "0x10", "Thu, 99 Foo 9999", " 5 "),
  FastCheck.string({ maxLength: 40 }),
  FastCheck.integer().map(String),
  FastCheck.double().map(String)
)

const headers = FastCheck.array(
  FastCheck.oneof(
    FastCheck.tuple(FastCheck.constant("retry-after"), garbage),
    FastCheck.tuple(FastCheck.constantFrom("x-request-id", "x-amzn-requestid", "request-id"), garbage),
    FastCheck.tuple(
      FastCheck.constantFrom("x-request-id", "content-type", "www-authenticate", "x-echo"),
      FastCheck.constant("\u0000echo")
    ),
    FastCheck.tuple(
      FastCheck.constant("x-request-id"),
      FastCheck.integer({ min: 257, max: 8000 }).map((n) => "r".repeat(n))
    ),
    FastCheck.tuple(
      FastCheck.constant("content-type"),
      FastCheck.constantFrom("text/html", "application/json; charset=latin1")
    ),
    FastCheck.tuple(FastCheck.constant("content-encoding"), FastCheck.constantFrom("gzip", "br", "bogus"))
  ),
  { maxLength: 4 }
)

const hostile: FastCheck.Arbitrary<Hostile> = FastCheck.record({
  status: FastCheck.constantFrom(200, 201, 204, 299, 400, 401, 404, 409, 418, 429, 500, 502, 503, 599),
  headers,
  body: FastCheck.oneof(nested, huge, invalidUtf8, wrongTypes, echoed)
})

/** Writes a generated response, echoing the request's Authorization header where it says so. */
const answer = (response: Hostile, auth: string, res: Http.ServerResponse) => {
  const out: Record<string, string> = {}
  for (const [name, value] of response.headers) {
    const written = value === "\u0000echo" ? auth : value
    try {
      Http.validateHeaderValue(name, written)
      out[name] = written
    } catch {
      // a value Node refuses to send cannot reach a client either
    }
  }
  const body = Buffer.concat(response.body.map((part) =>
    part._tag === "text"
      ? Buffer.from(part.text)
      : part._tag === "bytes"
      ? Buffer.from(part.bytes)
      : Buffer.from(part.json ? JSON.stringify(auth).slice(1, -1) : auth)
  ))
  res.on("error", () => undefined)
  res.writeHead(response.status, out)
  res.end(body)
}

const runs = Number(process.env["KATANEMO_HOSTILE_RUNS"] ?? 60)
const seed = Number(process.env["KATANEMO_HOSTILE_SEED"] ?? 20261128)

const typedTags = new Set([
  "BadRequestException",
  "UnauthorizedException",
  "NotFoundException",
  "ConflictException",
  "TooManyRequestsException",
  "InternalServerErrorException",
  "UnexpectedStatusError",
  "TransportError",
  "TimeoutError",
  "ResponseDecodeError"
])

describe("generated hostile responses", () => {
  for (const [name, layer] of layers) {
    it.scoped(`${runs} responses over ${name}: no defect, never the token`, () =>
      Effect.gen(function*() {
        let current: Hostile = { status: 200, headers: [], body: [] }
        const { identity } = yield* client(layer, (request, res) =>
          answer(current, request.headers.authorization ?? "", res))
        const operations = everyOperation(identity)
        const raws = [identity.raw.getUser({ accountId, userId }), identity.raw.getClientKeyList({ accountId })]
        yield* Effect.promise(() =>
          FastCheck.assert(
            FastCheck.asyncProperty(
              hostile,
              FastCheck.nat(operations.length - 1),
              async (response, operation) => {
                current = response
                const call = operations[operation]
                if (call === undefined) {
                  return
                }
                const exit = await Effect.runPromiseExit(call)
                if (Exit.isFailure(exit)) {
                  const failure = Cause.failureOption(exit.cause)
                  if (failure._tag === "None") {
                    throw new Error(`a defect: ${Cause.pretty(exit.cause)}`)
                  }
                  const error = failure.value
                  assert.isTrue(typedTags.has(error._tag), error._tag)
                  for (const shownAs of shown(error)) {
                    assert.notInclude(shownAs, token)
                  }
                }
                const rawCall = raws[operation % raws.length]
                if (rawCall === undefined) {
                  return
                }
                const raw = await Effect.runPromiseExit(rawCall)
                if (Exit.isFailure(raw) && Cause.isDie(raw.cause)) {
                  throw new Error(`a defect in a raw call: ${Cause.pretty(raw.cause)}`)
                }
              }
            ),
            { numRuns: runs, seed }
          )
        )
      }), 120_000)
  }
})
