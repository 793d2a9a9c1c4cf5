/** The local API over a real socket, fuzzed: it answers every odd request with a 4xx and a spec body, and keeps serving. */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as LocalApi from "../src/LocalApi.js"

const runs = Number(process.env["KATANEMO_SOCKET_FUZZ_RUNS"] ?? 300)

const request = FastCheck.record({
  method: FastCheck.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH"),
  path: FastCheck.oneof(
    FastCheck.constantFrom("/org/acme/keys", "/org/acme/user", "/org/acme/key/x", "/org/acme/user/%E0%A4%A", "/nope"),
    FastCheck.string({ unit: "binary", maxLength: 20 }).map((s) => `/org/${encodeURIComponent(s)}/user`)
  ),
  body: FastCheck.oneof(
    FastCheck.constant(undefined),
    FastCheck.string(),
    FastCheck.jsonValue().map((value) => JSON.stringify(value)),
    FastCheck.constant("x".repeat(2 * 1024 * 1024))
  )
})

describe("the local API, fuzzed over a socket", () => {
  it.live(
    `${runs} generated requests: no 5xx, JSON bodies, a body over 1 MiB refused, still serving`,
    () =>
      Effect.gen(function*() {
        const url = yield* LocalApi.url
        const samples = FastCheck.sample(request, { numRuns: runs, seed: 7 })
        for (const { body, method, path } of samples) {
          const response = yield* Effect.promise(() =>
            fetch(`${url}${path}`, {
              method,
              ...(body === undefined || method === "GET"
                ? {}
                : { body, headers: { "content-type": "application/json" } })
            }).then(async (r) => ({ status: r.status, text: await r.text() }))
          )
          assert.isBelow(response.status, 500, `${method} ${path}`)
          assert.doesNotThrow(() => JSON.parse(response.text), `${method} ${path}`)
          if (body !== undefined && body.length > 1024 * 1024 && method !== "GET") {
            assert.strictEqual(response.status, 413)
          }
        }
        const after = yield* Effect.promise(() => fetch(`${url}/org/acme/keys`).then((r) => r.status))
        assert.strictEqual(after, 200, "still serving")
      }).pipe(Effect.provide(LocalApi.layer({ port: 0 })), Logger.withMinimumLogLevel(LogLevel.Warning)),
    120_000
  )
})
