// Client-side cost of one SDK call, without sockets (wall time per call, in µs). The SDK over:
// - an HttpClient that answers a canned response in memory, through HttpClientTransport, against
//   the same HttpClient used bare (get + json); and the same with a chunked (undeclared-length) body;
// - a Transport that answers at once (the engine alone: validation, the call's deadline, statuses,
//   decoding, its span), with its span and without (span: false);
// - FetchTransport over a fetch that answers a canned Response, and UndiciTransport over a
//   Dispatcher that answers canned callbacks on a microtask: each transport's own cost over the engine.
// And two building blocks a call pays for: Effect's timeout race and a span. run.mjs runs it and
// prints the figures.
// Request logs (one Debug line per attempt): the engine alone at Info (the default) against the
// same engine with the log call compiled out (both bundled by esbuild, effect left outside, so
// the two differ only in internal/log.js), against a naive log call (an annotated
// `Effect.logDebug` and two clock reads on every attempt, filtered by level only in the logger),
// and the engine at Debug with a logger that drops the lines.
const Duration = await import("effect/Duration")
const Effect = await import("effect/Effect")
const FiberRef = await import("effect/FiberRef")
const HashSet = await import("effect/HashSet")
const Logger = await import("effect/Logger")
const LogLevel = await import("effect/LogLevel")
const esbuild = await import("esbuild")
const fs = await import("node:fs")
const path = await import("node:path")
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
/**
 * `@katanemo/client` bundled with its `internal/log.js` replaced by `log` (or as it is, without),
 * effect and the models outside: a build of the engine with the per-attempt log call changed.
 */
const bundled = async (name, log) => {
  // inside the bench's node_modules, so that the bundle imports the bench's effect and models
  const dir = fs.mkdtempSync(path.join(import.meta.dirname, "node_modules", ".micro-"))
  const outfile = path.join(dir, `${name}.mjs`)
  await esbuild.build({
    // the client, and its logAttempt (internal, as its engine imports it), for the building block
    stdin: {
      contents: "export * from \"@katanemo/client\"\nexport { logAttempt } from \"katanemo-log\"",
      resolveDir: import.meta.dirname
    },
    bundle: true,
    format: "esm",
    platform: "node",
    packages: "external",
    // the client's own files bundled, everything else imported as usual
    plugins: [{
      name: "client",
      setup: (build) => {
        build.onResolve({ filter: /^@katanemo\/client$/ }, () => ({
          path: path.join(import.meta.dirname, "node_modules/@katanemo/client/dist/index.js")
        }))
        const dist = path.join(import.meta.dirname, "node_modules/@katanemo/client/dist/internal/log.js")
        if (log === undefined) {
          build.onResolve({ filter: /^katanemo-log$/ }, () => ({ path: dist }))
          return
        }
        build.onResolve({ filter: /^(\.\/log\.js|katanemo-log)$/ }, () => ({ path: "log", namespace: "log" }))
        build.onLoad({ filter: /.*/, namespace: "log" }, () => ({ contents: log, resolveDir: import.meta.dirname }))
      }
    }],
    outfile,
    logLevel: "error"
  })
  const client = await import(outfile)
  fs.rmSync(dir, { recursive: true, force: true })
  return client
}
const logBuilds = {
  logged: await bundled("logged", undefined),
  // the log call compiled out: the attempt as it is
  noLog: await bundled("no-log", "export const logAttempt = (_call, _next, _scrub, attempt) => attempt"),
  // what the obvious code costs: an annotated Effect.logDebug and two clock reads on every attempt
  naive: await bundled(
    "naive",
    `import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
export const logAttempt = (call, next, _scrub, attempt) =>
  Effect.suspend(() => {
    const number = next()
    return Effect.flatMap(Clock.currentTimeMillis, (start) =>
      Effect.onExit(attempt, () =>
        Effect.flatMap(Clock.currentTimeMillis, (end) =>
          Effect.annotateLogs(Effect.logDebug("Katanemo API attempt"), {
            "katanemo.operation": call.operation,
            "http.request.method": call.method,
            "url.path": call.path,
            "katanemo.attempt": number,
            "katanemo.duration_ms": end - start
          }))))
  })`
  )
}
const bundledEngine = async ({ IdentityApi, Transport }) =>
  Effect.runPromise(
    IdentityApi.make({ baseUrl: "http://bench" }).pipe(Effect.provideService(Transport, { send: () => answered }))
  )
identities.engineLogged = await bundledEngine(logBuilds.logged)
identities.engineNoLog = await bundledEngine(logBuilds.noLog)
identities.engineNaiveLog = await bundledEngine(logBuilds.naive)
/** At Debug, with no logger: the line is built and handed to none. */
const atDebugDropped = (effect) =>
  effect.pipe(Effect.locally(FiberRef.currentLoggers, HashSet.empty()), Logger.withMinimumLogLevel(LogLevel.Debug))

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
// MICRO_ONLY=logs: only the request logs' figures (the others print as null)
for (const [name, call] of process.env["MICRO_ONLY"] === "logs" ? [] : Object.entries(calls)) {
  await Effect.runPromise(loop(call, warmup))
  const rounds = []
  for (let r = 0; r < 7; r++) {
    const start = performance.now()
    await Effect.runPromise(loop(call, n))
    rounds.push(((performance.now() - start) / n) * 1000)
  }
  us[name] = rounds.sort((a, b) => a - b)[3]
}
// Request logs, interleaved: each round times every build in turn, so that drift (other
// processes, the JIT) falls on all alike; a difference is the median of the rounds' differences.
// Timed in CPU time (the process's user + system), which other processes on a busy machine
// disturb far less than wall time.
const logRuns = {
  logged: (n) => loop(getUser(identities.engineLogged), n),
  noLog: (n) => loop(getUser(identities.engineNoLog), n),
  naive: (n) => loop(getUser(identities.engineNaiveLog), n),
  debugDropped: (n) => atDebugDropped(loop(getUser(identities.engineLogged), n))
}
/**
 * 15 interleaved rounds of `runs` (each warmed up once with `warmupCount`): every round times each
 * run of `count` in turn, in CPU time per operation, µs. By name, the rounds' figures.
 */
const cpuRounds = async (runs, warmupCount, count) => {
  const rounds = Object.fromEntries(Object.keys(runs).map((name) => [name, []]))
  for (const run of Object.values(runs)) await Effect.runPromise(run(warmupCount))
  for (let r = 0; r < 15; r++) {
    for (const [name, run] of Object.entries(runs)) {
      const start = process.cpuUsage()
      await Effect.runPromise(run(count))
      const { system, user } = process.cpuUsage(start)
      rounds[name].push((user + system) / count)
    }
  }
  return rounds
}
const logRounds = await cpuRounds(logRuns, warmup, n)
// The same, as a building block: one attempt that answers at once, alone and through each build's
// logAttempt, 100,000 times a round (at Info, the default).
const call = { operation: "getUser", method: "GET", path: "/org/acme/user/ada%40acme.example" }
const attemptNow = Effect.succeed({ status: 200, headers, body, requestId: "req-1" })
const attempts = (wrap) => (count) => {
  let i = 0
  return Effect.repeatN(wrap(attemptNow, () => ++i), count - 1)
}
const blockRuns = {
  alone: attempts((attempt) => attempt),
  logged: attempts((attempt, next) => logBuilds.logged.logAttempt(call, next, (text) => text, attempt)),
  naive: attempts((attempt, next) => logBuilds.naive.logAttempt(call, next, (text) => text, attempt))
}
const blockCount = 100_000
// in ns per attempt
const blockRounds = Object.fromEntries(
  Object.entries(await cpuRounds(blockRuns, blockCount, blockCount)).map(([name, rounds]) => [
    name,
    rounds.map((us) => us * 1000)
  ])
)

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const logUs = (name) => median(logRounds[name])
const logExtraUs = (name) => median(logRounds[name].map((us, r) => us - logRounds.noLog[r]))
const blockExtraNs = (name) => median(blockRounds[name].map((ns, r) => ns - blockRounds.alone[r]))

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
  // request logs: the engine (bundled) at Info with its log call, without it, with a naive one;
  // and with its log call at Debug, the lines dropped
  engineLoggedUs: logUs("logged"),
  engineNoLogUs: logUs("noLog"),
  logBelowLevelUs: logExtraUs("logged"),
  naiveLogBelowLevelUs: logExtraUs("naive"),
  logAtDebugUs: logExtraUs("debugDropped"),
  // the building block, in ns per attempt: an attempt alone, and what each logAttempt adds to it
  attemptAloneNs: median(blockRounds.alone),
  logAttemptBelowLevelNs: blockExtraNs("logged"),
  naiveLogAttemptBelowLevelNs: blockExtraNs("naive"),
  timeoutUs: us.promiseWithTimeout - us.promise,
  spanUs: us.promiseWithSpan - us.promise
}))
