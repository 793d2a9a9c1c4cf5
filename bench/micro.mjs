// Client-side cost of one SDK call, without sockets (wall time per call, in µs). The SDK over:
// - an HttpClient that answers a canned response in memory, through HttpClientTransport, against
//   the same HttpClient used bare (get + json); and the same with a chunked (undeclared-length) body;
// - a Transport that answers at once (the engine alone: validation, the call's deadline, statuses,
//   decoding, its span), with its span and without (span: false);
// - FetchTransport over a fetch that answers a canned Response, and UndiciTransport over a
//   Dispatcher that answers canned callbacks on a microtask: each transport's own cost over the engine.
// And two building blocks a call pays for: Effect's timeout race and a span. run.mjs runs it and
// prints the figures.
const Duration = await import("effect/Duration")
const Effect = await import("effect/Effect")
const HttpClient = await import("@effect/platform/HttpClient")
const HttpClientResponse = await import("@effect/platform/HttpClientResponse")
const { IdentityApi, Transport } = await import("@katanemo/client")
const FetchTransport = await import("@katanemo/client/FetchTransport")
const HttpClientTransport = await import("@katanemo/client/HttpClientTransport")
const UndiciTransport = await import("@katanemo/client/UndiciTransport")
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
const bodyBytes = Buffer.from(body)
const headers = { "content-type": "application/json", "content-length": String(bodyBytes.byteLength) }
const canned = (declared) =>
  HttpClient.make((request) =>
    Effect.succeed(HttpClientResponse.fromWeb(
      request,
      new Response(body, { status: 200, headers: declared ? headers : { "content-type": "application/json" } })
    ))
  )
/** A Dispatcher that answers every request with the canned response, on a microtask, as a socket would later. */
const cannedDispatcher = {
  dispatch: (_options, handler) => {
    const controller = { abort: () => {}, pause: () => {}, resume: () => {}, aborted: false, paused: false }
    queueMicrotask(() => {
      handler.onRequestStart?.(controller, {})
      handler.onResponseStart?.(controller, 200, headers, "OK")
      handler.onResponseData?.(controller, bodyBytes)
      handler.onResponseEnd?.(controller, {})
    })
    return true
  }
}
const answered = Effect.succeed({ status: 200, headers, body })
const sdk = (transport, options = {}) =>
  Effect.runPromise(
    IdentityApi.make({ baseUrl: "http://bench", ...options }).pipe(Effect.provideService(Transport, transport))
  )
const declared = canned(true)
const identities = {
  httpClient: await sdk(HttpClientTransport.fromClient(declared)),
  chunked: await sdk(HttpClientTransport.fromClient(canned(false))),
  engine: await sdk({ send: () => answered }),
  engineNoSpan: await sdk({ send: () => answered }, { span: false }),
  fetch: await sdk(FetchTransport.fromFetch(() => Promise.resolve(new Response(body, { status: 200, headers })))),
  undici: await sdk(UndiciTransport.fromDispatcher(cannedDispatcher))
}
const accountId = AccountId.make("acme")
const userId = UserId.make("ada@acme.example")
const getUser = (identity) => () => identity.getUser({ accountId, userId })
const work = Effect.promise(() => Promise.resolve(1))

const calls = {
  bare: () => Effect.flatMap(declared.get("http://bench/org/acme/user/ada"), (response) => response.json),
  sdk: getUser(identities.httpClient),
  sdkChunked: getUser(identities.chunked),
  engine: getUser(identities.engine),
  engineNoSpan: getUser(identities.engineNoSpan),
  fetchTransport: getUser(identities.fetch),
  undiciTransport: getUser(identities.undici),
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
  // the SDK over HttpClientTransport and the in-memory HttpClient
  sdkUs: us.sdk,
  sdkOverheadUs: us.sdk - us.bare,
  chunkedExtraUs: us.sdkChunked - us.sdk,
  engineUs: us.engine,
  engineNoSpanUs: us.engineNoSpan,
  fetchTransportUs: us.fetchTransport,
  undiciTransportUs: us.undiciTransport,
  timeoutUs: us.promiseWithTimeout - us.promise,
  spanUs: us.promiseWithSpan - us.promise
}))
