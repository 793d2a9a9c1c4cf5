/**
 * The server side, fuzzed with generated requests: odd paths, wrong methods, bad and huge
 * bodies, garbage headers. It never crashes or answers 5xx; every 4xx has one of the spec's error
 * bodies; a body over 1 MiB is refused with 413; a body nested 100,000 levels deep is a 400.
 */
import { assert, describe, it } from "@effect/vitest"
import { IdentityServer, IdentityStore } from "@katanemo/testing"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"

const runs = Number(process.env["KATANEMO_FUZZ_RUNS"] ?? 10_000)

const segment = FastCheck.oneof(
  FastCheck.constantFrom("org", "acme", "keys", "key", "user", "ck_1", "ada%40acme.example", "%E0%A4%A", "..", ""),
  FastCheck.string({ unit: "binary", maxLength: 12 }).map(encodeURIComponent),
  FastCheck.string({ maxLength: 8 })
)
const request = FastCheck.record({
  method: FastCheck.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "get", "BREW"),
  url: FastCheck.oneof(
    // the API's own paths with generated ids, and paths of generated segments
    FastCheck.tuple(FastCheck.constantFrom("keys", "key", "user"), segment, segment).map(([kind, account, id]) =>
      kind === "keys"
        ? `/org/${account}/keys`
        : `/org/${account}/${kind}${kind === "user" && id === "" ? "" : `/${id}`}`
    ),
    FastCheck.array(segment, { maxLength: 6 }).map((parts) => `/${parts.join("/")}`)
  ),
  body: FastCheck.oneof(
    FastCheck.constant(""),
    FastCheck.jsonValue().map((value) => JSON.stringify(value) ?? ""),
    FastCheck.string(),
    FastCheck.constant("{\"accountId\":\"acme\",\"userId\":\"ada@acme.example\"}"),
    FastCheck.constant("{\"clientName\":\"ci\",\"defaultRoleId\":\"admin\"}")
  ),
  authorization: FastCheck.option(FastCheck.string({ maxLength: 20 }), { nil: undefined })
})

const SpecErrorBody = Schema.Union(
  Schema.Struct({ message: Schema.optional(Schema.String), errorCode: Schema.optional(Schema.String) }),
  Schema.Struct({ code: Schema.Int, message: Schema.String })
)
const isJson = (text: string) => {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

describe("the server, fuzzed", () => {
  it.effect(`${runs} generated requests: no crash, no 5xx, the spec's error bodies`, () =>
    Effect.gen(function*() {
      const statuses = new Set<number>()
      const samples = FastCheck.sample(request, { numRuns: runs, seed: 42 })
      for (const { authorization, body, method, url } of samples) {
        const response = yield* IdentityServer.handle({
          method,
          url,
          headers: authorization === undefined ? {} : { authorization },
          body
        })
        statuses.add(response.status)
        assert.isBelow(response.status, 500, `${method} ${url} ${body}`)
        assert.isTrue(isJson(response.body), `${method} ${url}: a JSON body`)
        if (response.status >= 400) {
          assert.isTrue(Schema.is(SpecErrorBody)(JSON.parse(response.body)), `${method} ${url}: ${response.body}`)
        }
      }
      assert.includeMembers([...statuses], [200, 400, 404, 405])
    }).pipe(Effect.provide(IdentityStore.layer())), 120_000)

  it.effect("a body over 1 MiB is refused with 413, whatever the route", () =>
    Effect.gen(function*() {
      for (const url of ["/org/acme/keys", "/org/acme/user", "/nowhere"]) {
        const response = yield* IdentityServer.handle({
          method: "POST",
          url,
          headers: {},
          body: "x".repeat(IdentityServer.maxBodyBytes + 1)
        })
        assert.strictEqual(response.status, 413)
      }
    }).pipe(Effect.provide(IdentityStore.layer())))
})

/** 100,000 nested arrays or objects: about 200 KB (arrays) or 600 KB (objects), under the 1 MiB limit. */
const levels = 100_000
const deepArray = `${"[".repeat(levels)}${"]".repeat(levels)}`
const deepObject = `${"{\"a\":".repeat(levels)}1${"}".repeat(levels)}`
const BadRequestBody = Schema.Struct({ message: Schema.String, errorCode: Schema.Literal("VALIDATION_ERROR") })

describe("the server, fed deeply nested bodies", () => {
  const routes = [
    { method: "POST", url: "/org/acme/keys", body: { clientName: "ci", defaultRoleId: "admin" } },
    { method: "POST", url: "/org/acme/user", body: { accountId: "acme", userId: "ada", roles: [], tags: {} } },
    { method: "PUT", url: "/org/acme/user/ada", body: { accountId: "acme", userId: "ada", roles: [], tags: {} } }
  ] as const
  const fields = ["clientName", "defaultRoleId", "roles", "tags", "userId"] as const

  it.effect(
    `a field or a whole body ${levels} levels deep is a 400 with the spec's body, never a 500 or a defect`,
    () =>
      Effect.gen(function*() {
        for (const { body, method, url } of routes) {
          const bodies = [
            deepArray,
            ...fields.flatMap((field) =>
              [deepArray, deepObject].map((deep) => {
                // the field's value replaced by the deep JSON text, the other fields kept valid
                const marker = "\"<deep>\""
                return JSON.stringify({ ...body, [field]: "<deep>" }).replace(marker, deep)
              })
            )
          ]
          for (const text of bodies) {
            const label = `${method} ${url} ${text.slice(0, 40)}…`
            assert.isBelow(text.length, IdentityServer.maxBodyBytes, label)
            const exit = yield* Effect.exit(IdentityServer.handle({ method, url, headers: {}, body: text }))
            assert.isTrue(Exit.isSuccess(exit), `${label}: no defect, got ${String(exit)}`.slice(0, 2000))
            if (Exit.isFailure(exit)) continue
            const response = exit.value
            assert.strictEqual(response.status, 400, `${label}: ${response.body.slice(0, 500)}`)
            assert.isTrue(
              Schema.is(BadRequestBody)(JSON.parse(response.body)),
              `${label}: ${response.body.slice(0, 500)}`
            )
            assert.isBelow(response.body.length, 2000, `${label}: the message quotes the value cut short`)
          }
        }
        const store = yield* IdentityStore
        assert.lengthOf(yield* store.calls, 0, "none reached the store")
      }).pipe(Effect.provide(IdentityStore.layer())),
    120_000
  )
})
