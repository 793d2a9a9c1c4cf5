import { assert, describe, it } from "@effect/vitest"
import { Endpoint, IdentityApi, KeyInput } from "@katanemo/client"
import { AccountId, KeyId } from "@katanemo/models"
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

  it("an endpoint names the account its input addresses, or none (the token exchange); only the exchange has secrets", () => {
    const secret = Redacted.make("cs_endpoint_secret")
    const token = { clientId: KeyId.make("ck_1"), clientSecret: secret }
    assert.isUndefined(IdentityApi.endpoints.getShortTermToken.accountId(token))
    assert.deepStrictEqual(IdentityApi.endpoints.getShortTermToken.secrets?.(token), [secret])
    assert.strictEqual(IdentityApi.endpoints.getClientKeyList.accountId({ accountId: AccountId.make("acme") }), "acme")
    for (const [name, endpoint] of Object.entries(IdentityApi.endpoints)) {
      assert.strictEqual(endpoint.secrets === undefined, name !== "getShortTermToken", name)
    }
  })
})
