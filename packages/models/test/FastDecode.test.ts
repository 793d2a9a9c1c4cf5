import { assert, describe, it } from "@effect/vitest"
import { ClientKeyObject, ClientKeyResponse, FastDecode, UserResponse } from "@katanemo/models"
import * as Arbitrary from "effect/Arbitrary"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"
import { numRuns } from "./wire.js"

/**
 * The fast decoder agrees with the schema: it accepts exactly what the schema accepts, and its
 * result is equivalent to the schema's (secrets compared by value).
 */
const agrees = <A, I>(name: string, schema: Schema.Schema<A, I>, fast: (u: unknown) => A | undefined) =>
  it(`${name}: same acceptance and equivalent results as the schema`, () => {
    const decode = Schema.decodeUnknownEither(schema)
    const equivalent = Schema.equivalence(schema)
    // wire-shaped values (including nulls and empty strings), some with a field (one of theirs, or
    // any key) broken, and anything
    const wire = Arbitrary.make(Schema.encodedSchema(schema))
    const field = FastCheck.oneof(FastCheck.nat(), FastCheck.string())
    const broken = FastCheck.tuple(wire, field, FastCheck.anything()).map(([value, pick, junk]) => {
      if (typeof value !== "object" || value === null || Array.isArray(value)) return value
      const keys = Object.keys(value)
      const key = typeof pick === "number" ? keys[pick % Math.max(1, keys.length)] ?? "" : pick
      return { ...value, [key]: junk }
    })
    FastCheck.assert(
      FastCheck.property(FastCheck.oneof(wire, broken, FastCheck.anything()), (input) => {
        const json: unknown = JSON.parse(JSON.stringify(input) ?? "null")
        const expected = decode(json)
        const actual = fast(json)
        if (Either.isLeft(expected)) {
          assert.isUndefined(actual, `the schema refuses ${JSON.stringify(json)}`)
        } else {
          assert.isDefined(actual, `the schema accepts ${JSON.stringify(json)}`)
          if (actual !== undefined) assert.isTrue(equivalent(actual, expected.right))
        }
      }),
      { numRuns: numRuns * 4 }
    )
  })

describe("FastDecode", () => {
  agrees("userResponse", UserResponse, FastDecode.userResponse)
  agrees("clientKeyObject", ClientKeyObject, FastDecode.clientKeyObject)
  agrees("clientKeyResponse", ClientKeyResponse, FastDecode.clientKeyResponse)
  agrees("array(userResponse)", Schema.Array(UserResponse), FastDecode.array(FastDecode.userResponse))
  agrees("array(clientKeyObject)", Schema.Array(ClientKeyObject), FastDecode.array(FastDecode.clientKeyObject))
  agrees("string", Schema.String, FastDecode.string)

  it("agrees on the odd cases generators miss: a __proto__ tag, a present undefined, inherited fields, a field of the wrong type", () => {
    const cases: ReadonlyArray<unknown> = [
      JSON.parse("{\"accountId\":\"acme\",\"tags\":{\"__proto__\":[\"x\"],\"team\":[\"a\"]}}"),
      { accountId: "acme", userId: undefined },
      Object.assign(Object.create({ accountId: "acme" }), { userId: "ada" }),
      // each refused by the schema; a decoder that skipped one check would accept it
      { accountId: "acme", roles: "ab" },
      { accountId: "acme", roles: ["a", 1] },
      { accountId: "acme", tags: [["a"]] },
      { accountId: "acme", tags: "ab" },
      { accountId: "acme", tags: { team: ["a", 1] } },
      { accountId: "acme", tags: { team: "a" } },
      { accountId: "acme", serviceId: 1 },
      { accountId: "acme", token: 1 },
      { accountId: "acme", isAdmin: "yes" },
      { accountId: "acme", isActive: 0 }
    ]
    const decode = Schema.decodeUnknownEither(UserResponse)
    const equivalent = Schema.equivalence(UserResponse)
    for (const input of cases) {
      const expected = decode(input)
      const actual = FastDecode.userResponse(input)
      if (Either.isLeft(expected)) assert.isUndefined(actual)
      else {
        assert.isTrue(actual !== undefined && equivalent(actual, expected.right))
        assert.deepStrictEqual(Object.keys(actual?.tags ?? {}), Object.keys(expected.right.tags ?? {}))
      }
    }
  })

  it("builds real instances, with secrets redacted", () => {
    const user = FastDecode.userResponse({ accountId: "acme", token: "tok_secret", tags: null })
    assert.instanceOf(user, UserResponse)
    assert.strictEqual(user?.accountId, "acme")
    assert.notInclude(JSON.stringify(user), "tok_secret")
    assert.isFalse(user !== undefined && "tags" in user)
  })
})
