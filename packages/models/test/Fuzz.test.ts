/**
 * Fuzzing every decoder with 10,000 generated inputs per model: wire-shaped values, values with a
 * field broken, and arbitrary JSON. Decoding never throws (it answers a ParseError), and whatever
 * decodes round-trips. (FastDecode.test.ts holds the fast decoders to the schemas.)
 */
import { assert, describe, it } from "@effect/vitest"
import {
  ApiExceptionFromBody,
  ClientKeyObject,
  ClientKeyRequest,
  ClientKeyResponse,
  ConflictException,
  ErrorBody,
  UserRequest,
  UserResponse
} from "@katanemo/models"
import * as Arbitrary from "effect/Arbitrary"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"

const runs = Number(process.env["KATANEMO_FUZZ_RUNS"] ?? 10_000)

const fuzz = <A, I>(name: string, schema: Schema.Schema<A, I>) =>
  it(`${name}: ${runs} inputs, no exception, and whatever decodes round-trips`, () => {
    const decode = Schema.decodeUnknownEither(schema)
    const encode = Schema.encodeEither(schema)
    const equivalent = Schema.equivalence(schema)
    const wire = Arbitrary.make(Schema.encodedSchema(schema))
    const broken = FastCheck.tuple(wire, FastCheck.string(), FastCheck.jsonValue()).map(([value, key, junk]) =>
      typeof value === "object" && value !== null && !Array.isArray(value) ? { ...value, [key]: junk } : value
    )
    let decoded = 0
    FastCheck.assert(
      FastCheck.property(FastCheck.oneof(wire, broken, FastCheck.jsonValue()), (input) => {
        const json: unknown = JSON.parse(JSON.stringify(input) ?? "null")
        const result = decode(json)
        if (Either.isLeft(result)) return
        decoded++
        const encoded = encode(result.right)
        assert.isTrue(Either.isRight(encoded))
        if (Either.isRight(encoded)) {
          const again = decode(JSON.parse(JSON.stringify(encoded.right)))
          assert.isTrue(Either.isRight(again) && equivalent(again.right, result.right))
        }
      }),
      { numRuns: runs }
    )
    assert.isAbove(decoded, 0, "some inputs decode")
  }, 120_000)

describe("fuzzing the decoders", () => {
  fuzz("ClientKeyRequest", ClientKeyRequest)
  fuzz("ClientKeyResponse", ClientKeyResponse)
  fuzz("ClientKeyObject", ClientKeyObject)
  fuzz("UserRequest", UserRequest)
  fuzz("UserResponse", UserResponse)
  fuzz("ErrorBody", ErrorBody)
  fuzz("an exception's wire body", ApiExceptionFromBody(ConflictException))
})
