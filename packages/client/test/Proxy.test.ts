/**
 * The undici transport behind a real HTTP proxy on loopback, and against a TLS server whose
 * certificate a CA made at test time signs. The proxy connects from 127.0.0.2 and the client from
 * 127.0.0.1, so the API server tells, request by request, which came through the proxy.
 */
import { assert, describe, it } from "@effect/vitest"
import { IdentityApi, type Operation, type Transport, TransportError } from "@katanemo/client"
import * as UndiciTransport from "@katanemo/client/UndiciTransport"
import type * as ConfigError from "effect/ConfigError"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Scope from "effect/Scope"
import * as TestServices from "effect/TestServices"
import { json, recording } from "katanemo-testkit/Recorder"
import { accountId, keyId, keyWire, userId, userWire } from "./fixtures.js"
import * as LoopbackProxy from "./LoopbackProxy.js"
import * as TestCa from "./TestCa.js"
import * as TestServer from "./TestServer.js"

/** How each operation is called, and what the server answers it. */
interface Row {
  readonly method: string
  readonly path: string
  readonly answer: unknown
  readonly call: (identity: IdentityApi.Service) => Effect.Effect<unknown, unknown>
}

/** Every operation: a new one fails to compile here until the test covers it. */
const operations: { readonly [K in Operation]: Row } = {
  createClientKey: {
    method: "POST",
    path: "/org/acme/keys",
    answer: { clientId: "key-1", clientSecret: "client-secret-value" },
    call: (identity) => identity.createClientKey({ accountId, clientName: "ci-bot", defaultRoleId: "admin" })
  },
  getClientKeyList: {
    method: "GET",
    path: "/org/acme/keys",
    answer: [keyWire],
    call: (identity) => identity.getClientKeyList({ accountId })
  },
  getClientKey: {
    method: "GET",
    path: "/org/acme/key/key-1",
    answer: keyWire,
    call: (identity) => identity.getClientKey({ accountId, keyId })
  },
  deleteClientKey: {
    method: "DELETE",
    path: "/org/acme/key/key-1",
    answer: "key-1 deleted",
    call: (identity) => identity.deleteClientKey({ accountId, keyId })
  },
  createUserForAccount: {
    method: "POST",
    path: "/org/acme/user",
    answer: userWire,
    call: (identity) => identity.createUserForAccount({ accountId, userId, roles: ["developer"] })
  },
  getUsersForAccount: {
    method: "GET",
    path: "/org/acme/user",
    answer: [userWire],
    call: (identity) => identity.getUsersForAccount({ accountId })
  },
  getUser: {
    method: "GET",
    path: "/org/acme/user/ada%40acme.example",
    answer: userWire,
    call: (identity) => identity.getUser({ accountId, userId })
  },
  updateUser: {
    method: "PUT",
    path: "/org/acme/user/ada%40acme.example",
    answer: userWire,
    call: (identity) => identity.updateUser({ accountId, userId, roles: ["admin"] })
  },
  getShortTermToken: {
    method: "POST",
    path: "/token",
    answer: { accessToken: "issued-access-token-value" },
    call: (identity) =>
      identity.getShortTermToken({ clientId: keyId, clientSecret: Redacted.make("client-secret-value") })
  }
}

const rows = Object.values(operations)

/** The API: each operation's answer, by method and path; 404 for anything else. */
const api: TestServer.Script = (request, response) => {
  const row = rows.find((r) => r.method === request.method && r.path === request.url)
  if (row === undefined) TestServer.json(response, 404, { message: `no route ${request.method} ${request.url}` })
  else TestServer.json(response, 200, row.answer)
}

/** An environment for `Config`, in place of `process.env`. */
type Env = Readonly<Record<string, string>>

/** A client of the server at `baseUrl` over `transport` (its `Config` read from `env`, if given). */
const client = (
  baseUrl: string,
  transport: Layer.Layer<Transport, ConfigError.ConfigError>,
  env?: Env
) =>
  Effect.gen(function*() {
    const build = Layer.build(transport)
    const context = yield* env === undefined
      ? build
      : Effect.withConfigProvider(build, ConfigProvider.fromMap(new Map(Object.entries(env))))
    return yield* Effect.provide(IdentityApi.make({ baseUrl, maxRetries: 0 }), context)
  })

/** Calls every operation, one after another. */
const callEach = (identity: IdentityApi.Service) => Effect.forEach(rows, (row) => row.call(identity), { discard: true })

/** The requests the server saw, as `METHOD path`. */
const routes = (received: ReadonlyArray<TestServer.Received>) => received.map((r) => `${r.method} ${r.url}`)

const allRoutes = rows.map((r) => `${r.method} ${r.path}`)

/** Checks that every request reached the server through the proxy, and the proxy tunnelled to it. */
const assertThroughProxy = (
  server: TestServer.TestServer,
  proxy: LoopbackProxy.LoopbackProxy,
  expected: ReadonlyArray<string> = allRoutes
) =>
  Effect.gen(function*() {
    const received = yield* server.received
    assert.deepStrictEqual(routes(received), expected)
    for (const request of received) {
      assert.strictEqual(
        request.remoteAddress,
        LoopbackProxy.outgoingAddress,
        `${request.method} ${request.url} came from ${request.remoteAddress}, not through the proxy`
      )
    }
    const seen = yield* proxy.seen
    assert.isNotEmpty(seen, "the proxy saw the requests")
    const host = new URL(server.url).host
    for (const entry of seen) assert.deepStrictEqual([entry.method, entry.target], ["CONNECT", host])
  })

/** Checks that every request reached the server directly, and the proxy saw nothing. */
const assertDirect = (server: TestServer.TestServer, proxy: LoopbackProxy.LoopbackProxy) =>
  Effect.gen(function*() {
    const received = yield* server.received
    assert.deepStrictEqual(routes(received), allRoutes)
    for (const request of received) assert.strictEqual(request.remoteAddress, "127.0.0.1")
    assert.deepStrictEqual(yield* proxy.seen, [], "the proxy saw nothing")
  })

/** Sets environment variables for the scope (`undefined` unsets one), and restores them after. */
const scopedEnv = (vars: Readonly<Record<string, string | undefined>>) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const saved = Object.keys(vars).map((name) => [name, process.env[name]] as const)
      for (const [name, value] of Object.entries(vars)) {
        if (value === undefined) Reflect.deleteProperty(process.env, name)
        else process.env[name] = value
      }
      return saved
    }),
    (saved) =>
      Effect.sync(() => {
        for (const [name, value] of saved) {
          if (value === undefined) Reflect.deleteProperty(process.env, name)
          else process.env[name] = value
        }
      })
  )

const proxyVariables = ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY"] as const

describe("UndiciTransport through a proxy", () => {
  const layers: ReadonlyArray<
    readonly [string, (proxy: LoopbackProxy.LoopbackProxy) => Layer.Layer<Transport, ConfigError.ConfigError>, Env?]
  > = [
    ["layerProxy({ url })", (proxy) => UndiciTransport.layerProxy({ url: proxy.url })],
    [
      "layerEnvProxy({ httpProxy, noProxy })",
      (proxy) => UndiciTransport.layerEnvProxy({ httpProxy: proxy.url, noProxy: "" })
    ]
  ]
  for (const [name, layer] of layers) {
    it.scoped(`${name}: every operation goes through the proxy`, () =>
      Effect.gen(function*() {
        const server = yield* TestServer.make(api)
        const proxy = yield* LoopbackProxy.make()
        yield* callEach(yield* client(server.url, layer(proxy)))
        yield* assertThroughProxy(server, proxy)
      }))
  }

  it.scoped("layerEnvProxy(): every operation goes through the proxy HTTP_PROXY names", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make(api)
      const proxy = yield* LoopbackProxy.make()
      yield* callEach(yield* client(server.url, UndiciTransport.layerEnvProxy(), { HTTP_PROXY: proxy.url }))
      yield* assertThroughProxy(server, proxy)
    }))

  it.scoped("layerEnvProxy(): the lower-case http_proxy comes first, as undici reads it", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make(api)
      const proxy = yield* LoopbackProxy.make()
      const env = { http_proxy: proxy.url, HTTP_PROXY: "http://127.0.0.1:1" }
      yield* callEach(yield* client(server.url, UndiciTransport.layerEnvProxy(), env))
      yield* assertThroughProxy(server, proxy)
    }))

  it.scoped("layerEnvProxy(): an https: API goes through HTTP_PROXY when HTTPS_PROXY is not set", () =>
    Effect.gen(function*() {
      const ca = yield* TestCa.make
      const server = yield* TestServer.make(api, { tls: ca })
      const proxy = yield* LoopbackProxy.make()
      const identity = yield* client(server.url, UndiciTransport.layerEnvProxy({ ca: ca.ca }), {
        HTTP_PROXY: proxy.url
      })
      yield* operations.getUser.call(identity)
      yield* assertThroughProxy(server, proxy, ["GET /org/acme/user/ada%40acme.example"])
    }))

  it.scoped("layerEnvProxy() reads the real process.env (restored after the test)", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make(api)
      const proxy = yield* LoopbackProxy.make()
      yield* scopedEnv({
        ...Object.fromEntries(proxyVariables.map((name) => [name, undefined])),
        HTTP_PROXY: proxy.url
      })
      yield* callEach(yield* client(server.url, UndiciTransport.layerEnvProxy()))
      yield* assertThroughProxy(server, proxy)
    }))
})

describe("NO_PROXY", () => {
  const bypassing: ReadonlyArray<
    readonly [string, (proxy: LoopbackProxy.LoopbackProxy) => Layer.Layer<Transport, ConfigError.ConfigError>, Env?]
  > = [
    ["NO_PROXY", () => UndiciTransport.layerEnvProxy(), { NO_PROXY: "127.0.0.1" }],
    ["no_proxy, before NO_PROXY", () => UndiciTransport.layerEnvProxy(), {
      no_proxy: "example.com, 127.0.0.1",
      NO_PROXY: "example.com"
    }],
    ["layerEnvProxy's noProxy", () => UndiciTransport.layerEnvProxy({ noProxy: "127.0.0.1" })],
    ["layerProxy's noProxy", (proxy) => UndiciTransport.layerProxy({ url: proxy.url, noProxy: "localhost 127.0.0.1" })]
  ]
  for (const [name, layer, env] of bypassing) {
    it.scoped(`${name} covering the API's host: every request goes directly, the proxy sees nothing`, () =>
      Effect.gen(function*() {
        const server = yield* TestServer.make(api)
        const proxy = yield* LoopbackProxy.make()
        yield* callEach(yield* client(server.url, layer(proxy), { HTTP_PROXY: proxy.url, ...env }))
        yield* assertDirect(server, proxy)
      }))
  }

  it.scoped("NO_PROXY from the real process.env (restored after the test)", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make(api)
      const proxy = yield* LoopbackProxy.make()
      yield* scopedEnv({
        ...Object.fromEntries(proxyVariables.map((name) => [name, undefined])),
        HTTP_PROXY: proxy.url,
        NO_PROXY: "127.0.0.1"
      })
      yield* callEach(yield* client(server.url, UndiciTransport.layerEnvProxy()))
      yield* assertDirect(server, proxy)
    }))

  it.scoped("a NO_PROXY for another host leaves the API behind the proxy", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make(api)
      const proxy = yield* LoopbackProxy.make()
      const env = { HTTP_PROXY: proxy.url, NO_PROXY: "localhost,.example.com" }
      yield* callEach(yield* client(server.url, UndiciTransport.layerEnvProxy(), env))
      yield* assertThroughProxy(server, proxy)
    }))
})

describe("a TLS server signed by a private CA", () => {
  /** Calls `getUser` and answers the error it fails with. */
  const failure = (identity: IdentityApi.Service) => Effect.flip(operations.getUser.call(identity))

  it.scoped("is refused without the CA, with a typed TransportError", () =>
    Effect.gen(function*() {
      const ca = yield* TestCa.make
      const server = yield* TestServer.make(api, { tls: ca })
      const error = yield* failure(yield* client(server.url, UndiciTransport.layer()))
      assert.instanceOf(error, TransportError)
      assert.strictEqual(error instanceof TransportError && error.reason, "Transport")
      assert.deepStrictEqual(yield* server.received, [])
    }))

  it.scoped("is refused with another CA", () =>
    Effect.gen(function*() {
      const ca = yield* TestCa.make
      const other = yield* TestCa.make
      const server = yield* TestServer.make(api, { tls: ca })
      const error = yield* failure(yield* client(server.url, UndiciTransport.layer({ ca: other.ca })))
      assert.instanceOf(error, TransportError)
      assert.deepStrictEqual(yield* server.received, [])
    }))

  it.scoped("is reached with the CA: layer({ ca })", () =>
    Effect.gen(function*() {
      const ca = yield* TestCa.make
      const server = yield* TestServer.make(api, { tls: ca })
      yield* callEach(yield* client(server.url, UndiciTransport.layer({ ca: [ca.ca] })))
      assert.deepStrictEqual(routes(yield* server.received), allRoutes)
    }))

  it.scoped("through the proxy's tunnel: refused without the CA", () =>
    Effect.gen(function*() {
      const ca = yield* TestCa.make
      const server = yield* TestServer.make(api, { tls: ca })
      const proxy = yield* LoopbackProxy.make()
      const error = yield* failure(yield* client(server.url, UndiciTransport.layerProxy({ url: proxy.url })))
      assert.instanceOf(error, TransportError)
      assert.deepStrictEqual(yield* server.received, [])
      assert.deepStrictEqual((yield* proxy.seen).map((s) => s.method), ["CONNECT"], "the tunnel was opened")
    }))

  const withCa: ReadonlyArray<
    readonly [
      string,
      (proxy: LoopbackProxy.LoopbackProxy, ca: string) => Layer.Layer<Transport, ConfigError.ConfigError>
    ]
  > = [
    ["layerProxy({ url, ca })", (proxy, ca) => UndiciTransport.layerProxy({ url: proxy.url, ca })],
    [
      "layerEnvProxy({ httpsProxy, ca })",
      (proxy, ca) => UndiciTransport.layerEnvProxy({ httpsProxy: proxy.url, noProxy: "", ca })
    ]
  ]
  for (const [name, layer] of withCa) {
    it.scoped(`through the proxy's tunnel: reached with the CA, every operation (${name})`, () =>
      Effect.gen(function*() {
        const ca = yield* TestCa.make
        const server = yield* TestServer.make(api, { tls: ca })
        const proxy = yield* LoopbackProxy.make()
        yield* callEach(yield* client(server.url, layer(proxy, ca.ca)))
        yield* assertThroughProxy(server, proxy)
      }))
  }

  it.scoped("bypassing the proxy (NO_PROXY): reached with the CA, refused without it", () =>
    Effect.gen(function*() {
      const ca = yield* TestCa.make
      const server = yield* TestServer.make(api, { tls: ca })
      const proxy = yield* LoopbackProxy.make()
      const env = { HTTPS_PROXY: proxy.url, NO_PROXY: "127.0.0.1" }
      const error = yield* failure(yield* client(server.url, UndiciTransport.layerEnvProxy(), env))
      assert.instanceOf(error, TransportError)
      yield* callEach(yield* client(server.url, UndiciTransport.layerEnvProxy({ ca: ca.ca }), env))
      yield* assertDirect(server, proxy)
    }))
})

describe("proxy credentials", () => {
  const username = "svc-katanemo"
  const password = "pr0xy-Pa55word-7f3e"
  const basic = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`

  /** Every form the password may take in a text. */
  const forms = (secret: string) => [
    secret,
    encodeURIComponent(secret),
    Buffer.from(`${username}:${secret}`).toString("base64")
  ]

  /** Everything an error shows: its text, its JSON, and each of its causes, as text, message, stack and JSON. */
  const shown = (error: unknown): ReadonlyArray<string> => {
    const texts: Array<string> = [String(error), json(error)]
    const queue: Array<unknown> = [error]
    for (let n = 0; n < 32 && queue.length > 0; n++) {
      const next = queue.shift()
      if (typeof next !== "object" || next === null) continue
      texts.push(String(next), json(next))
      for (const name of Object.getOwnPropertyNames(next)) {
        const value: unknown = Reflect.get(next, name)
        if (typeof value === "string") texts.push(value)
        else if (typeof value === "object" && value !== null) queue.push(value)
      }
    }
    return texts
  }

  const assertNotShown = (texts: ReadonlyArray<string>, secret: string) => {
    for (const text of texts) for (const form of forms(secret)) assert.notInclude(text, form)
  }

  const authenticated: ReadonlyArray<
    readonly [string, (proxy: LoopbackProxy.LoopbackProxy) => Layer.Layer<Transport, ConfigError.ConfigError>]
  > = [
    [
      "layerProxy({ username, password })",
      (proxy) => UndiciTransport.layerProxy({ url: proxy.url, username, password: Redacted.make(password) })
    ],
    [
      "layerProxy({ token })",
      (proxy) => UndiciTransport.layerProxy({ url: proxy.url, token: Redacted.make(basic) })
    ],
    [
      "layerProxy with the user and password in the URL",
      (proxy) => UndiciTransport.layerProxy({ url: Redacted.make(`http://${username}:${password}@${proxy.host}`) })
    ],
    [
      "layerEnvProxy with the user and password in the URL",
      (proxy) =>
        UndiciTransport.layerEnvProxy({ httpProxy: Redacted.make(`http://${username}:${password}@${proxy.host}`) })
    ]
  ]
  for (const [name, layer] of authenticated) {
    it.scoped(`a proxy that requires Proxy-Authorization gets it: ${name}`, () =>
      Effect.gen(function*() {
        const server = yield* TestServer.make(api)
        const proxy = yield* LoopbackProxy.make({ requireAuthorization: basic })
        yield* callEach(yield* client(server.url, layer(proxy), { NO_PROXY: "" }))
        yield* assertThroughProxy(server, proxy)
        for (const seen of yield* proxy.seen) assert.strictEqual(seen.proxyAuthorization, basic)
      }))
  }

  it.scoped("the API server never sees Proxy-Authorization", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make(api)
      const proxy = yield* LoopbackProxy.make({ requireAuthorization: basic })
      const layer = UndiciTransport.layerProxy({ url: proxy.url, username, password: Redacted.make(password) })
      yield* callEach(yield* client(server.url, layer))
      for (const request of yield* server.received) assert.isUndefined(request.headers["proxy-authorization"])
    }))

  it.scoped("wrong credentials: a typed TransportError, and no form of them in the error, a span or a log line", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make(api)
      const proxy = yield* LoopbackProxy.make({ requireAuthorization: basic })
      const wrong = "wr0ng-Pa55word-91c4"
      const layers = [
        UndiciTransport.layerProxy({ url: proxy.url, username, password: Redacted.make(wrong) }),
        UndiciTransport.layerEnvProxy({ httpProxy: `http://${username}:${wrong}@${proxy.host}`, noProxy: "" })
      ]
      for (const layer of layers) {
        const identity = yield* client(server.url, layer)
        const seen = yield* recording(operations.getUser.call(identity))
        if (!Exit.isFailure(seen.exit)) return assert.fail("the call went through a proxy that refused it")
        const error = yield* Effect.flip(seen.exit)
        assert.instanceOf(error, TransportError)
        assert.include(String(error), "407", "the error says why")
        assertNotShown([...shown(error), ...seen.spans, ...seen.logs], wrong)
        assert.isNotEmpty(seen.spans, "the call's span was recorded")
      }
      assert.deepStrictEqual(yield* server.received, [])
    }))

  /** A connector that fails with the proxy's URL in its message, as any undici error might. */
  const failing = (url: string) => ({
    connect: (_: unknown, callback: (error: Error, socket: null) => void) => {
      callback(new Error(`cannot reach the API through ${url}`, { cause: new Error(basic) }), null)
    }
  })
  const quoting: ReadonlyArray<readonly [string, (url: string) => Layer.Layer<Transport, ConfigError.ConfigError>]> = [
    ["layerProxy", (url) => UndiciTransport.layerProxy({ url: Redacted.make(url), noProxy: "*", agent: failing(url) })],
    [
      "layerEnvProxy",
      (url) => UndiciTransport.layerEnvProxy({ httpProxy: Redacted.make(url), noProxy: "*", agent: failing(url) })
    ]
  ]
  for (const [name, layer] of quoting) {
    it.scoped(`an error that quotes the proxy's URL has the credentials taken out of it (${name})`, () =>
      Effect.gen(function*() {
        const server = yield* TestServer.make(api)
        const proxy = yield* LoopbackProxy.make()
        const url = `http://${username}:${password}@${proxy.host}`
        const seen = yield* recording(operations.getUser.call(yield* client(server.url, layer(url))))
        const error = yield* Effect.flip(seen.exit)
        assert.instanceOf(error, TransportError)
        assertNotShown([...shown(error), ...seen.spans, ...seen.logs], password)
        assert.include(
          String(error),
          `cannot reach the API through http://<redacted>@${proxy.host}`,
          "the rest is kept"
        )
      }))
  }
})

describe("proxy settings that are wrong fail the layer with a ConfigError", () => {
  const password = "pr0xy-Pa55word-7f3e"

  /** Builds the transport and answers the ConfigError it fails with. */
  const configError = (layer: Layer.Layer<Transport, ConfigError.ConfigError>, env: Env = {}) =>
    Effect.flip(Effect.withConfigProvider(Layer.build(layer), ConfigProvider.fromMap(new Map(Object.entries(env)))))

  const assertInvalidAt = (error: ConfigError.ConfigError, path: ReadonlyArray<string>, says: string) => {
    if (error._op !== "InvalidData") return assert.fail(`expected InvalidData, got ${error._op}`)
    assert.deepStrictEqual(error.path, path)
    assert.include(error.message, says)
    for (const text of [String(error), json(error), error.message]) assert.notInclude(text, password)
  }

  it.scoped("a url that does not parse, at url, without quoting it", () =>
    Effect.gen(function*() {
      const error = yield* configError(
        UndiciTransport.layerProxy({ url: `http://svc:${password}@proxy.example:port` })
      )
      assertInvalidAt(error, ["url"], "layerProxy's url")
    }))

  it.scoped("a url of another scheme", () =>
    Effect.gen(function*() {
      const error = yield* configError(
        UndiciTransport.layerProxy({ url: Redacted.make(`socks5://svc:${password}@proxy.example:1080`) })
      )
      assertInvalidAt(error, ["url"], "\"socks5:\"")
    }))

  it.scoped("an HTTPS_PROXY that does not parse, naming the variable", () =>
    Effect.gen(function*() {
      const error = yield* configError(UndiciTransport.layerEnvProxy(), {
        HTTPS_PROXY: `http://svc:${password}@[proxy`
      })
      assertInvalidAt(error, ["HTTPS_PROXY"], "HTTPS_PROXY")
    }))

  it.scoped("an httpProxy option that does not parse, naming the option", () =>
    Effect.gen(function*() {
      const error = yield* configError(UndiciTransport.layerEnvProxy({ httpProxy: `svc:${password}` }))
      assertInvalidAt(error, ["httpProxy"], "httpProxy")
    }))

  it.scoped("agent options undici refuses, at agent (a typed error, not a defect)", () =>
    Effect.gen(function*() {
      const error = yield* configError(
        UndiciTransport.layerProxy({ url: `http://svc:${password}@proxy.example:3128`, agent: { maxOrigins: 0 } })
      )
      assertInvalidAt(error, ["agent"], "maxOrigins must be a number greater than 0")
    }))

  it.scoped("credentials given twice", () =>
    Effect.gen(function*() {
      const inUrl = yield* configError(UndiciTransport.layerProxy({
        url: `http://svc:${password}@proxy.example:3128`,
        password: Redacted.make(password)
      }))
      assertInvalidAt(inUrl, ["url"], "give them once")
      const both = yield* configError(UndiciTransport.layerProxy({
        url: "http://proxy.example:3128",
        token: Redacted.make(`Bearer ${password}`),
        password: Redacted.make(password)
      }))
      assertInvalidAt(both, ["token"], "either token or username and password")
    }))
})

describe("the proxy layers' lifetime", () => {
  it.scoped("closing the layer's scope closes its connections to the proxy", () =>
    Effect.gen(function*() {
      // connections kept alive for ten minutes, by both ends: only the layer's finalizer closes them in time
      const server = yield* TestServer.make(api, { keepAliveTimeout: 600_000 })
      const proxy = yield* LoopbackProxy.make()
      const scope = yield* Scope.make()
      const keepAlive = { keepAliveTimeout: 600_000, keepAliveMaxTimeout: 600_000 }
      const layer = UndiciTransport.layerProxy({ url: proxy.url, agent: keepAlive })
      yield* operations.getUser.call(yield* Scope.extend(client(server.url, layer), scope))
      assert.strictEqual(yield* proxy.openConnections, 1, "the tunnel is kept alive")
      yield* Scope.close(scope, Exit.void)
      // real time: the proxy learns of the closed socket through the event loop (wide bound)
      const open = yield* TestServices.provideLive(
        proxy.openConnections.pipe(
          Effect.repeat({ until: (n) => n === 0, schedule: Schedule.spaced("10 millis") }),
          Effect.timeoutTo({ duration: "10 seconds", onTimeout: () => -1, onSuccess: () => 0 })
        )
      )
      assert.strictEqual(open, 0, "the connection to the proxy was closed with the layer")
    }))
})
