import { assert, describe, it } from "@effect/vitest"
import { AccountId, UserId, UserRequest, UserResponse } from "@katanemo/models"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { assertRoundTrips, assertWireJson } from "./wire.js"

describe("UserRequest", () => {
  it("encodes to exactly the wire body, omitting absent fields", () => {
    const full = UserRequest.make({
      accountId: AccountId.make("acme"),
      userId: UserId.make("ada@acme.example"),
      tags: { team: ["platform", "sre"] },
      roles: ["roleId1", "roleId2"]
    })
    const encoded = Schema.encodeSync(UserRequest)(full)
    assert.deepStrictEqual(encoded, {
      accountId: "acme",
      userId: "ada@acme.example",
      tags: { team: ["platform", "sre"] },
      roles: ["roleId1", "roleId2"]
    })
    assertWireJson(encoded)
    assert.deepStrictEqual(Schema.encodeSync(UserRequest)(UserRequest.make({ accountId: AccountId.make("acme") })), {
      accountId: "acme"
    })
  })

  it("requires accountId, naming the field", () => {
    assert.throws(
      () => Schema.decodeUnknownSync(UserRequest)({ userId: "ada@acme.example" }),
      /\["accountId"\][\s\S]*is missing/
    )
    assert.throws(
      () => Schema.decodeUnknownSync(UserRequest)({ accountId: "" }),
      /\["accountId"\][\s\S]*non-empty account id/
    )
  })

  it("rejects tags that are not lists of strings, naming the tag", () => {
    assert.throws(
      () => Schema.decodeUnknownSync(UserRequest)({ accountId: "acme", tags: { team: "platform" } }),
      /\["tags"\][\s\S]*\["team"\]/
    )
  })

  it("round-trips generated values", () => assertRoundTrips(UserRequest))
})

describe("UserResponse", () => {
  const wire = {
    accountId: "acme",
    serviceId: "svc-1",
    userId: "ada@acme.example",
    isAdmin: false,
    isActive: true,
    token: "user-token-value",
    tags: { team: ["platform"] },
    roles: ["roleId1", "roleId2", "roleId3"]
  }

  it("decodes the spec's full shape with the token redacted, and re-encodes it unchanged", () => {
    const user = Schema.decodeUnknownSync(UserResponse)(wire)
    assert.strictEqual(user.userId, "ada@acme.example")
    assert.isTrue(user.token !== undefined && Redacted.isRedacted(user.token))
    assert.strictEqual(user.token && Redacted.value(user.token), "user-token-value")
    assert.deepStrictEqual(Schema.encodeSync(UserResponse)(user), wire)
  })

  it("needs only accountId, ignores unknown fields and reads null as absent", () => {
    const user = Schema.decodeUnknownSync(UserResponse)({ accountId: "acme", roles: null, lastLogin: 1 })
    assert.deepStrictEqual(Schema.encodeSync(UserResponse)(user), { accountId: "acme" })
    assert.throws(() => Schema.decodeUnknownSync(UserResponse)({ userId: "ada" }), /\["accountId"\]/)
  })

  it("stays liberal: a userId that is not an email still decodes", () => {
    const user = Schema.decodeUnknownSync(UserResponse)({ accountId: "acme", userId: "service-account-7" })
    assert.strictEqual(user.userId, "service-account-7")
  })

  it("round-trips generated values", () => assertRoundTrips(UserResponse))
})
