// Client-side cost of one SDK call, without sockets (wall time per call, in µs): the SDK over an
// HttpClient that answers a canned response in memory, against the same HttpClient used bare
// (get + json); the same SDK call with a chunked (undeclared-length) body; and two building blocks
// the call pays for, Effect's timeout race and a span. run.mjs runs it and prints the figures.
const Duration = await import("effect/Duration")
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
const canned = (declared) =>
  HttpClient.make((request) =>
    Effect.succeed(HttpClientResponse.fromWeb(
      request,
      new Response(body, {
        status: 200,
        headers: declared
          ? { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) }
          : { "content-type": "application/json" }
      })
    ))
  )
const sdk = async (http) =>
  Effect.runPromise(
    IdentityApi.make({ baseUrl: "http://bench" }).pipe(Effect.provideService(HttpClient.HttpClient, http))
  )
const declared = canned(true)
const [identity, chunkedIdentity] = await Promise.all([sdk(declared), sdk(canned(false))])
const accountId = AccountId.make("acme")
const userId = UserId.make("ada@acme.example")
const work = Effect.promise(() => Promise.resolve(1))

const calls = {
  bare: () => Effect.flatMap(declared.get("http://bench/org/acme/user/ada"), (response) => response.json),
  sdk: () => identity.getUser({ accountId, userId }),
  sdkChunked: () => chunkedIdentity.getUser({ accountId, userId }),
  promise: () => work,
  promiseWithTimeout: () => Effect.timeoutFail(work, { duration: Duration.seconds(30), onTimeout: () => "timeout" }),
  promiseWithSpan: () => Effect.withSpan(work, "span", { captureStackTrace: false })
}
const loop = (call, n) => Effect.forEach(Array.from({ length: n }), call, { discard: true })
// BENCH_QUICK=1 (a smoke test of the bench, not a measurement): ten times fewer calls
const [warmup, n] = process.env["BENCH_QUICK"] === "1" ? [300, 500] : [3000, 5000]
const us = {}
for (const [name, call] of Object.entries(calls)) {
  await Effect.runPromise(loop(call, warmup))
  const rounds = []
  for (let r = 0; r < 7; r++) {
    const start = performance.now()
    await Effect.runPromise(loop(call, n))
    rounds.push(((performance.now() - start) / n) * 1000)
  }
  us[name] = rounds.sort((a, b) => a - b)[3]
}
console.log(JSON.stringify({
  bareUs: us.bare,
  sdkUs: us.sdk,
  sdkOverheadUs: us.sdk - us.bare,
  chunkedExtraUs: us.sdkChunked - us.sdk,
  timeoutUs: us.promiseWithTimeout - us.promise,
  spanUs: us.promiseWithSpan - us.promise
}))
