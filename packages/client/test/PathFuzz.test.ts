/**
 * Path parameters, fuzzed: any id (any Unicode, slashes, dots, percent signs, control
 * characters) arrives as exactly one path segment that decodes back to the id, after the URL is
 * parsed the way HTTP clients parse it.
 */
import { assert, describe, it } from "@effect/vitest"
import { IdentityApi } from "@katanemo/client"
import { AccountId, UserId } from "@katanemo/models"
import * as FastCheck from "effect/FastCheck"

const runs = Number(process.env["KATANEMO_FUZZ_RUNS"] ?? 10_000)
const id = FastCheck.oneof(
  FastCheck.string({ unit: "binary", minLength: 1 }),
  FastCheck.stringMatching(/^[./%?#\\ ]{1,6}$/)
).filter((s) => s !== "." && s !== "..")

describe("path parameters", () => {
  it(`${runs} generated ids each arrive as one segment`, () =>
    FastCheck.assert(
      FastCheck.property(id, id, (account, user) => {
        const path = IdentityApi.endpoints.getUser.path({
          accountId: AccountId.make(account),
          userId: UserId.make(user)
        })
        const segments = new URL(path, "http://katanemo.test").pathname.split("/")
        assert.strictEqual(segments.length, 5, path)
        assert.strictEqual(decodeURIComponent(segments[2] ?? ""), account)
        assert.strictEqual(segments[3], "user")
        assert.strictEqual(decodeURIComponent(segments[4] ?? ""), user)
      }),
      { numRuns: runs }
    ), 120_000)
})
