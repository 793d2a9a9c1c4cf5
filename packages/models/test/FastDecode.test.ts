import { assert, describe, it } from "@effect/vitest"
import { ClientKeyObject, ClientKeyResponse, FastDecode, UserResponse } from "@katanemo/models"
import * as Arbitrary from "effect/Arbitrary"
import * as Either from "effect/Either"
import * as Equal from "effect/Equal"
import * as FastCheck from "effect/FastCheck"
import * as Hash from "effect/Hash"
import * as Inspectable from "effect/Inspectable"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Utils from "effect/Utils"
import { inspect } from "node:util"
import { numRuns } from "./wire.js"

/** An own property's key and flags. */
const flags = (value: object) =>
  Reflect.ownKeys(value).map((key) => {
    const { configurable, enumerable, writable } = Object.getOwnPropertyDescriptor(value, key) ?? {}
    return { key, configurable, enumerable, writable }
  })

/**
 * `actual` and `expected` are laid out alike, as a program could observe without reading the
 * values: the same prototype (the very object) and the same own keys, in order, with the same flags,
 * down through the values that are objects.
 */
const assertSameLayout = (actual: unknown, expected: unknown, path = "value"): void => {
  assert.strictEqual(typeof actual, typeof expected, `type of ${path}`)
  if (typeof actual !== "object" || actual === null || typeof expected !== "object" || expected === null) return
  assert.strictEqual(Object.getPrototypeOf(actual), Object.getPrototypeOf(expected), `prototype of ${path}`)
  assert.deepStrictEqual(flags(actual), flags(expected), `own keys of ${path}`)
  for (const key of Reflect.ownKeys(expected)) {
    assertSameLayout(Reflect.get(actual, key), Reflect.get(expected, key), `${path}.${String(key)}`)
  }
}

/**
 * `actual` (fast-decoded) cannot be told from `expected` (schema-decoded from the same JSON), as far
 * as anything but identity goes: same layout (prototype, own keys, their order and flags, at every
 * depth), same printing (where secrets show as `<redacted>`), equal by `Equal` field by field
 * (the structural region compares the lists and tags by content), hashed as the schema's value
 * relates to a second schema decoding, and the same encoding.
 */
const assertIndistinguishable = <A, I>(
  schema: Schema.Schema<A, I>,
  json: unknown,
  actual: A,
  expected: A
): void => {
  // first, before `Hash` caches itself as an own property
  assertSameLayout(actual, expected)
  assert.strictEqual(String(actual), String(expected), "toString")
  assert.strictEqual(inspect(actual, { depth: Infinity }), inspect(expected, { depth: Infinity }), "inspect")
  assert.strictEqual(Inspectable.format(actual), Inspectable.format(expected), "Inspectable.format")
  assert.strictEqual(JSON.stringify(actual), JSON.stringify(expected), "JSON.stringify")
  assert.isTrue(Utils.structuralRegion(() => Equal.equals(actual, expected)), "Equal.equals")
  const again = Schema.decodeUnknownSync(schema)(json)
  assert.strictEqual(Hash.hash(actual) === Hash.hash(expected), Hash.hash(again) === Hash.hash(expected), "Hash")
  assert.strictEqual(Equal.equals(actual, expected), Equal.equals(again, expected), "Equal.equals, outside a region")
  const encode = Schema.encodeSync(schema)
  assert.deepStrictEqual(encode(actual), encode(expected), "encoding")
}

/**
 * The fast decoder agrees with the schema: it accepts exactly what the schema accepts, and its
 * result is equivalent to the schema's (secrets compared by value) and indistinguishable from it
 * (see `assertIndistinguishable`), although it is built without the class's constructor.
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
          if (actual !== undefined) {
            assert.isTrue(equivalent(actual, expected.right))
            assertIndistinguishable(schema, json, actual, expected.right)
          }
        }
      }),
      { numRuns: numRuns * 4 }
    )
    // 2,000 inputs, each compared every way (arrays of users are the slowest: about 7 s alone);
    // the test command runs every suite at once on two cores, where it took over 30 s
  }, 120_000)

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
        if (actual !== undefined) assertIndistinguishable(UserResponse, input, actual, expected.right)
      }
    }
  })

  it("builds real instances, with secrets redacted", () => {
    const user = FastDecode.userResponse({ accountId: "acme", token: "tok_secret", tags: null })
    assert.instanceOf(user, UserResponse)
    assert.strictEqual(user?.accountId, "acme")
    assert.notInclude(JSON.stringify(user), "tok_secret")
    assert.isFalse(user !== undefined && "tags" in user)
    const token = user?.token
    assert.isTrue(Redacted.isRedacted(token))
    if (token !== undefined) {
      assert.strictEqual(String(token), "<redacted>")
      assert.strictEqual(inspect(token), "<redacted>")
      assert.strictEqual(Redacted.value(token), "tok_secret")
      assert.isTrue(Equal.equals(token, Redacted.make("tok_secret")))
      assert.isTrue(Redacted.unsafeWipe(token))
      assert.throws(() => Redacted.value(token))
    }
    const created = FastDecode.clientKeyResponse({ clientId: "ck_1", clientSecret: "cs_secret" })
    assert.instanceOf(created, ClientKeyResponse)
    assert.strictEqual(created?.clientSecret && Redacted.value(created.clientSecret), "cs_secret")
    assert.strictEqual(String(created), "ClientKeyResponse({ \"clientId\": \"ck_1\", \"clientSecret\": <redacted> })")
  })
})
