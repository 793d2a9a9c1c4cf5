import { NodeFileSystem } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { IdentityApi } from "@katanemo/client"
import * as UndiciTransport from "@katanemo/client/UndiciTransport"
import { AccountId } from "@katanemo/models"
import { ContractSuite, IdentityServer, IdentityStore } from "@katanemo/testing"
import * as Effect from "effect/Effect"
import * as HashMap from "effect/HashMap"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as List from "effect/List"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import { postChunked } from "katanemo-testkit/Http"
import { fileURLToPath } from "node:url"
import * as Cors from "../src/Cors.js"
import * as LocalApi from "../src/LocalApi.js"
import * as SeedFile from "../src/SeedFile.js"
import { capturing } from "./messages.js"

/** The live client against the local API on a free port, with the store behind it; raw requests over a socket too. */
const target = (options: ContractSuite.TargetOptions) =>
  Layer.unwrapEffect(
    Effect.map(LocalApi.url, (baseUrl) =>
      Layer.merge(
        IdentityApi.layer({ baseUrl, token: options.token, maxRetries: 0 }),
        ContractSuite.layerWire(baseUrl)
      ))
  ).pipe(
    Layer.provide(UndiciTransport.layer()),
    Layer.provideMerge(LocalApi.layer({ ...options, port: 0 })),
    Layer.orDie
  )

describe("contract: the live client against the local API over a real socket", () => {
  for (const rule of ContractSuite.cases) {
    it.effect(rule.name, () => Effect.provide(rule.run, target(rule.options)))
  }
})

const fetchText = (url: string) =>
  Effect.promise(async () => {
    const response = await fetch(url)
    return { status: response.status, type: response.headers.get("content-type") ?? "", body: await response.text() }
  })

describe("the local API's extras", () => {
  // it.live: a real server on a real socket; no timing is asserted
  it.live("a chunked body over 1 MiB is refused with 413, as one with a Content-Length is", () =>
    Effect.gen(function*() {
      const url = yield* LocalApi.url
      const store = yield* IdentityStore
      const tooLarge = yield* postChunked(url, 2 * IdentityServer.maxBodyBytes)
      assert.strictEqual(tooLarge.status, 413, tooLarge.body)
      assert.deepStrictEqual(JSON.parse(tooLarge.body), {
        code: 413,
        message: `Request bodies are limited to ${IdentityServer.maxBodyBytes} bytes`
      })
      assert.lengthOf(yield* store.calls, 0, "it never reached the store")
      const small = yield* postChunked(url, 1000)
      assert.strictEqual(small.status, 200, small.body)
    }).pipe(Effect.provide(LocalApi.layer({ port: 0 })), Logger.withMinimumLogLevel(LogLevel.Warning)))

  it.live("serves /openapi.json with its own URL, and Swagger UI at /docs from local assets", () =>
    Effect.gen(function*() {
      const url = yield* LocalApi.url
      const spec = yield* fetchText(`${url}/openapi.json`)
      assert.strictEqual(spec.status, 200)
      const document: unknown = JSON.parse(spec.body)
      assert.deepInclude(document, { openapi: "3.1.0", servers: [{ url }] })
      const docs = yield* fetchText(`${url}/docs`)
      assert.strictEqual(docs.status, 200)
      assert.include(docs.type, "text/html")
      assert.include(docs.body, "/docs/swagger-ui-bundle.js")
      for (const asset of ["swagger-ui-bundle.js", "swagger-ui.css"]) {
        const file = yield* fetchText(`${url}/docs/${asset}`)
        assert.strictEqual(file.status, 200, asset)
        assert.isAbove(file.body.length, 10_000, asset)
      }
      assert.strictEqual((yield* fetchText(`${url}/docs/../package.json`)).status, 404)
    }).pipe(Effect.provide(LocalApi.layer({ port: 0 }))))

  it.live("logs exactly one line per request: method, path, status, time, request id; never a token", () =>
    Effect.gen(function*() {
      const token = "tok_secret_0123456789"
      const lines: Array<string> = []
      // a logger prints annotations and spans on lines of their own: a request's line has none
      const capture = Logger.replace(
        Logger.defaultLogger,
        Logger.make(({ annotations, message, spans }) =>
          lines.push(
            (Array.isArray(message) ? message.map(String).join(" ") : Inspectable.format(message))
              + (HashMap.size(annotations) > 0 || List.size(spans) > 0 ? " +annotations/spans" : "")
          )
        )
      )
      const ids = yield* Effect.gen(function*() {
        const url = yield* LocalApi.url
        const listed = yield* Effect.promise(() =>
          fetch(`${url}/org/acme/keys?token=${token}`, { headers: { authorization: `Bearer ${token}` } })
        )
        const missing = yield* Effect.promise(() =>
          fetch(`${url}/org/acme/${token}`, { headers: { authorization: `Bearer ${token}` } })
        )
        // percent-encoded, and without the token in the header: still blanked, for it is a valid one
        const encoded = yield* Effect.promise(() => fetch(`${url}/org/acme/tok%5Fsecret%5f0123456789`))
        return [listed, missing, encoded].map((response) => response.headers.get("x-request-id"))
      }).pipe(Effect.provide(LocalApi.layer({ port: 0, validTokens: [token] })), Effect.provide(capture))
      assert.lengthOf(lines, 3, lines.join("\n"))
      assert.match(lines[0] ?? "", new RegExp(`^GET /org/acme/keys 200 \\d+ms ${ids[0]}$`))
      assert.match(lines[1] ?? "", new RegExp(`^GET /org/acme/<redacted> 404 \\d+ms ${ids[1]}$`))
      assert.match(lines[2] ?? "", new RegExp(`^GET /org/acme/<redacted> 404 \\d+ms ${ids[2]}$`))
      for (const line of lines) {
        assert.notInclude(line, "tok_secret", "no token in a log line")
        assert.notInclude(line, "tok%5Fsecret", "no encoded token in a log line")
        assert.notInclude(line, "\n", "one line")
      }
    }))

  it.live("GET /healthz answers 200 without a token, is not rate limited and writes nothing", () =>
    Effect.gen(function*() {
      const url = yield* LocalApi.url
      const store = yield* IdentityStore
      for (let i = 0; i < 3; i++) {
        const health = yield* fetchText(`${url}/healthz`)
        assert.strictEqual(health.status, 200)
        assert.include(health.type, "application/json")
        assert.deepStrictEqual(JSON.parse(health.body), { status: "ok" })
      }
      assert.strictEqual((yield* fetchText(`${url}/org/acme/keys`)).status, 401, "the API still needs a token")
      assert.lengthOf(yield* store.calls, 1, "the health checks never reached the store")
      const post = yield* Effect.promise(() => fetch(`${url}/healthz`, { method: "POST" }))
      assert.strictEqual(post.status, 405)
      assert.strictEqual(post.headers.get("allow"), "GET, HEAD")
    }).pipe(Effect.provide(LocalApi.layer({ port: 0, validTokens: ["tok_local"], rateLimit: 1 }))))

  it.live("the sample seed's key is exchanged for a token; it and the static token both work; neither shows in a log", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      const capture = capturing(lines)
      const seed = yield* SeedFile.read(fileURLToPath(new URL("../seed.example.json", import.meta.url))).pipe(
        Effect.provide(NodeFileSystem.layer)
      )
      // the development secret of ck_ci in seed.example.json, as the README documents it
      const secret = "cs_ci_local_development_only"
      const issued = yield* Effect.gen(function*() {
        const url = yield* LocalApi.url
        const identity = yield* IdentityApi
        const answer = yield* identity.getShortTermToken({ clientId: "ck_ci", clientSecret: Redacted.make(secret) })
        const token = Redacted.value(answer.accessToken)
        const bearer = { headers: { authorization: `Bearer ${token}` } }
        assert.lengthOf(yield* identity.getClientKeyList({ accountId: AccountId.make("acme") }, bearer), 1)
        // the static token (the client's own) still works beside it
        assert.lengthOf(yield* identity.getClientKeyList({ accountId: AccountId.make("acme") }), 1)
        const wrong = yield* Effect.flip(
          identity.getShortTermToken({ clientId: "ck_ci", clientSecret: Redacted.make("cs_wrong_secret") })
        )
        assert.strictEqual(wrong._tag, "UnauthorizedException")
        // a token in the path is blanked from the log when the request carries it
        const echoed = yield* Effect.promise(() =>
          fetch(`${url}/org/acme/key/${token}`, { headers: { authorization: `Bearer ${token}` } })
        )
        assert.strictEqual(echoed.status, 404)
        return token
      }).pipe(
        Effect.provide(
          Layer.unwrapEffect(
            Effect.map(
              LocalApi.url,
              (baseUrl) => IdentityApi.layer({ baseUrl, token: Redacted.make("tok_local_static"), maxRetries: 0 })
            )
          ).pipe(
            Layer.provide(UndiciTransport.layer()),
            Layer.provideMerge(LocalApi.layer({ port: 0, seed, validTokens: ["tok_local_static"] }))
          )
        ),
        Effect.provide(capture)
      )
      assert.deepStrictEqual(lines.map((line) => line.split(" ").slice(0, 3).join(" ")), [
        "POST /token 200",
        "GET /org/acme/keys 200",
        "GET /org/acme/keys 200",
        "POST /token 401",
        "GET /org/acme/key/<redacted> 404"
      ])
      for (const line of lines) {
        assert.notInclude(line, secret)
        assert.notInclude(line, issued)
      }
    }))
})

describe("client credentials end to end, over a real socket", () => {
  // it.effect: the server issues tokens and the client plans its refresh by the same TestClock;
  // the requests themselves cross a real socket
  it.effect(
    "200 calls in flight share one POST /token, at first use and again after an expiry",
    () =>
      Effect.gen(function*() {
        const store = yield* IdentityStore
        const identity = yield* IdentityApi
        const burst = Effect.all(
          Array.from({ length: 200 }, () => identity.getClientKeyList({ accountId: "acme" })),
          { concurrency: 200 }
        )
        const count = (operation: string) =>
          Effect.map(store.calls, (calls) => calls.filter((call) => call.operation === operation).length)

        yield* burst
        assert.strictEqual(yield* count("getShortTermToken"), 1, "one exchange for the first 200 calls")
        yield* TestClock.adjust("1 hour") // the token (valid 1 hour) has expired
        yield* burst
        assert.strictEqual(yield* count("getShortTermToken"), 2, "one exchange for the 200 calls after the expiry")
        assert.strictEqual(yield* count("getClientKeyList"), 400, "every call answered, none replayed after a 401")
      }).pipe(
        Effect.provide(
          Layer.unwrapEffect(
            Effect.map(LocalApi.url, (baseUrl) =>
              IdentityApi.layer({
                baseUrl,
                clientId: "ck_ci",
                clientSecret: Redacted.make("cs_ci_e2e_secret_value"),
                maxRetries: 0
              }))
          ).pipe(
            Layer.provide(UndiciTransport.layer()),
            Layer.provideMerge(LocalApi.layer({
              port: 0,
              // issued tokens only: every call needs the exchange
              validTokens: [],
              seed: {
                accounts: [{
                  accountId: "acme",
                  keys: [{
                    clientId: "ck_ci",
                    clientName: "ci-bot",
                    roles: ["admin"],
                    clientSecret: "cs_ci_e2e_secret_value"
                  }]
                }]
              }
            })),
            Layer.orDie
          )
        )
      ),
    120_000
  ) // 400 calls over real sockets: generous for a busy two-core machine (about 17 s at a load of 17)
})

const preflight = (url: string, origin: string) =>
  Effect.promise(() =>
    fetch(`${url}/org/acme/keys`, {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type,traceparent,b3,user-agent"
      }
    })
  )

describe("CORS", () => {
  it.live("a preflight from a localhost origin is allowed, with the SDK's headers", () =>
    Effect.gen(function*() {
      const url = yield* LocalApi.url
      for (const origin of ["http://localhost:5173", "http://127.0.0.1:3000", "http://[::1]:8080"]) {
        const response = yield* preflight(url, origin)
        assert.strictEqual(response.status, 204, origin)
        assert.strictEqual(response.headers.get("access-control-allow-origin"), origin)
        const methods = (response.headers.get("access-control-allow-methods") ?? "").split(/,\s*/)
        for (const method of ["GET", "POST", "PUT", "DELETE"]) assert.include(methods, method)
        const headers = (response.headers.get("access-control-allow-headers") ?? "").split(",")
        for (const header of ["authorization", "content-type", "traceparent", "b3", "user-agent", "accept"]) {
          assert.include(headers, header)
        }
      }
    }).pipe(Effect.provide(LocalApi.layer({ port: 0 }))))

  it.live("a preflight from another origin gets no allow-origin header", () =>
    Effect.gen(function*() {
      const url = yield* LocalApi.url
      for (const origin of ["https://evil.example", "http://localhost.evil.example", "null", "http://127.0.0.2:80"]) {
        const response = yield* preflight(url, origin)
        assert.isNull(response.headers.get("access-control-allow-origin"), origin)
      }
    }).pipe(Effect.provide(LocalApi.layer({ port: 0 }))))

  it.live("a real request exposes x-request-id and retry-after to the page", () =>
    Effect.gen(function*() {
      const url = yield* LocalApi.url
      const call = () =>
        Effect.promise(() => fetch(`${url}/org/acme/keys`, { headers: { origin: "http://localhost:5173" } }))
      const first = yield* call()
      assert.strictEqual(first.status, 200)
      assert.strictEqual(first.headers.get("access-control-allow-origin"), "http://localhost:5173")
      const exposed = (first.headers.get("access-control-expose-headers") ?? "").split(",")
      assert.includeMembers(exposed, ["x-request-id", "retry-after"])
      assert.isNotNull(first.headers.get("x-request-id"))
      const limited = yield* call()
      assert.strictEqual(limited.status, 429)
      assert.isNotNull(limited.headers.get("retry-after"))
      assert.strictEqual(limited.headers.get("access-control-allow-origin"), "http://localhost:5173")
    }).pipe(Effect.provide(LocalApi.layer({ port: 0, rateLimit: 1 }))))

  it.live("corsOrigins replaces the default: only the named origins (or * for any)", () =>
    Effect.gen(function*() {
      const url = yield* LocalApi.url
      const named = yield* preflight(url, "https://app.example.com")
      assert.strictEqual(named.headers.get("access-control-allow-origin"), "https://app.example.com")
      const local = yield* preflight(url, "http://localhost:5173")
      assert.isNull(local.headers.get("access-control-allow-origin"))
    }).pipe(Effect.provide(LocalApi.layer({ port: 0, corsOrigins: ["https://app.example.com/"] }))))

  it("parses origins, and allows any with *", () => {
    assert.strictEqual(Option.getOrNull(Cors.parseOrigin("http://localhost:5173/")), "http://localhost:5173")
    assert.isTrue(Option.isNone(Cors.parseOrigin("localhost:5173")))
    assert.isTrue(Option.isNone(Cors.parseOrigin("http://localhost:5173/app")))
    assert.isTrue(Option.isNone(Cors.parseOrigin("ftp://localhost")))
    assert.isTrue(Cors.allowOrigin(["*"])("https://anything.example"))
    assert.isFalse(Cors.allowOrigin(["*"])(undefined))
    assert.isFalse(Cors.allowOrigin(undefined)("https://localhost.example.com"))
  })

  /** Origin header values that are not origins: the default predicate runs on each of them. */
  const garbageOrigins = ["*", " * ", "null", "", "%", "http://", "http://[::1", "localhost:5173", "\\", "*.example"]

  it("isLocalhost is false for * and for anything that is not an origin, and never throws", () => {
    for (const origin of garbageOrigins) {
      assert.doesNotThrow(() => Cors.isLocalhost(origin), undefined, undefined, JSON.stringify(origin))
      assert.isFalse(Cors.isLocalhost(origin), JSON.stringify(origin))
      assert.isFalse(Cors.allowOrigin(undefined)(origin), JSON.stringify(origin))
    }
    assert.isTrue(Cors.isLocalhost("http://localhost:5173"))
  })

  it.live("a request with Origin: * (or another non-origin) is answered, without an allow-origin header", () =>
    Effect.gen(function*() {
      const url = yield* LocalApi.url
      for (const origin of garbageOrigins.filter((o) => o.trim() !== "")) {
        for (
          const [method, path] of [["GET", "/healthz"], ["GET", "/org/acme/keys"], [
            "OPTIONS",
            "/org/acme/keys"
          ]] as const
        ) {
          // without the fix the server never answers: give up after 5 s, saying which request hung
          const response = yield* Effect.tryPromise(() =>
            fetch(`${url}${path}`, { method, headers: { origin }, signal: AbortSignal.timeout(5_000) })
          ).pipe(Effect.orDieWith(() => new Error(`no answer in 5 s to ${method} ${path} with Origin: ${origin}`)))
          assert.isBelow(response.status, 300, `${method} ${path} with Origin: ${origin}`)
          assert.isNull(response.headers.get("access-control-allow-origin"), origin)
        }
      }
    }).pipe(Effect.provide(LocalApi.layer({ port: 0 }))))
})
