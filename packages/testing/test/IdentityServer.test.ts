import { assert, describe, it } from "@effect/vitest"
import { type Endpoint, IdentityApi, type Operation } from "@katanemo/client"
import { TooManyRequestsException } from "@katanemo/models"
import { IdentityServer, IdentityStore } from "@katanemo/testing"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Record from "effect/Record"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { type Answer, postChunked } from "katanemo-testkit/Http"
import { baseUrl, serverLayer } from "./targets.js"

const post = (url: string, body: string, headers: Record<string, string> = {}) =>
  IdentityServer.handle({ method: "POST", url, headers: { "content-type": "application/json", ...headers }, body })
const get = (url: string, headers: Record<string, string> = {}) =>
  IdentityServer.handle({ method: "GET", url, headers, body: "" })

const JsonObject = Schema.Record({ key: Schema.String, value: Schema.Unknown })
/** The body as a JSON object (fails the test if it is not one). */
const object = Schema.decodeUnknownSync(Schema.parseJson(JsonObject))
/** The body as a JSON array of objects. */
const objects = Schema.decodeUnknownSync(Schema.parseJson(Schema.Array(JsonObject)))

/** What a call's input is to the store: its fields by name. */
const fieldsOf = Schema.decodeUnknownSync(Schema.Record({ key: Schema.String, value: Schema.Unknown }))

/** The request the client sends for an input: its method, its path and its body, all from the endpoint. */
const wireRequest = <In, A, NotFound>(endpoint: Endpoint.Endpoint<In, A, NotFound>) => (input: unknown) => {
  const valid = Either.getOrThrow(endpoint.validate(input))
  const body = endpoint.body === undefined ? undefined : Either.getOrThrow(endpoint.body(valid))
  return {
    method: endpoint.method,
    url: endpoint.path(valid),
    headers: { "content-type": "application/json" },
    body: body === undefined ? "" : JSON.stringify(body)
  }
}

const wireRequests: { readonly [K in Operation]: (input: unknown) => IdentityServer.Request } = {
  createClientKey: wireRequest(IdentityApi.endpoints.createClientKey),
  getClientKeyList: wireRequest(IdentityApi.endpoints.getClientKeyList),
  getClientKey: wireRequest(IdentityApi.endpoints.getClientKey),
  deleteClientKey: wireRequest(IdentityApi.endpoints.deleteClientKey),
  createUserForAccount: wireRequest(IdentityApi.endpoints.createUserForAccount),
  getUsersForAccount: wireRequest(IdentityApi.endpoints.getUsersForAccount),
  getUser: wireRequest(IdentityApi.endpoints.getUser),
  updateUser: wireRequest(IdentityApi.endpoints.updateUser),
  getShortTermToken: wireRequest(IdentityApi.endpoints.getShortTermToken)
}

/**
 * Sends one operation as the client builds it (its path from the endpoint, its body encoded by
 * the endpoint) to the server, and answers the operation and input the store received.
 */
const roundTrip = (operation: Operation, ids: { readonly [name: string]: string }) =>
  Effect.gen(function*() {
    const request = wireRequests[operation]({
      ...ids,
      clientName: "ci",
      defaultRoleId: "admin",
      roles: ["dev"],
      clientId: ids["keyId"] ?? "ck_routing",
      clientSecret: Redacted.make("cs_routing_secret")
    })
    const store = yield* IdentityStore
    yield* store.clearCalls
    const response = yield* IdentityServer.handle(request)
    const [call] = yield* store.calls
    return {
      path: request.url,
      status: response.status,
      operation: call?.operation,
      input: fieldsOf(call?.input ?? {})
    }
  })

/** Generated cases of the routing property: 120, fewer when `pnpm mutate` lowers the property runs. */
const routeRuns = Math.min(120, Number(process.env["KATANEMO_PROPERTY_RUNS"] ?? 120))

/** Ids that a path could mistake for its own syntax: separators, dots, escapes, non-ASCII. */
const hostileIds = ["..a", "a/b", "/", "%", "%2F", "a\\b", "ü ?#", "x y/z?q=1#frag", "a;b=c&d", "~!*'()", "\u{1F600}"]

/** Each of the endpoint's path parameters reached the store as the id the call was given. */
const assertRouted = (
  operation: Operation,
  ids: { readonly [name: string]: string },
  sent: Effect.Effect.Success<ReturnType<typeof roundTrip>>
) => {
  const at = `${operation} ${sent.path} (${sent.status})`
  assert.strictEqual(sent.operation, operation, at)
  for (const segment of IdentityApi.endpoints[operation].segments) {
    if ("param" in segment) assert.strictEqual(sent.input[segment.param], ids[segment.param], at)
  }
}

describe("the client's paths and the server's routes", () => {
  it.effect("agree for every endpoint: hostile ids reach the store intact, as the operation's input", () =>
    Effect.gen(function*() {
      for (const operation of Record.keys(IdentityApi.endpoints)) {
        for (const id of hostileIds) {
          const ids = { accountId: `${id}acct`, keyId: `${id}key`, userId: `${id}user` }
          assertRouted(operation, ids, yield* roundTrip(operation, ids))
        }
      }
    }).pipe(Effect.provide(IdentityStore.layer())))

  it.effect("agree for every endpoint on generated ids", () =>
    Effect.gen(function*() {
      // mostly the characters a URL gives a meaning to, so that most ids hold one
      const unit = FastCheck.oneof(
        FastCheck.constantFrom("/", "%", "?", "#", ".", "\\", ";", "&", "=", "+", " ", "~", "@", ":"),
        FastCheck.constantFrom("a", "2", "F", "ü", "\u{1F600}"),
        FastCheck.string({ unit: "binary", minLength: 1, maxLength: 1 })
      )
      const id = FastCheck.string({ unit, minLength: 1, maxLength: 8 }).filter((s) => s !== "." && s !== "..")
      const cases = FastCheck.sample(
        FastCheck.record({
          operation: FastCheck.constantFrom(...Record.keys(IdentityApi.endpoints)),
          accountId: id,
          keyId: id,
          userId: id
        }),
        { numRuns: routeRuns, seed: 12 }
      )
      for (const { operation, ...ids } of cases) assertRouted(operation, ids, yield* roundTrip(operation, ids))
    }).pipe(Effect.provide(IdentityStore.layer())))
})

describe("IdentityServer.handle", () => {
  it.effect("answers 200 with the wire JSON, a content type and a request id", () =>
    Effect.gen(function*() {
      const created = yield* post("/org/acme/keys", JSON.stringify({ clientName: "ci-bot", defaultRoleId: "admin" }))
      assert.strictEqual(created.status, 200)
      assert.strictEqual(created.headers["content-type"], "application/json")
      assert.match(created.headers["x-request-id"] ?? "", /^req_[0-9a-f]{16}$/)
      assert.deepStrictEqual(Object.keys(object(created.body)).sort(), ["clientId", "clientSecret"])
      const listed = yield* get("/org/acme/keys")
      assert.deepStrictEqual(Object.keys(objects(listed.body)[0] ?? {}).sort(), [
        "accountId",
        "clientKeyId",
        "clientName",
        "isActive",
        "roles",
        "serviceId"
      ])
    }).pipe(Effect.provide(IdentityStore.layer())))

  it.effect("decodes percent-encoded path ids: one segment each", () =>
    Effect.gen(function*() {
      yield* post("/org/a%2F..%2Fb/user", JSON.stringify({ accountId: "a/../b", userId: "ü ?#%" }))
      const store = yield* IdentityStore
      assert.deepStrictEqual((yield* store.users("a/../b")).map((u) => String(u.userId)), ["ü ?#%"])
      const read = yield* get("/org/a%2F..%2Fb/user/%C3%BC%20%3F%23%25")
      assert.strictEqual(read.status, 200)
      assert.strictEqual(read.body.includes("\"userId\":\"ü ?#%\""), true)
      const bad = yield* get("/org/acme/user/%E0%A4%A")
      assert.strictEqual(bad.status, 400)
    }).pipe(Effect.provide(IdentityStore.layer())))

  it.effect("an invite whose body accountId differs from the path is a 400 naming accountId", () =>
    Effect.gen(function*() {
      const response = yield* post("/org/acme/user", JSON.stringify({ accountId: "globex", userId: "ada" }))
      assert.strictEqual(response.status, 400)
      assert.include(String(object(response.body)["message"]), "accountId")
      const missing = yield* post("/org/acme/user", JSON.stringify({ userId: "ada" }))
      assert.strictEqual(missing.status, 400)
      assert.include(missing.body, "accountId")
    }).pipe(Effect.provide(IdentityStore.layer())))

  it.effect("malformed bodies are 400s with the spec's BadRequestException body", () =>
    Effect.gen(function*() {
      for (
        const body of ["{not json", "", "[1,2]", "\"text\"", JSON.stringify({ clientName: "", defaultRoleId: "x" })]
      ) {
        const response = yield* post("/org/acme/keys", body)
        assert.strictEqual(response.status, 400, body)
        assert.deepStrictEqual(Object.keys(object(response.body)).sort(), ["errorCode", "message"], body)
      }
    }).pipe(Effect.provide(IdentityStore.layer())))

  it.effect("a body nested deeper than maxDepth is a 400 saying so; brackets inside strings do not count", () =>
    Effect.gen(function*() {
      const depth = IdentityServer.maxDepth
      const nested = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`
      const atLimit = yield* post("/org/acme/keys", nested(depth))
      assert.deepStrictEqual(object(atLimit.body), {
        message: "The request body must be a JSON object",
        errorCode: "VALIDATION_ERROR"
      })
      const tooDeep = yield* post("/org/acme/keys", nested(depth + 1))
      assert.strictEqual(tooDeep.status, 400)
      assert.deepStrictEqual(object(tooDeep.body), {
        message: `The request body is nested deeper than ${depth} levels`,
        errorCode: "VALIDATION_ERROR"
      })
      const name = `[{"\\${"[".repeat(depth + 1)}`
      const created = yield* post("/org/acme/keys", JSON.stringify({ clientName: name, defaultRoleId: "admin" }))
      assert.strictEqual(created.status, 200, created.body)
      const store = yield* IdentityStore
      assert.deepStrictEqual((yield* store.keys("acme")).map((k) => k.clientName), [name])
    }).pipe(Effect.provide(IdentityStore.layer())))

  it.effect("unknown paths are 404 and wrong methods 405, with the spec's default Error body", () =>
    Effect.gen(function*() {
      const unknown = yield* get("/org/acme/widgets")
      assert.strictEqual(unknown.status, 404)
      assert.deepStrictEqual(Object.keys(object(unknown.body)).sort(), ["code", "message"])
      const wrong = yield* IdentityServer.handle({ method: "PATCH", url: "/org/acme/keys", headers: {}, body: "" })
      assert.strictEqual(wrong.status, 405)
      assert.strictEqual(wrong.headers["allow"], "POST, GET")
    }).pipe(Effect.provide(IdentityStore.layer())))

  it.effect("a body over 1 MiB is refused with 413", () =>
    Effect.gen(function*() {
      const response = yield* post(
        "/org/acme/keys",
        JSON.stringify({ clientName: "x".repeat(IdentityServer.maxBodyBytes) })
      )
      assert.strictEqual(response.status, 413)
      const store = yield* IdentityStore
      assert.lengthOf(yield* store.calls, 0)
    }).pipe(Effect.provide(IdentityStore.layer())))

  it.effect("the rate limit answers 429 with Retry-After", () =>
    Effect.gen(function*() {
      yield* get("/org/acme/keys")
      const limited = yield* get("/org/acme/keys")
      assert.strictEqual(limited.status, 429)
      assert.strictEqual(limited.headers["retry-after"], "1")
      assert.deepStrictEqual(object(limited.body), {
        message: "Rate limit of 1 requests per second exceeded",
        errorCode: "RATE_LIMITED"
      })
    }).pipe(Effect.provide(IdentityStore.layer({ rateLimit: 1 }))))

  it.effect("an injected 429 carries the injected Retry-After", () =>
    Effect.gen(function*() {
      const store = yield* IdentityStore
      yield* store.injectFault({
        fail: new TooManyRequestsException({ message: "slow down" }),
        retryAfter: "7 seconds"
      })
      const response = yield* get("/org/acme/keys")
      assert.strictEqual(response.status, 429)
      assert.strictEqual(response.headers["retry-after"], "7")
      assert.deepStrictEqual(object(response.body), { message: "slow down" })
    }).pipe(Effect.provide(IdentityStore.layer())))

  it.effect("reads the bearer token from the Authorization header", () =>
    Effect.gen(function*() {
      assert.strictEqual((yield* get("/org/acme/keys")).status, 401)
      assert.strictEqual((yield* get("/org/acme/keys", { authorization: "Bearer wrong" })).status, 401)
      assert.strictEqual((yield* get("/org/acme/keys", { authorization: "Basic dG9r" })).status, 401)
      assert.strictEqual((yield* get("/org/acme/keys", { authorization: "Bearer tok" })).status, 200)
    }).pipe(Effect.provide(IdentityStore.layer({ validTokens: ["tok"] }))))
})

/** A response as read off the socket. */
/** POSTs `body` with its `Content-Length`, over the socket. */
const postWithLength = (url: string, body: string) =>
  Effect.promise(async (): Promise<Answer> => {
    const response = await fetch(`${url}/org/acme/keys`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body
    })
    return { status: response.status, body: await response.text() }
  })

describe("IdentityServer.httpApp over a real socket", () => {
  // it.live: a real server on a real socket, which a TestClock does not drive; no timing is asserted
  it.live("a body over 1 MiB is refused with 413 and the spec's Error body, chunked or with a Content-Length", () =>
    Effect.gen(function*() {
      const url = yield* baseUrl
      const store = yield* IdentityStore
      const limit = IdentityServer.maxBodyBytes
      const expected = { code: 413, message: `Request bodies are limited to ${limit} bytes` }
      const chunked = yield* postChunked(url, 2 * limit)
      assert.strictEqual(chunked.status, 413, `chunked: ${chunked.body}`)
      assert.deepStrictEqual(object(chunked.body), expected)
      const sized = yield* postWithLength(url, JSON.stringify({ clientName: "x".repeat(limit), defaultRoleId: "a" }))
      assert.strictEqual(sized.status, 413, `with Content-Length: ${sized.body}`)
      assert.deepStrictEqual(object(sized.body), expected)
      assert.lengthOf(yield* store.calls, 0, "neither reached the store")
      // the same server still reads a chunked body under the limit
      const small = yield* postChunked(url, 1000)
      assert.strictEqual(small.status, 200, small.body)
      assert.lengthOf(yield* store.keys("acme"), 1)
    }).pipe(Effect.provide(serverLayer), Effect.provide(IdentityStore.layer())))
})
