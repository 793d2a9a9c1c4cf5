/**
 * OpenAPI parity: the document the local API serves, derived from the client's endpoint table,
 * against the `identity` operations of the vendor's document and its token exchange
 * (`getShortTermToken`, tagged `access-control`, selected by its operationId). Any difference
 * fails, except the intentional extensions listed below with their reasons.
 */
import { assert, describe, it } from "@effect/vitest"
import { OpenApi } from "@katanemo/testing"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { parse } from "yaml"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..")
const contractFile = path.join(root, "contract", "katanemo-aaa-api.yml")
const sharedFile = path.join(root, "..", "shared", "contract", "katanemo-aaa-api.yml")

/** Intentional differences, each with its reason. */
const extensions: ReadonlyArray<{ readonly at: string; readonly reason: string }> = [
  ...[
    "GET /org/{accountId}/key/{keyId}",
    "DELETE /org/{accountId}/key/{keyId}",
    "GET /org/{accountId}/user/{userId}",
    "PUT /org/{accountId}/user/{userId}"
  ]
    .map((at) => ({
      at: `${at} 404`,
      reason: "the API answers an unknown key or user with 404 NotFoundException; the spec defines that schema but "
        + "lists no 404 on these operations"
    }))
]

/**
 * Fields the SDK requires where the vendor's contract marks none required (`at` is a body, `body`,
 * or a status), each with its reason.
 */
const required: ReadonlyArray<
  { readonly at: string; readonly fields: ReadonlyArray<string>; readonly reason: string }
> = [
  {
    at: "POST /token body",
    fields: ["clientId", "clientSecret"],
    reason: "the API cannot answer a token without a key id and its secret: the client refuses a request "
      + "without either before sending it"
  },
  {
    at: "POST /token 200",
    fields: ["accessToken"],
    reason: "an answer without a token is of no use: the client fails a 200 without accessToken with "
      + "ResponseDecodeError"
  }
]

type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }

const isObject = (value: Json | undefined): value is { readonly [key: string]: Json } =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const get = (value: Json | undefined, ...keys: ReadonlyArray<string>): Json | undefined => {
  let current = value
  for (const key of keys) current = isObject(current) ? current[key] : undefined
  return current
}

/** Follows `$ref`s to `#/components/schemas/...`. */
const resolve = (doc: Json, schema: Json | undefined): Json | undefined => {
  const reference = get(schema, "$ref")
  return typeof reference === "string"
    ? resolve(doc, get(doc, "components", "schemas", reference.replace("#/components/schemas/", "")))
    : schema
}

/** What parity compares of a schema: its type, property names, required list and items. */
const shape = (doc: Json, schema: Json | undefined): Json => {
  const resolved = resolve(doc, schema)
  const properties = get(resolved, "properties")
  const items = get(resolved, "items")
  const required = get(resolved, "required")
  return {
    type: (get(resolved, "type") ?? (isObject(properties) ? "object" : null)),
    properties: isObject(properties) ? Object.keys(properties).sort() : [],
    required: Array.isArray(required) ? [...required].map(String).sort() : [],
    items: items === undefined ? null : shape(doc, items)
  }
}

interface Operation {
  readonly at: string
  readonly parameters: Json
  readonly body: Json
  readonly responses: Record<string, Json>
}

const operationsOf = (doc: Json, only: (op: Json) => boolean): Map<string, Operation> => {
  const out = new Map<string, Operation>()
  const paths = get(doc, "paths")
  if (!isObject(paths)) return out
  for (const [template, item] of Object.entries(paths)) {
    if (!isObject(item)) continue
    for (const [method, op] of Object.entries(item)) {
      if (!isObject(op) || !only(op)) continue
      const at = `${method.toUpperCase()} ${template}`
      const parameters = get(op, "parameters")
      const responses = get(op, "responses")
      out.set(at, {
        at,
        parameters: Array.isArray(parameters)
          ? parameters.map((p) => `${get(p, "in")}:${get(p, "name")}:${get(p, "required")}`).sort()
          : [],
        body: get(op, "requestBody") === undefined
          ? null
          : {
            required: get(op, "requestBody", "required") ?? false,
            schema: shape(doc, get(op, "requestBody", "content", "application/json", "schema"))
          },
        responses: Object.fromEntries(
          isObject(responses)
            ? Object.entries(responses).map(([status, response]) => [
              status,
              shape(doc, get(response, "content", "application/json", "schema"))
            ])
            : []
        )
      })
    }
  }
  return out
}

const vendorDoc: Json = parse(fs.readFileSync(contractFile, "utf8"))
const ours: Json = JSON.parse(JSON.stringify(OpenApi.make()))

/** The operations the SDK implements: those tagged `identity`, and the token exchange. */
const isImplemented = (op: Json) => {
  const tags = get(op, "tags")
  return (Array.isArray(tags) && tags.includes("identity")) || get(op, "operationId") === "getShortTermToken"
}
const vendor = operationsOf(vendorDoc, isImplemented)

/** A schema shape with the required list an extension gives it, where there is one for `at`. */
const withRequired = (at: string, shape: Json): Json => {
  const extension = required.find((r) => r.at === at)
  return extension === undefined || !isObject(shape) ? shape : { ...shape, required: [...extension.fields].sort() }
}
const generated = operationsOf(ours, () => true)

describe("OpenAPI parity with the vendor's identity operations", () => {
  it.skipIf(!fs.existsSync(sharedFile))("the repository's copy of the contract is the vendor's (../shared)", () => {
    assert.strictEqual(fs.readFileSync(contractFile, "utf8"), fs.readFileSync(sharedFile, "utf8"))
  })

  it("the contract has eight identity operations, and the token exchange", () => {
    assert.strictEqual(vendor.size, 9)
    assert.isDefined(vendor.get("POST /token"))
  })

  it("the same paths and methods", () => {
    assert.deepStrictEqual([...generated.keys()].sort(), [...vendor.keys()].sort())
  })

  for (const [at, theirs] of vendor) {
    describe(at, () => {
      const mine = generated.get(at)

      it("the same parameters", () => assert.deepStrictEqual(mine?.parameters, theirs.parameters))

      it("the same request body: property names and required list", () => {
        const expected = isObject(theirs.body)
          ? { ...theirs.body, schema: withRequired(`${at} body`, theirs.body["schema"] ?? null) }
          : theirs.body
        assert.deepStrictEqual(mine?.body, expected)
      })

      it("the same statuses, and for each the same property names and required lists", () => {
        const expected = Object.fromEntries(
          Object.entries(theirs.responses).map(([status, shape]) => [status, withRequired(`${at} ${status}`, shape)])
        )
        for (const { at: where } of extensions) {
          const [method, template, status] = where.split(" ")
          if (`${method} ${template}` === at && status !== undefined && mine?.responses[status] !== undefined) {
            expected[status] = mine.responses[status]
          }
        }
        assert.deepStrictEqual(mine?.responses, expected)
      })
    })
  }

  it("every error status has the vendor's description (the exceptions' from @katanemo/models' table)", () => {
    for (const [at, theirs] of vendor) {
      const [method = "", template = ""] = at.split(" ")
      for (const status of Object.keys(theirs.responses).filter((status) => status !== "200")) {
        const description = (doc: Json) =>
          get(doc, "paths", template, method.toLowerCase(), "responses", status, "description")
        assert.strictEqual(description(ours), description(vendorDoc), `${at} ${status}`)
      }
    }
  })

  it("every required-field extension is used: the vendor marks none of its fields required, we mark them", () => {
    for (const { at, fields, reason } of required) {
      const [method, template, where] = at.split(" ")
      const pick = (op: Operation | undefined) =>
        where === "body" ? get(op?.body ?? null, "schema") : op?.responses[where ?? ""]
      assert.deepStrictEqual(get(pick(vendor.get(`${method} ${template}`)), "required"), [], `${at}: the vendor's`)
      assert.deepStrictEqual(get(pick(generated.get(`${method} ${template}`)), "required"), [...fields].sort(), at)
      assert.isAbove(reason.length, 20)
    }
  })

  it("the token exchange needs no bearer token; every other operation does (the document's default)", () => {
    assert.deepStrictEqual(get(ours, "paths", "/token", "post", "security"), [])
    assert.deepStrictEqual(get(ours, "security"), [{ bearer: [] }])
    for (const [at] of generated) {
      const [method = "", template = ""] = at.split(" ")
      if (at !== "POST /token") {
        assert.isUndefined(get(ours, "paths", template, method.toLowerCase(), "security"), at)
      }
    }
  })

  it("every extension is used and has a reason", () => {
    for (const { at, reason } of extensions) {
      const [method, template, status] = at.split(" ")
      const op = generated.get(`${method} ${template}`)
      assert.isDefined(op?.responses[status ?? ""], `${at} is in the generated document`)
      assert.isUndefined(vendor.get(`${method} ${template}`)?.responses[status ?? ""], `${at} is an extension`)
      assert.isAbove(reason.length, 20)
    }
  })
})
