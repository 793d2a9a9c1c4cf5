import * as Headers from "@effect/platform/Headers"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { endpoints } from "../src/IdentityApi.js"
import { interpret, unexpectedStatus } from "../src/internal/interpret.js"

const endpoint = endpoints.getClientKey
const call = { operation: endpoint.operation, method: endpoint.method, path: "/org/acme/key/k1" }
const wireKey = JSON.stringify({ accountId: "acme", clientKeyId: "k1", clientName: "ci" })

/** What `interpret` makes of a response: the decoded key's id, or the error's tag. */
const outcome = (status: number, body: string) =>
  interpret(endpoint, call, { status, headers: Headers.empty, body, requestId: undefined }).pipe(
    Effect.match({ onSuccess: (key) => `key ${key.clientKeyId}`, onFailure: (error) => error._tag })
  )

/** The `detail` of the ResponseDecodeError a 200 with `body` becomes. */
const decodeDetail = (body: string) =>
  interpret(endpoint, call, { status: 200, headers: Headers.empty, body, requestId: undefined }).pipe(
    Effect.flip,
    Effect.map((error) => (error._tag === "ResponseDecodeError" ? error.detail : `not a decode error: ${error._tag}`))
  )

describe("interpret", () => {
  it.effect("decodes a 2xx only: 1xx and 3xx are unexpected", () =>
    Effect.gen(function*() {
      const outcomes = yield* Effect.forEach([100, 199, 200, 201, 299, 300, 304], (status) => outcome(status, wireKey))
      assert.deepStrictEqual(outcomes, [
        "UnexpectedStatusError",
        "UnexpectedStatusError",
        "key k1",
        "key k1",
        "key k1",
        "UnexpectedStatusError",
        "UnexpectedStatusError"
      ])
    }))

  it.effect("says what was wrong with a success body, without quoting its values", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* decodeDetail(""), "empty body")
      assert.strictEqual(yield* decodeDetail(" \n "), "empty body")
      assert.strictEqual(yield* decodeDetail("{\"accountId\":"), "the body is not valid JSON")
      const detail = yield* decodeDetail(
        JSON.stringify({ clientName: "visible-secret-1", isActive: "visible-secret-2" })
      )
      assert.include(detail, "isActive")
      assert.notInclude(detail, "visible-secret")
      assert.notInclude(detail, "not valid JSON")
    }))

  it.effect("an empty body of a listed status gives the exception no message", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        interpret(endpoint, call, { status: 400, headers: Headers.empty, body: "", requestId: undefined })
      )
      assert.strictEqual(error._tag, "BadRequestException")
      assert.isFalse(Object.hasOwn(error, "message"), `message ${JSON.stringify(error.message)}`)
    }))

  it.effect("an error body with an errorCode and no message gives the exception its code and no message", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        interpret(endpoint, call, {
          status: 409,
          headers: Headers.empty,
          body: "{\"errorCode\":\"DUP\"}",
          requestId: undefined
        })
      )
      assert.strictEqual(error._tag, "ConflictException")
      assert.strictEqual(error._tag === "ConflictException" ? error.errorCode : undefined, "DUP")
      assert.isFalse(Object.hasOwn(error, "message"), `message ${JSON.stringify(error.message)}`)
    }))
})

describe("an API exception's stack", () => {
  it.effect("holds no frames (they would show only the SDK reading a response), and the limit is restored", () =>
    Effect.gen(function*() {
      const limit = Error.stackTraceLimit
      const error = yield* Effect.flip(
        interpret(endpoint, call, { status: 409, headers: {}, body: "{\"message\":\"taken\"}", requestId: undefined })
      )
      assert.strictEqual(error._tag, "ConflictException")
      assert.notMatch(error.stack ?? "", /\n\s+at /)
      assert.strictEqual(Error.stackTraceLimit, limit)
    }))
})

describe("unexpectedStatus", () => {
  const answer = { ...call, status: 418 }

  it("keeps a body of exactly 2 KiB whole, and cuts one character more", () => {
    assert.strictEqual(unexpectedStatus(answer, "x".repeat(2048)).body, "x".repeat(2048))
    assert.strictEqual(unexpectedStatus(answer, "x".repeat(2049)).body, `${"x".repeat(2048)}… (2049 characters)`)
  })
})
