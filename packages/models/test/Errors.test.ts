import { assert, describe, it } from "@effect/vitest"
import {
  ApiException,
  type ApiExceptionClass,
  type ApiExceptionFields,
  ApiExceptionFromBody,
  BadRequestException,
  ConflictException,
  ErrorBody,
  ExceptionBody,
  InternalServerErrorException,
  NotFoundException,
  TooManyRequestsException,
  UnauthorizedException
} from "@katanemo/models"
import * as Arbitrary from "effect/Arbitrary"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"
import { assertRoundTrips, assertWireJson, numRuns } from "./wire.js"

const exceptions = [
  BadRequestException,
  UnauthorizedException,
  NotFoundException,
  ConflictException,
  TooManyRequestsException,
  InternalServerErrorException
] as const

const describeException = <E extends ApiException>(
  exception: ApiExceptionClass<E> & {
    new(props: Schema.Struct.Type<typeof ApiExceptionFields>): E
    readonly name: string
  }
) =>
  describe(exception._tag, () => {
    const wire = ApiExceptionFromBody(exception)

    it("has a tag equal to its class name and is an Error", () => {
      const error = new exception({ message: "m" })
      assert.strictEqual(error._tag, exception.name)
      assert.instanceOf(error, globalThis.Error)
    })

    it("decodes the wire body, which has no _tag, ignoring unknown fields", () => {
      const error = Schema.decodeUnknownSync(wire)({ message: "boom", errorCode: "E42", requestId: "r-1" })
      assert.instanceOf(error, exception)
      assert.strictEqual(error.message, "boom")
      assert.strictEqual(error.errorCode, "E42")
      assert.deepStrictEqual(Schema.encodeSync(wire)(error), { message: "boom", errorCode: "E42" })
    })

    it("decodes an empty or null body and encodes it back without undefined keys", () => {
      assert.deepStrictEqual(Schema.encodeSync(wire)(Schema.decodeUnknownSync(wire)({})), {})
      const error = Schema.decodeUnknownSync(wire)({ message: null, errorCode: null })
      assert.deepStrictEqual(Schema.encodeSync(wire)(error), {})
    })

    it("rejects a body of the wrong shape, naming the field", () => {
      assert.throws(() => Schema.decodeUnknownSync(wire)({ message: 5 }), /\["message"\]/)
    })

    it("round-trips generated wire bodies: decode then encode gives the body back", () =>
      FastCheck.assert(
        FastCheck.property(Arbitrary.make(ExceptionBody), (body) => {
          const encoded = Schema.encodeSync(wire)(Schema.decodeUnknownSync(wire)(body))
          assertWireJson(encoded)
          assert.deepStrictEqual(encoded, body)
        }),
        { numRuns }
      ))

    it("encodes generated exceptions to their wire fields only, leaving the call's context behind", () =>
      FastCheck.assert(
        FastCheck.property(Arbitrary.make(exception), (error) => {
          const encoded = Schema.encodeSync(wire)(error)
          assertWireJson(encoded)
          assert.deepStrictEqual(
            Object.keys(encoded).sort(),
            ["errorCode", "message"].filter((k) => Object.hasOwn(error, k))
          )
          const decoded = Schema.decodeUnknownSync(wire)(encoded)
          assert.strictEqual(decoded.message, error.message)
          assert.strictEqual(decoded.errorCode, error.errorCode)
        }),
        { numRuns }
      ))

    it("keeps the call's context in its own (tagged) encoding", () => {
      const error = new exception({ message: "m", operation: "getUser", method: "GET", status: 400, requestId: "r-1" })
      const own = Schema.encodeSync(exception)(error)
      assert.deepStrictEqual(own, {
        _tag: exception._tag,
        message: "m",
        operation: "getUser",
        method: "GET",
        status: 400,
        requestId: "r-1"
      })
      assert.isTrue(Schema.equivalence(exception)(Schema.decodeUnknownSync(exception)(own), error))
    })
  })

describe("API exceptions", () => {
  describeException(BadRequestException)
  describeException(UnauthorizedException)
  describeException(NotFoundException)
  describeException(ConflictException)
  describeException(TooManyRequestsException)
  describeException(InternalServerErrorException)

  it.effect("are caught by tag", () =>
    Effect.gen(function*() {
      const program: Effect.Effect<string, ApiException> = Effect.fail(new ConflictException({ message: "exists" }))
      const handled = yield* program.pipe(
        Effect.catchTag("ConflictException", (e) => Effect.succeed(`conflict: ${e.message}`)),
        Effect.catchAll((e) => Effect.succeed(`other: ${e._tag}`))
      )
      assert.strictEqual(handled, "conflict: exists")
    }))

  it("the ApiException union decodes any of them from their tagged form", () => {
    const decode = Schema.decodeUnknownSync(ApiException)
    for (const exception of exceptions) {
      const error = decode({ _tag: exception._tag, message: "x" })
      assert.strictEqual(error._tag, exception._tag)
      assert.strictEqual(error.constructor, exception)
    }
    assert.throws(() => decode({ _tag: "SomethingElse" }))
  })
})

describe("ErrorBody (the spec's `Error`, the default response)", () => {
  it("decodes { code, message } and re-encodes it unchanged", () => {
    const body = Schema.decodeUnknownSync(ErrorBody)({ code: 503, message: "unavailable", trace: "x" })
    assert.strictEqual(body.code, 503)
    assert.deepStrictEqual(Schema.encodeSync(ErrorBody)(body), { code: 503, message: "unavailable" })
  })

  it("requires both fields and an integer code", () => {
    assert.throws(() => Schema.decodeUnknownSync(ErrorBody)({ message: "x" }), /\["code"\][\s\S]*is missing/)
    assert.throws(() => Schema.decodeUnknownSync(ErrorBody)({ code: 1.5, message: "x" }), /\["code"\]/)
    assert.throws(() => Schema.decodeUnknownSync(ErrorBody)({ code: 1 }), /\["message"\]/)
  })

  it("round-trips generated values", () => assertRoundTrips(ErrorBody))
})
