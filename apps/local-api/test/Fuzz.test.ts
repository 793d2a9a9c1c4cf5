/**
 * Hostile input, fuzzed: over a real socket, every odd request (path, method, headers, body, deeply
 * nested JSON) is answered with a 4xx and a JSON body, and the server keeps serving; every odd seed
 * file is a `SeedFileError`, never a defect.
 */
import { NodeFileSystem, NodeHttpServer } from "@effect/platform-node"
import * as HttpServer from "@effect/platform/HttpServer"
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FastCheck from "effect/FastCheck"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as fs from "node:fs"
import * as Http from "node:http"
import * as os from "node:os"
import * as path from "node:path"
import * as LocalApi from "../src/LocalApi.js"
import * as RequestLog from "../src/RequestLog.js"
import * as SeedFile from "../src/SeedFile.js"
import { capturing } from "./messages.js"

const runs = Number(process.env["KATANEMO_SOCKET_FUZZ_RUNS"] ?? 300)

/** JSON text nested `depth` levels deep, alone or inside a field the API reads. */
const deeplyNested = FastCheck.record({
  depth: FastCheck.integer({ min: 60, max: 100_000 }),
  open: FastCheck.constantFrom("[", "{\"a\":"),
  at: FastCheck.constantFrom("top", "clientName", "tags")
}).map(({ at, depth, open }) => {
  const inner = open.repeat(depth) + (open === "[" ? "" : "1") + (open === "[" ? "]" : "}").repeat(depth)
  return at === "top"
    ? inner
    : at === "clientName"
    ? `{"clientName":${inner},"defaultRoleId":"admin"}`
    : `{"userId":"u@acme.example","roles":["r"],"tags":{"team":${inner}}}`
})

/** A header value as fetch may send it (visible ASCII and spaces, up to 4 KiB). */
const headerValue = FastCheck.oneof(
  FastCheck.string({ unit: FastCheck.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) }),
  FastCheck.constantFrom("", "Bearer", "Bearer ", "bearer tok_local", "Basic dG9rOg==", `Bearer ${"x".repeat(4000)}`)
).map((value) => value.trim())

const headers = FastCheck.record({
  authorization: headerValue,
  "content-type": FastCheck.oneof(headerValue, FastCheck.constantFrom("application/json", "text/plain")),
  origin: FastCheck.oneof(
    headerValue,
    FastCheck.constantFrom("http://localhost:5173", "null", "*", "*.example", "http://", "http://[::1", "%", "file://")
  ),
  traceparent: headerValue,
  b3: headerValue,
  "x-request-id": headerValue,
  "user-agent": headerValue
}, { requiredKeys: [] })

const request = FastCheck.record({
  headers,
  method: FastCheck.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH"),
  path: FastCheck.oneof(
    FastCheck.constantFrom("/org/acme/keys", "/org/acme/user", "/org/acme/key/x", "/org/acme/user/%E0%A4%A", "/nope"),
    FastCheck.string({ unit: "binary", maxLength: 20 }).map((s) => `/org/${encodeURIComponent(s)}/user`)
  ),
  body: FastCheck.oneof(
    FastCheck.constant(undefined),
    FastCheck.string(),
    FastCheck.jsonValue().map((value) => JSON.stringify(value)),
    FastCheck.constant("x".repeat(2 * 1024 * 1024)),
    deeplyNested
  )
})

describe("the local API, fuzzed over a socket", () => {
  it.live(
    `${runs} generated requests: no 5xx, JSON bodies, a body over 1 MiB refused, still serving`,
    () =>
      Effect.gen(function*() {
        const url = yield* LocalApi.url
        const samples = FastCheck.sample(request, { numRuns: runs, seed: 7 })
        for (const { body, headers, method, path } of samples) {
          const shown = `${method} ${path} ${JSON.stringify(headers).slice(0, 300)} ${String(body).slice(0, 100)}`
          const response = yield* Effect.tryPromise(() =>
            fetch(`${url}${path}`, {
              method,
              headers,
              signal: AbortSignal.timeout(10_000),
              ...(body === undefined || method === "GET" ? {} : { body })
            }).then(async (r) => ({ status: r.status, text: await r.text() }))
          ).pipe(Effect.orDieWith((error) => new Error(`no answer in 10 s (${String(error)}) to ${shown}`)))
          assert.isBelow(response.status, 500, shown)
          assert.doesNotThrow(() => JSON.parse(response.text), shown)
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

describe("the local API, fed deeply nested bodies over a socket", () => {
  it.live(
    "100,000 levels in a field, on every route with a body, or as the whole body: a 400 with the spec's body",
    () =>
      Effect.gen(function*() {
        const url = yield* LocalApi.url
        const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`
        const cases = [
          ["POST", "/org/acme/keys", `{"clientName":${deep},"defaultRoleId":"admin"}`],
          ["POST", "/org/acme/user", `{"accountId":"acme","userId":"ada","tags":{"team":${deep}}}`],
          ["PUT", "/org/acme/user/ada", `{"accountId":"acme","userId":${deep}}`],
          ["POST", "/org/acme/keys", deep]
        ] as const
        for (const [method, path, body] of cases) {
          const response = yield* Effect.promise(() =>
            fetch(`${url}${path}`, { method, headers: { "content-type": "application/json" }, body }).then(async (
              r
            ) => ({
              status: r.status,
              requestId: r.headers.get("x-request-id") ?? "",
              text: await r.text()
            }))
          )
          assert.strictEqual(response.status, 400, `${method} ${path}: ${response.text.slice(0, 300)}`)
          assert.deepStrictEqual(JSON.parse(response.text), {
            message: "The request body is nested deeper than 64 levels",
            errorCode: "VALIDATION_ERROR"
          })
          assert.match(response.requestId, /^req_[0-9a-f]{16}$/)
        }
        const after = yield* Effect.promise(() => fetch(`${url}/org/acme/keys`).then((r) => r.status))
        assert.strictEqual(after, 200, "still serving")
      }).pipe(Effect.provide(LocalApi.layer({ port: 0 })), Logger.withMinimumLogLevel(LogLevel.Warning)),
    60_000
  )
})

/** Seed-shaped JSON with wrong types anywhere, and seeds nested far too deep. */
const hostileSeed = FastCheck.oneof(
  FastCheck.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value) ?? "null"),
  FastCheck.record({
    accounts: FastCheck.array(
      FastCheck.record({
        accountId: FastCheck.jsonValue({ maxDepth: 2 }),
        keys: FastCheck.oneof(
          FastCheck.jsonValue({ maxDepth: 3 }),
          FastCheck.array(FastCheck.dictionary(
            FastCheck.constantFrom("clientId", "clientName", "roles", "isActive", "serviceId"),
            FastCheck.jsonValue({ maxDepth: 2 })
          ))
        ),
        users: FastCheck.oneof(
          FastCheck.jsonValue({ maxDepth: 3 }),
          FastCheck.array(FastCheck.dictionary(
            FastCheck.constantFrom("userId", "roles", "tags", "isActive"),
            FastCheck.jsonValue({ maxDepth: 3 })
          ))
        )
      }, { requiredKeys: [] }),
      { maxLength: 4 }
    )
  }, { requiredKeys: [] }).map((value) => JSON.stringify(value)),
  deeplyNested.map((text) => text.replace(/^\{"clientName":/, "{\"accounts\":[{\"accountId\":")),
  FastCheck.string({ maxLength: 50 })
)

describe("seed files, fuzzed", () => {
  it.live(
    "every generated seed file is a seed or a SeedFileError with a bounded message, never a defect",
    () =>
      Effect.gen(function*() {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "katanemo-fuzz-seed-")), "seed.json")
        const samples = FastCheck.sample(hostileSeed, { numRuns: Math.min(runs, 200), seed: 11 })
        let refused = 0
        for (const content of samples) {
          fs.writeFileSync(file, content)
          const exit = yield* Effect.exit(SeedFile.read(file))
          if (Exit.isFailure(exit)) {
            const error = Cause.failureOption(exit.cause)
            assert.isTrue(Option.isSome(error), `not a defect for ${content.slice(0, 200)}: ${String(exit.cause)}`)
            if (Option.isSome(error)) {
              refused++
              assert.strictEqual(error.value._tag, "SeedFileError")
              // decodeSeed cuts a line at 500 characters; escaping a control character makes it 4
              for (const line of error.value.message.split("\n")) assert.isAtMost(line.length, 2_100, line)
              assert.isAtMost(error.value.message.split("\n").length, SeedFile.maxIssues + 2)
              assert.notMatch(error.value.message, /[\u0000-\u0009\u000b-\u001f\u007f]/, "controls escaped")
            }
          }
        }
        assert.isAbove(refused, samples.length / 2, "most generated seeds are refused")
      }).pipe(Effect.provide(NodeFileSystem.layer)),
    120_000
  )
})

describe("a defect in the app", () => {
  it.live("is a 500 with a JSON body and one log line naming the reason, without a stack", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      const capture = capturing(lines)
      const response = yield* Effect.gen(function*() {
        const url = yield* LocalApi.url
        return yield* Effect.promise(() =>
          fetch(`${url}/boom`).then(async (r) => ({ status: r.status, text: await r.text() }))
        )
      }).pipe(
        Effect.provide(
          HttpServer.serve(RequestLog.logged()(Effect.die(new RangeError("Maximum call stack size exceeded")))).pipe(
            Layer.provideMerge(NodeHttpServer.layer(() => Http.createServer(), { port: 0, host: "127.0.0.1" }))
          )
        ),
        Effect.provide(capture)
      )
      assert.strictEqual(response.status, 500)
      assert.deepInclude(JSON.parse(response.text), { code: 500 })
      assert.notInclude(response.text, "RangeError")
      assert.lengthOf(lines, 1, lines.join("\n"))
      assert.match(lines[0] ?? "", /^GET \/boom 500 \d+ms - \(RangeError: Maximum call stack size exceeded\)$/)
    }))
})
