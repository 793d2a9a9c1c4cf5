import { assert, describe, it } from "@effect/vitest"
import { Issues, UserRequest, UserResponse } from "@katanemo/models"
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

describe("Issues.issues on hostile values", () => {
  const deep = (depth: number): unknown => {
    let value: unknown = []
    for (let i = 0; i < depth; i++) value = [value]
    return value
  }
  const problems = <A, I>(
    schema: Schema.Schema<A, I>,
    value: unknown,
    options?: { readonly withoutValues?: boolean }
  ) => {
    const result = Schema.decodeUnknownEither(schema, { errors: "all" })(value)
    if (Either.isRight(result)) return assert.fail("expected a ParseError")
    return Issues.issues(result.left, options)
  }

  it("100,000 nested arrays give a short line, not a stack overflow", () => {
    const lines = problems(UserRequest, { accountId: "acme", roles: deep(100_000) })
    assert.lengthOf(lines, 1)
    assert.strictEqual(lines[0], "roles[0]: Expected string, actual [[[[[…]]]]]")
    const [response] = problems(UserResponse, deep(100_000), { withoutValues: true })
    assert.notInclude(response, "actual")
    assert.isBelow(response?.length ?? Infinity, 100)
  })

  it("huge strings, arrays and objects are quoted cut short", () => {
    const [long] = problems(UserRequest, { accountId: "acme", roles: "r".repeat(1_000_000) })
    assert.strictEqual(long, `roles: Expected ReadonlyArray<string>, actual "${"r".repeat(200)}…"`)
    const [wide] = problems(UserRequest, { accountId: "acme", tags: Array.from({ length: 10_000 }, (_, i) => i) })
    assert.isBelow(wide?.length ?? Infinity, 200)
    assert.match(wide ?? "", /actual \[0,1,2,.*,19,…\]$/)
    const keys = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i]))
    const [many] = problems(UserRequest, { accountId: "acme", roles: keys })
    assert.isBelow(many?.length ?? Infinity, 400)
  })
})
