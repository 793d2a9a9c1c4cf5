import { assert } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"

/**
 * Number of generated values per property: 500, or `KATANEMO_PROPERTY_RUNS` (CI, `.ci/run`, sets
 * 2000).
 */
export const numRuns = Number(process.env["KATANEMO_PROPERTY_RUNS"] ?? 500)

/** Every key of a JSON value, at any depth. */
const keysDeep = (value: unknown): Array<string> =>
  Array.isArray(value)
    ? value.flatMap(keysDeep)
    : value !== null && typeof value === "object"
    ? Object.entries(value).flatMap(([key, inner]) => [key, ...keysDeep(inner)])
    : []

/**
 * Asserts that `encoded` is exactly wire JSON: it survives a JSON round trip unchanged (so it
 * holds no `undefined`, class instance or `Redacted`), and carries no `_tag`.
 */
export const assertWireJson = (encoded: unknown): void => {
  assert.deepStrictEqual(JSON.parse(JSON.stringify(encoded)), encoded)
  assert.notInclude(keysDeep(encoded), "_tag")
}

/**
 * Property: for generated values `x` of `schema`'s type, `encode(x)` is wire JSON and
 * `decode(encode(x))` equals `x` (by the schema's own equivalence, which compares the
 * contents of `Redacted` values too).
 */
export const assertRoundTrips = <A, I>(schema: Schema.Schema<A, I>): void => {
  const encode = Schema.encodeSync(schema)
  const decode = Schema.decodeUnknownSync(schema)
  const equivalent = Schema.equivalence(schema)
  FastCheck.assert(
    FastCheck.property(Arbitrary.make(schema), (value) => {
      const encoded = encode(value)
      assertWireJson(encoded)
      const decoded = decode(JSON.parse(JSON.stringify(encoded)))
      assert.isTrue(equivalent(decoded, value), "decode(encode(x)) differs from x")
      assert.deepStrictEqual(encode(decoded), encoded)
    }),
    { numRuns }
  )
}
