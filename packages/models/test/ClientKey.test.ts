import { assert, describe, it } from "@effect/vitest"
import { ClientKeyObject, ClientKeyRequest, ClientKeyResponse, KeyId } from "@katanemo/models"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { assertRoundTrips, assertWireJson } from "./wire.js"

describe("ClientKeyRequest", () => {
  it("encodes to exactly the wire body", () => {
    const encoded = Schema.encodeSync(ClientKeyRequest)(
      ClientKeyRequest.make({ clientName: "ci-bot", defaultRoleId: "admin" })
    )
    assert.deepStrictEqual(encoded, { defaultRoleId: "admin", clientName: "ci-bot" })
    assertWireJson(encoded)
  })

  it("requires a non-empty clientName and defaultRoleId, naming the field", () => {
    const decode = Schema.decodeUnknownEither(ClientKeyRequest)
    const message = (input: unknown) => {
      const result = decode(input)
      assert.isTrue(result._tag === "Left", "expected a ParseError")
      return result._tag === "Left" ? result.left.message : ""
    }
    assert.match(message({ clientName: "", defaultRoleId: "admin" }), /\["clientName"\][\s\S]*non empty string/)
    assert.match(message({ clientName: "ci-bot", defaultRoleId: "" }), /\["defaultRoleId"\][\s\S]*non empty/)
    assert.match(message({ clientName: "ci-bot" }), /\["defaultRoleId"\][\s\S]*is missing/)
    assert.match(message({ clientName: 7, defaultRoleId: "admin" }), /\["clientName"\][\s\S]*Expected string/)
    assert.throws(() => ClientKeyRequest.make({ clientName: "", defaultRoleId: "admin" }), /\["clientName"\]/)
  })

  it("round-trips generated values", () => assertRoundTrips(ClientKeyRequest))
})

describe("ClientKeyResponse", () => {
  it("decodes the API's answer, with the secret redacted", () => {
    const response = Schema.decodeUnknownSync(ClientKeyResponse)({ clientId: "key-1", clientSecret: "s3cr3t" })
    assert.strictEqual(response.clientId, KeyId.make("key-1"))
    assert.isTrue(response.clientSecret !== undefined && Redacted.isRedacted(response.clientSecret))
    assert.strictEqual(response.clientSecret && Redacted.value(response.clientSecret), "s3cr3t")
    assert.deepStrictEqual(Schema.encodeSync(ClientKeyResponse)(response), {
      clientId: "key-1",
      clientSecret: "s3cr3t"
    })
  })

  it("accepts absent or null optional fields and ignores unknown ones", () => {
    const decode = Schema.decodeUnknownSync(ClientKeyResponse)
    assert.deepStrictEqual(Schema.encodeSync(ClientKeyResponse)(decode({})), {})
    const response = decode({ clientId: "key-1", clientSecret: null, createdAt: "2026-11-28" })
    assert.deepStrictEqual(Schema.encodeSync(ClientKeyResponse)(response), { clientId: "key-1" })
    assert.isFalse("clientSecret" in response)
  })

  it("round-trips generated values", () => assertRoundTrips(ClientKeyResponse))
})

describe("ClientKeyObject", () => {
  const wire = {
    accountId: "acme",
    roles: ["roleId1", "roleId2", "roleId3"],
    clientName: "ci-bot",
    clientKeyId: "key-1",
    serviceId: "svc-1",
    isActive: true
  }

  it("decodes and re-encodes the spec's full shape unchanged", () => {
    const key = Schema.decodeUnknownSync(ClientKeyObject)(wire)
    assert.instanceOf(key, ClientKeyObject)
    assert.deepStrictEqual(key.roles, ["roleId1", "roleId2", "roleId3"])
    assert.deepStrictEqual(Schema.encodeSync(ClientKeyObject)(key), wire)
  })

  it("decodes a list element with every field absent", () => {
    const keys = Schema.decodeUnknownSync(Schema.Array(ClientKeyObject))([{}, { clientName: "x", isActive: false }])
    assert.deepStrictEqual(Schema.encodeSync(Schema.Array(ClientKeyObject))(keys), [{}, {
      clientName: "x",
      isActive: false
    }])
  })

  it("rejects a field of the wrong type, naming it", () => {
    assert.throws(() => Schema.decodeUnknownSync(ClientKeyObject)({ ...wire, isActive: "yes" }), /\["isActive"\]/)
  })

  it("round-trips generated values", () => assertRoundTrips(ClientKeyObject))
})
