import { assert, describe, it } from "@effect/vitest"
import { AccountId, KeyId, UserId } from "@katanemo/models"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"

const describeId = <A extends string>(
  name: string,
  schema: Schema.Schema<A, string> & { readonly make: (value: string) => A }
) =>
  describe(name, () => {
    it("accepts any non-empty string, unchanged", () => {
      assert.strictEqual(Schema.decodeUnknownSync(schema)("a/../b ü ?#%"), "a/../b ü ?#%")
      assert.strictEqual(schema.make("x"), "x")
    })

    it("rejects an empty string and non-strings", () => {
      assert.isTrue(Either.isLeft(Schema.decodeUnknownEither(schema)("")))
      assert.isTrue(Either.isLeft(Schema.decodeUnknownEither(schema)(42)))
      assert.throws(() => schema.make(""), /Expected a non-empty/)
    })
  })

describeId("AccountId", AccountId)
describeId("KeyId", KeyId)
describeId("UserId", UserId)
