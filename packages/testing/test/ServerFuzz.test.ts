/**
 * The server side, fuzzed with generated requests: odd paths, wrong methods, bad and huge
 * bodies, garbage headers. It never crashes or answers 5xx; every 4xx has one of the spec's error
 * bodies; a body over 1 MiB is refused with 413.
 */
import { assert, describe, it } from "@effect/vitest"
import { IdentityServer, IdentityStore } from "@katanemo/testing"
import * as Effect from "effect/Effect"
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
