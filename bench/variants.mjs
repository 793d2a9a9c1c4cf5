// The clients under test. Each variant makes a runner over the four calls the scenarios need:
// `first` (one call), `sequential` (timed one by one) and `concurrent` (many in flight). The SDK
// variants (the SDK over each of its transports) run their loops in Effect, as an Effect program
// would; the others in async functions.
// Every call checks that it got the answer it expects (the status; the SDK's typed result), so a
// wrong route or a server error stops the run instead of being benchmarked.
const account = "acme"
const ada = "ada@acme.example"
const userPath = `/org/${account}/user/${encodeURIComponent(ada)}`

/**
 * Every variant checks the status of every answer: a wrong route would otherwise bench a 404. A
 * mismatch throws, so the variant's process fails and the run stops with the message.
 */
const expectStatus = (call, expected, actual) => {
  if (actual !== expected) throw new Error(`${call}: expected HTTP ${expected}, got ${actual}`)
}

/** Raw fetch + JSON.parse: the reference. */
const rawFetch = async (baseUrl) => {
  const json = (call, status) => async (response) => {
    expectStatus(call, status, response.status)
    return JSON.parse(await response.text())
  }
  return {
    getUser: () => fetch(baseUrl + userPath).then(json("getUser", 200)),
    listUsers: () => fetch(`${baseUrl}/org/${account}/user`).then(json("listUsers", 200)),
    createKey: () =>
      fetch(`${baseUrl}/org/${account}/keys`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ defaultRoleId: "admin", clientName: "ci-bot" })
      }).then(json("createKey", 200)),
    conflict: () =>
      fetch(`${baseUrl}/org/${account}/user`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ accountId: account, userId: ada })
      }).then(json("conflict", 409))
  }
}

/** Raw undici.request + JSON.parse: the floor. */
const rawUndici = async (baseUrl) => {
  const { Agent, request } = await import("undici")
  const dispatcher = new Agent({ connections: 64 })
  const json = (call, status) => async ({ body, statusCode }) => {
    if (statusCode !== status) await body.dump()
    expectStatus(call, status, statusCode)
    return JSON.parse(await body.text())
  }
  return {
    getUser: () => request(baseUrl + userPath, { dispatcher }).then(json("getUser", 200)),
    listUsers: () => request(`${baseUrl}/org/${account}/user`, { dispatcher }).then(json("listUsers", 200)),
    createKey: () =>
      request(`${baseUrl}/org/${account}/keys`, {
        dispatcher,
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ defaultRoleId: "admin", clientName: "ci-bot" })
      }).then(json("createKey", 200)),
    conflict: () =>
      request(`${baseUrl}/org/${account}/user`, {
        dispatcher,
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ accountId: account, userId: ada })
      }).then(json("conflict", 409))
  }
}

/** openapi-fetch, without validation. */
const openapiFetch = async (baseUrl) => {
  const { default: createClient } = await import("openapi-fetch")
  const client = createClient({ baseUrl })
  const checked = (call, status) => (result) => {
    expectStatus(call, status, result.response.status)
    return result
  }
  return {
    getUser: () =>
      client.GET("/org/{accountId}/user/{userId}", { params: { path: { accountId: account, userId: ada } } })
        .then(checked("getUser", 200)),
    listUsers: () =>
      client.GET("/org/{accountId}/user", { params: { path: { accountId: account } } }).then(checked("listUsers", 200)),
    createKey: () =>
      client.POST("/org/{accountId}/keys", {
        params: { path: { accountId: account } },
        body: { defaultRoleId: "admin", clientName: "ci-bot" }
      }).then(checked("createKey", 200)),
    conflict: () =>
      client.POST("/org/{accountId}/user", {
        params: { path: { accountId: account } },
        body: { accountId: account, userId: ada }
      }).then(checked("conflict", 409))
  }
}

// The transport layers of the SDK variants: each is imported only in the variant's own process.
const undiciTransport = async () => (await import("@katanemo/client/UndiciTransport")).layer()
const fetchTransport = async () => (await import("@katanemo/client/FetchTransport")).layer()
/** `HttpClientTransport` over an `HttpClient` layer. */
const httpClientTransport = (http) => async () => {
  const [HttpClientTransport, Layer] = await Promise.all([
    import("@katanemo/client/HttpClientTransport"),
    import("effect/Layer")
  ])
  return HttpClientTransport.layer().pipe(Layer.provide(await http()))
}
const fetchHttpClient = async () => (await import("@effect/platform/FetchHttpClient")).layer
const layerUndici = async () => (await import("@effect/platform-node/NodeHttpClient")).layerUndici
// NodeHttpClient.layer's own http.Agent does not keep connections alive (a new connection per
// call); the others do. So it runs here over an Agent with keepAlive, as a user who cares for
// speed would configure it, and every run records how many connections it opened.
const nodeHttpKeepAlive = async () => {
  const [NodeHttpClient, Layer] = await Promise.all([
    import("@effect/platform-node/NodeHttpClient"),
    import("effect/Layer")
  ])
  return NodeHttpClient.layerWithoutAgent.pipe(Layer.provide(NodeHttpClient.makeAgentLayer({ keepAlive: true })))
}

/**
 * The SDK over a transport layer, with its default options (its span on) unless `options` says
 * otherwise; its loops run in Effect.
 */
const sdk = (transport, options = {}) => async (baseUrl) => {
  const [{ IdentityApi }, { AccountId, UserId }, Effect, Layer, ManagedRuntime] = await Promise.all([
    import("@katanemo/client"),
    import("@katanemo/models"),
    import("effect/Effect"),
    import("effect/Layer"),
    import("effect/ManagedRuntime")
  ])
  const runtime = ManagedRuntime.make(IdentityApi.layer({ baseUrl, ...options }).pipe(Layer.provide(await transport())))
  const identity = await runtime.runPromise(IdentityApi)
  const accountId = AccountId.make(account)
  const userId = UserId.make(ada)
  const calls = {
    getUser: () => identity.getUser({ accountId, userId }),
    listUsers: () => identity.getUsersForAccount({ accountId }),
    createKey: () => identity.createClientKey({ accountId, clientName: "ci-bot", defaultRoleId: "admin" }),
    // the error path must end in the 409's typed error, not in any error (a 404 would do otherwise)
    conflict: () =>
      Effect.matchEffect(identity.createUserForAccount({ accountId, userId }), {
        onFailure: (error) =>
          error._tag === "ConflictException"
            ? Effect.void
            : Effect.dieMessage(`conflict: expected ConflictException (HTTP 409), got ${error._tag}: ${error.message}`),
        onSuccess: () => Effect.dieMessage("conflict: expected HTTP 409, got a success")
      })
  }
  return {
    first: (name) => runtime.runPromise(calls[name]()),
    /** Times `n` sequential calls, one sample (ms) per call. */
    sequential: (name, n) =>
      runtime.runPromise(
        Effect.sync(() => new Float64Array(n)).pipe(
          Effect.tap((samples) =>
            Effect.forEach(
              samples,
              (_, i) => {
                const start = performance.now()
                return Effect.map(calls[name](), () => (samples[i] = performance.now() - start))
              },
              { discard: true }
            )
          )
        )
      ),
    /** `total` calls with `concurrency` in flight. */
    concurrent: (name, total, concurrency) =>
      runtime.runPromise(
        Effect.forEach(Array.from({ length: total }), () => calls[name](), { concurrency, discard: true })
      ),
    close: () => runtime.dispose()
  }
}

/** Sequential and concurrent loops for the promise-based clients. */
const promised = (make) => async (baseUrl) => {
  const calls = await make(baseUrl)
  return {
    first: (name) => calls[name](),
    sequential: async (name, n) => {
      const samples = new Float64Array(n)
      for (let i = 0; i < n; i++) {
        const start = performance.now()
        await calls[name]()
        samples[i] = performance.now() - start
      }
      return samples
    },
    concurrent: async (name, total, concurrency) => {
      let next = 0
      const worker = async () => {
        while (next++ < total) await calls[name]()
      }
      await Promise.all(Array.from({ length: concurrency }, worker))
    },
    close: async () => {}
  }
}

export const variants = {
  "raw fetch (reference)": promised(rawFetch),
  "raw undici (floor)": promised(rawUndici),
  "openapi-fetch": promised(openapiFetch),
  "sdk + UndiciTransport": sdk(undiciTransport),
  "sdk + FetchTransport": sdk(fetchTransport),
  "sdk + HttpClient(layerUndici)": sdk(httpClientTransport(layerUndici)),
  "sdk + HttpClient(FetchHttpClient)": sdk(httpClientTransport(fetchHttpClient)),
  "sdk + HttpClient(NodeHttpClient.layer)": sdk(httpClientTransport(nodeHttpKeepAlive)),
  // "sdk + UndiciTransport" with the SDK's span off: the difference between the two is the span's cost
  "sdk + UndiciTransport, span off": sdk(undiciTransport, { span: false })
}
