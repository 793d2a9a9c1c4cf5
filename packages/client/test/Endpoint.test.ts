import { assert, describe, it } from "@effect/vitest"
import { Endpoint, IdentityApi, KeyInput } from "@katanemo/client"
import { AccountId, KeyId, UserId } from "@katanemo/models"
import * as Record from "effect/Record"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"

const probe = {
  operation: "probe",
  method: "GET",
  input: KeyInput,
  success: Schema.String,
  listsNotFound: false
} as const

describe("Endpoint.make", () => {
  it("derives the path from the template: each parameter one percent-encoded segment, literals as written", () => {
    const endpoint = Endpoint.make({ ...probe, template: "/org/{accountId}/key/{keyId}/x" })
    assert.deepStrictEqual(endpoint.segments, [
      { literal: "org" },
      { param: "accountId" },
      { literal: "key" },
      { param: "keyId" },
      { literal: "x" }
    ])
    assert.strictEqual(
      endpoint.path({ accountId: AccountId.make("a/b"), keyId: KeyId.make("%?#ü") }),
      "/org/a%2Fb/key/%25%3F%23%C3%BC/x"
    )
  })

  it("refuses a template that does not start with /, or whose parameter is not a whole segment", () => {
    assert.throws(() => Endpoint.make({ ...probe, template: "org/{accountId}" }), "probe: the template org/{accountId}")
    assert.throws(
      () => Endpoint.make({ ...probe, template: "/org/x{accountId}" }),
      "probe: in the template /org/x{accountId}, x{accountId} is not a whole {param} segment"
    )
  })

  it("each endpoint is filed under its operation's name", () => {
    for (const [name, endpoint] of Object.entries(IdentityApi.endpoints)) assert.strictEqual(endpoint.operation, name)
    assert.lengthOf(Record.keys(IdentityApi.endpoints), 9)
  })

  it("an endpoint names an account only where its template has one", () => {
    const { getShortTermToken, getUser } = IdentityApi.endpoints
    assert.strictEqual(getUser.accountId({ accountId: AccountId.make("acme"), userId: UserId.make("ada") }), "acme")
    assert.isUndefined(
      getShortTermToken.accountId({ clientId: KeyId.make("ck_1"), clientSecret: Redacted.make("cs_secret_value") })
    )
  })
})
