import { assert, describe, it } from "@effect/vitest"
import { Issues, UserRequest } from "@katanemo/models"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"

describe("Issues.issues", () => {
  it("gives one line per problem, naming where it is", () => {
    const result = Schema.decodeUnknownEither(UserRequest, { errors: "all" })({
      accountId: "",
      tags: { team: ["a", 1] },
      roles: "admin"
    })
    if (Either.isRight(result)) return assert.fail("expected a ParseError")
    assert.deepStrictEqual(Issues.issues(result.left), [
      "accountId: Expected a non-empty account id (organization identifier), actual \"\"",
      "tags.team[1]: Expected string, actual 1",
      "roles: Expected ReadonlyArray<string>, actual \"admin\""
    ])
  })
})
