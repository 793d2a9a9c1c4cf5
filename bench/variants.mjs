// The clients under test. Each variant makes a runner over the four calls the scenarios need:
// `first` (one call), `sequential` (timed one by one) and `concurrent` (many in flight). The SDK
// variants run their loops in Effect, as an Effect program would; the others in async functions.
const account = "acme"
const ada = "ada@acme.example"
const userPath = `/org/${account}/user/${encodeURIComponent(ada)}`

/** Raw fetch + JSON.parse: the reference. */
const rawFetch = async (baseUrl) => {
  const json = async (response) => JSON.parse(await response.text())
  return {
    getUser: () => fetch(baseUrl + userPath).then(json),
    listUsers: () => fetch(`${baseUrl}/org/${account}/user`).then(json),
    createKey: () =>
      fetch(`${baseUrl}/org/${account}/keys`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ defaultRoleId: "admin", clientName: "ci-bot" })
      }).then(json),
    conflict: () =>
      fetch(`${baseUrl}/org/${account}/user`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ accountId: account, userId: ada })
      }).then(async (response) => ({ status: response.status, body: await json(response) }))
  }
}

/** Raw undici.request + JSON.parse: the floor. */
const rawUndici = async (baseUrl) => {
  const { Agent, request } = await import("undici")
  const dispatcher = new Agent({ connections: 64 })
  const json = async ({ body, statusCode }) => ({ status: statusCode, body: JSON.parse(await body.text()) })
  return {
    getUser: () => request(baseUrl + userPath, { dispatcher }).then(json),
    listUsers: () => request(`${baseUrl}/org/${account}/user`, { dispatcher }).then(json),
    createKey: () =>
      request(`${baseUrl}/org/${account}/keys`, {
        dispatcher,
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ defaultRoleId: "admin", clientName: "ci-bot" })
      }).then(json),
    conflict: () =>
      request(`${baseUrl}/org/${account}/user`, {
        dispatcher,
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ accountId: account, userId: ada })
      }).then(json)
  }
}

/** openapi-fetch, without validation. */
const openapiFetch = async (baseUrl) => {
  const { default: createClient } = await import("openapi-fetch")
  const client = createClient({ baseUrl })
  return {
    getUser: () =>
      client.GET("/org/{accountId}/user/{userId}", { params: { path: { accountId: account, userId: ada } } }),
    listUsers: () => client.GET("/org/{accountId}/user", { params: { path: { accountId: account } } }),
    createKey: () =>
      client.POST("/org/{accountId}/keys", {
        params: { path: { accountId: account } },
        body: { defaultRoleId: "admin", clientName: "ci-bot" }
      }),
    conflict: () =>
      client.POST("/org/{accountId}/user", {
        params: { path: { accountId: account } },
        body: { accountId: account, userId: ada }
      })
  }
}

/** The SDK over one of the HttpClient layers a Node user might pick; its loops run in Effect. */
const sdk = (layerName) => async (baseUrl) => {
  const [{ IdentityApi }, { AccountId, UserId }, Effect, Layer, ManagedRuntime] = await Promise.all([
    import("@katanemo/client"),
    import("@katanemo/models"),
    import("effect/Effect"),
    import("effect/Layer"),
    import("effect/ManagedRuntime")
  ])
  const NodeHttpClient = layerName === "fetch" ? undefined : await import("@effect/platform-node/NodeHttpClient")
  const http = NodeHttpClient === undefined
    ? (await import("@effect/platform/FetchHttpClient")).layer
    : layerName === "undici"
    ? NodeHttpClient.layerUndici
    : NodeHttpClient.layer
  const runtime = ManagedRuntime.make(IdentityApi.layer({ baseUrl }).pipe(Layer.provide(http)))
  const identity = await runtime.runPromise(IdentityApi)
  const accountId = AccountId.make(account)
  const userId = UserId.make(ada)
  const calls = {
    getUser: () => identity.getUser({ accountId, userId }),
    listUsers: () => identity.getUsersForAccount({ accountId }),
    createKey: () => identity.createClientKey({ accountId, clientName: "ci-bot", defaultRoleId: "admin" }),
    conflict: () => Effect.either(identity.createUserForAccount({ accountId, userId }))
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
  "sdk + FetchHttpClient": sdk("fetch"),
  "sdk + NodeHttpClient.layer": sdk("node"),
  "sdk + NodeHttpClient.layerUndici": sdk("undici")
}
