// Client-side cost of one SDK call, without sockets: the SDK over an HttpClient that answers a
// canned response in memory, against the same HttpClient used bare (get + json). run.mjs runs it.
const Effect = await import("effect/Effect")
const HttpClient = await import("@effect/platform/HttpClient")
const HttpClientResponse = await import("@effect/platform/HttpClientResponse")
const { IdentityApi } = await import("@katanemo/client")
const { AccountId, UserId } = await import("@katanemo/models")

const body = JSON.stringify({
  accountId: "acme",
  serviceId: "svc",
  userId: "ada@acme.example",
  isAdmin: false,
  isActive: true,
  token: "tok",
  tags: { team: ["a"] },
  roles: ["dev"]
})
const canned = HttpClient.make((request) =>
  Effect.succeed(
    HttpClientResponse.fromWeb(
      request,
      new Response(body, {
        status: 200,
        headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) }
      })
    )
  )
)
const identity = await Effect.runPromise(
  IdentityApi.make({ baseUrl: "http://bench" }).pipe(Effect.provideService(HttpClient.HttpClient, canned))
)
const accountId = AccountId.make("acme")
const userId = UserId.make("ada@acme.example")
const calls = {
  bare: () => Effect.flatMap(canned.get("http://bench/org/acme/user/ada"), (response) => response.json),
  sdk: () => identity.getUser({ accountId, userId })
}
const loop = (call, n) => Effect.forEach(Array.from({ length: n }), call, { discard: true })
const result = {}
for (const [name, call] of Object.entries(calls)) {
  await Effect.runPromise(loop(call, 3000))
  const rounds = []
  for (let r = 0; r < 7; r++) {
    const start = performance.now()
    await Effect.runPromise(loop(call, 5000))
    rounds.push(((performance.now() - start) / 5000) * 1000)
  }
  result[name] = rounds.sort((a, b) => a - b)[3]
}
console.log(JSON.stringify({ bareUs: result.bare, sdkUs: result.sdk, sdkOverheadUs: result.sdk - result.bare }))
