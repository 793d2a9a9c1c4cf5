/**
 * Secrets never show, over every transport. Every operation, succeeding and failing, runs through
 * the live client (on the TestClock) with the token set, under the recorder of
 * `katanemo-testkit/Recorder`: every log line at every level (message, cause, annotations, log
 * spans) and every span (name, attributes, events, links, status) is rendered in full, and so is
 * each call's outcome (String, JSON, inspect, Effect's format, an error's message, a failure's
 * pretty cause). None of them may hold the client's token, a rejected token, a user's token, a
 * client secret (a created key's, or one sent to the token exchange, right or wrong) or a token
 * the exchange issued; nor may the store's call records.
 *
 * The audit runs once per way to the store: `HttpClientTransport` over the wire-level fake, and
 * `UndiciTransport`, `FetchTransport` and `HttpClientTransport` over Node's `HttpClient` against
 * a server on a real socket; `HttpClientTransport` also with its own span on (`tracing: true`),
 * which records every request and response header (and so must never run for a request with a
 * token: a failed request's span records the request, Authorization in clear).
 *
 * The failure paths include what the store does not do on its own, played on the wire by the
 * hostile wire of `./hostile.ts`: a transport error, a request that never answers (the attempt
 * times out), a success body that does not decode and holds the secrets, an unexpected status
 * whose body and headers echo the request's Authorization header, and a 401 that echoes it too.
 *
 * Positive controls keep the audit honest: the user's token does reach the client (decoded to a
 * `Redacted`, and in clear in a raw body), the hostile wire echoes it in a header, the secrets are
 * in the hostile bodies, each failure path ends in the error it is meant to, and with
 * `tracing: true` the `HttpClient`'s span does run, for the one call without a token (without
 * it, no such span at all).
 */
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { IdentityApi, type Transport } from "@katanemo/client"
import * as HttpClientTransport from "@katanemo/client/HttpClientTransport"
import { AccountId, InternalServerErrorException, KeyId, TooManyRequestsException, UserId } from "@katanemo/models"
import { IdentityHttpFake, IdentityStore } from "@katanemo/testing"
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as TestClock from "effect/TestClock"
import * as TestServices from "effect/TestServices"
import { recording } from "katanemo-testkit/Recorder"
import { inspect } from "node:util"
import { type Hostile, makeHostile, respond, serverLayer, type Trick, tricked } from "./hostile.js"
import { baseUrl as serverUrl, transports } from "./targets.js"

const token = "tok_SECRET_never_shown_42"
const rejected = "tok_REJECTED_never_shown_77"
const graceToken = "utok_GRACE_never_shown_13"
const baseUrl = "http://katanemo.test"
const acme = AccountId.make("acme")
const ada = UserId.make("ada@acme.example")
const grace = UserId.make("grace@acme.example")

/** Every way a value may be shown. */
const renderings = (value: unknown): ReadonlyArray<string> => [
  String(value),
  JSON.stringify(value) ?? "",
  inspect(value, { depth: 8 }),
  Inspectable.format(value),
  value instanceof Error ? value.message : "",
  Exit.isExit(value) && Exit.isFailure(value) ? Cause.pretty(value.cause, { renderErrorCause: true }) : ""
]

/** A call's outcome: "Success", or its failure's tag (a defect in full). */
const outcome = <A, E>(exit: Exit.Exit<A, E>): string => {
  if (Exit.isSuccess(exit)) return "Success"
  const failure = Cause.failureOption(exit.cause)
  return Option.isSome(failure) && Predicate.hasProperty(failure.value, "_tag")
    ? String(failure.value._tag)
    : Cause.pretty(exit.cause)
}

/** A second client, whose token the store does not accept. */
class Intruder extends Context.Tag("Intruder")<Intruder, IdentityApi.Service>() {}

/** A client with no token at all. */
class Anonymous extends Context.Tag("Anonymous")<Anonymous, IdentityApi.Service>() {}

const attemptTimeoutMillis = 10_000

/** The live client with the token, the intruder and an anonymous client, to `url`, over the transport in context. */
const clients = (url: string) =>
  Layer.mergeAll(
    IdentityApi.layer({
      baseUrl: url,
      token: Redacted.make(token),
      retrySchedule: Schedule.recurs(2),
      timeout: `${attemptTimeoutMillis} millis`
    }),
    Layer.effect(Intruder, IdentityApi.make({ baseUrl: url, token: Redacted.make(rejected), maxRetries: 0 })),
    Layer.effect(Anonymous, IdentityApi.make({ baseUrl: url, maxRetries: 0 }))
  )

const store = Layer.orDie(IdentityStore.layer({
  validTokens: [token],
  seed: { accounts: [{ accountId: "acme", users: [{ userId: grace, token: graceToken, roles: ["dev"] }] }] }
}))

/** One way from the client to the store: the clients over a transport, the store behind, the tricks played between. */
interface Way {
  readonly name: string
  /** Whether the `HttpClient`'s own span is on. */
  readonly tracing: boolean
  readonly layer: (hostile: Hostile) => Layer.Layer<IdentityApi | Intruder | Anonymous | IdentityStore>
}

/**
 * `HttpClientTransport` over the wire-level fake, the tricks played by an `HttpClient` in front of
 * it. (Its own span, were it on, would not see the tricks, played outside it: the socket plays
 * them for `tracing: true`.)
 */
const overFake: Way = {
  name: "HttpClientTransport over the wire-level fake",
  tracing: false,
  layer: (hostile) =>
    clients(baseUrl).pipe(
      Layer.provide(HttpClientTransport.layer({ transformClient: tricked(hostile) })),
      // the test moves the clock itself, when it knows a request hangs
      Layer.provide(IdentityHttpFake.layer({ advanceTestClock: false })),
      Layer.provideMerge(store),
      Layer.orDie
    )
}

/** A transport against a server on a real socket, the tricks played by the server. */
const overSocket = (name: string, tracing: boolean, transport: Layer.Layer<Transport>): Way => ({
  name: `${name} on a socket`,
  tracing,
  layer: (hostile) =>
    Layer.unwrapEffect(Effect.map(serverUrl, clients)).pipe(
      Layer.provide(transport),
      Layer.provide(serverLayer(hostile)),
      Layer.provideMerge(store),
      Layer.orDie
    )
})

const ways: ReadonlyArray<Way> = [
  overFake,
  ...transports.map(([name, transport]) => overSocket(name, false, transport)),
  overSocket(
    "HttpClientTransport (tracing: true) over NodeHttpClient.layerUndici",
    true,
    HttpClientTransport.layer({ tracing: true }).pipe(Layer.provide(NodeHttpClient.layerUndici))
  )
]

/**
 * Waits (in real time) until `hostile` has left `count` requests hanging and the last one's attempt
 * timer is pending on the TestClock, then moves the clock past it: the attempt times out.
 */
const timeOutHanging = (hostile: Hostile, count: number) =>
  Effect.gen(function*() {
    for (let hung = 1; hung <= count; hung++) {
      const until = (yield* TestClock.currentTimeMillis) + attemptTimeoutMillis
      while (hostile.hung < hung || !Chunk.some(yield* TestClock.sleeps(), (at) => at === until)) {
        yield* TestServices.provideLive(Effect.sleep("2 millis"))
      }
      yield* TestClock.adjust(`${attemptTimeoutMillis} millis`)
    }
  })

for (const way of ways) {
  describe(`secrets across every operation, over ${way.name}`, () => {
    it.effect("never show in logs, spans, results or errors, on success and every failure path", () => {
      const hostile = makeHostile()
      const tricks: Array<Trick> = hostile.tricks
      return Effect.gen(function*() {
        /** Every text shown, with where it was shown: "log", "span" or "result". */
        const texts: Array<readonly [string, string]> = []
        const secrets: Array<string> = [token, rejected, graceToken]
        /** Runs a call under the recorder; keeps what it showed (its result too, unless `raw`). */
        const run = <A, E>(effect: Effect.Effect<A, E>, options: { readonly raw?: boolean } = {}) =>
          Effect.map(recording(effect), (seen) => {
            texts.push(
              ...seen.logs.map((text) => ["log", text] as const),
              ...seen.spans.map((text) => ["span", text] as const)
            )
            if (options.raw !== true) texts.push(...renderings(seen.exit).map((text) => ["result", text] as const))
            // a trick left over would play on the next call: each step uses up what it set
            assert.deepStrictEqual(tricks, [], "every trick was played")
            return seen.exit
          })
        const identity = yield* IdentityApi
        const store = yield* IdentityStore

        // every operation, succeeding
        const created: Array<{ readonly clientId: string; readonly clientSecret: Redacted.Redacted<string> }> = []
        for (const name of ["ci-bot", "deployer"]) {
          const exit = yield* run(
            identity.createClientKey({ accountId: acme, clientName: name, defaultRoleId: "admin" })
          )
          if (Exit.isSuccess(exit) && exit.value.clientSecret !== undefined && exit.value.clientId !== undefined) {
            secrets.push(Redacted.value(exit.value.clientSecret))
            created.push({ clientId: exit.value.clientId, clientSecret: exit.value.clientSecret })
          }
        }
        assert.lengthOf(secrets, 5, "two secrets were created")
        // the token exchange with the second key (the first is deleted below): the secret goes out, a
        // token comes back (a positive control: it works as a bearer token), and neither shows
        const [, deployer = assert.fail("no second key")] = created
        const exchanged = yield* run(identity.getShortTermToken(deployer))
        const issued = Exit.isSuccess(exchanged)
          ? Redacted.value(exchanged.value.accessToken)
          : assert.fail(`the exchange failed: ${outcome(exchanged)}`)
        secrets.push(issued)
        const bearer = { headers: { authorization: `Bearer ${issued}` } }
        const anonymous = yield* Anonymous
        assert.strictEqual(outcome(yield* run(anonymous.getClientKeyList({ accountId: acme }, bearer))), "Success")
        const [key] = yield* store.keys("acme")
        const keyId = KeyId.make(key?.clientKeyId ?? "")
        yield* run(identity.getClientKeyList({ accountId: acme }))
        yield* run(identity.getClientKey({ accountId: acme, keyId }))
        yield* run(identity.createUserForAccount({ accountId: acme, userId: ada, roles: ["dev"] }))
        yield* run(identity.getUsersForAccount({ accountId: acme }))
        yield* run(identity.getUser({ accountId: acme, userId: ada }))
        yield* run(identity.updateUser({ accountId: acme, userId: ada, roles: ["admin"] }))
        yield* run(identity.deleteClientKey({ accountId: acme, keyId }))

        // a user with a token: it reaches the client (a positive control), and never shows
        const got = yield* run(identity.getUser({ accountId: acme, userId: grace }))
        const listed = yield* run(identity.getUsersForAccount({ accountId: acme }))
        const updated = yield* run(identity.updateUser({ accountId: acme, userId: grace, roles: ["admin"] }))
        for (const exit of [got, updated]) {
          const user = Exit.isSuccess(exit) ? exit.value : assert.fail(`the user call failed: ${outcome(exit)}`)
          assert.strictEqual(user.token === undefined ? "none" : Redacted.value(user.token), graceToken)
        }
        assert.isTrue(
          Exit.isSuccess(listed)
            && listed.value.some((u) => u.token !== undefined && Redacted.value(u.token) === graceToken),
          "the list holds the user's token"
        )
        // a raw response stays raw (its body holds the token in clear, as documented): its result is
        // not audited, its logs and spans are
        const raw = yield* run(identity.raw.getUser({ accountId: acme, userId: grace }), { raw: true })
        assert.isTrue(Exit.isSuccess(raw) && raw.value.body.includes(graceToken), "the token was on the wire")
        // the hostile wire echoes the Authorization header in a response header
        tricks.push(respond(200, () => "{}"))
        const echoed = yield* run(identity.raw.getUser({ accountId: acme, userId: grace }), { raw: true })
        assert.strictEqual(Exit.isSuccess(echoed) ? echoed.value.headers["x-echo"] : "failed", `Bearer ${token}`)

        // failing: not found, conflict, bad input, and faults the client retries (debug logs)
        const failures: Array<string> = []
        const fail = <A, E>(effect: Effect.Effect<A, E>) =>
          Effect.map(run(effect), (exit) => failures.push(outcome(exit)))
        yield* fail(identity.getClientKey({ accountId: acme, keyId }))
        yield* fail(identity.createUserForAccount({ accountId: acme, userId: ada }))
        yield* fail(identity.createClientKey({ accountId: acme, clientName: "", defaultRoleId: "x" }))
        yield* store.injectFault({ fail: new TooManyRequestsException({ message: "slow" }), times: 3 })
        yield* fail(identity.getUsersForAccount({ accountId: acme }))
        yield* store.injectFault({ fail: new InternalServerErrorException({ message: "boom" }), times: 3 })
        yield* fail(identity.updateUser({ accountId: acme, userId: grace, roles: [] }))

        // 401: a client whose token the store does not accept
        const intruder = yield* Intruder
        yield* fail(intruder.getUser({ accountId: acme, userId: grace }))
        // 401 to a client with no token: the one call whose HttpClient span may run (tracing: true)
        yield* fail(anonymous.getUser({ accountId: acme, userId: grace }))
        // 401 whose body echoes the Authorization header
        tricks.push(respond(401, (auth) => JSON.stringify({ message: `bad token ${auth}`, errorCode: auth })))
        yield* fail(identity.getUser({ accountId: acme, userId: grace }))
        // transport errors, retried, then given up
        tricks.push({ _tag: "transport" }, { _tag: "transport" }, { _tag: "transport" })
        yield* fail(identity.getUser({ accountId: acme, userId: grace }))
        // attempts that never answer: each times out when the test moves the TestClock, retried
        tricks.push({ _tag: "hang" }, { _tag: "hang" }, { _tag: "hang" })
        const hanging = yield* Effect.fork(fail(identity.getUsersForAccount({ accountId: acme })))
        yield* timeOutHanging(hostile, 3)
        yield* Fiber.join(hanging)
        // success bodies that do not decode and hold the secrets: JSON of the wrong shape, and not JSON
        const wrongShape = (auth: string) =>
          JSON.stringify({
            accountId: "acme",
            userId: grace,
            token: graceToken,
            tags: { team: graceToken, [auth]: auth }
          })
        tricks.push(respond(200, wrongShape))
        yield* fail(identity.getUser({ accountId: acme, userId: grace }))
        tricks.push(respond(200, (auth) => `[${wrongShape(auth)}]`))
        yield* fail(identity.getUsersForAccount({ accountId: acme }))
        tricks.push(respond(200, (auth) => `{"token":"${graceToken}","echo":"${auth}`))
        yield* fail(identity.updateUser({ accountId: acme, userId: grace, roles: ["dev"] }))
        // unexpected statuses echoing the Authorization header: an Error body, a text body, and a
        // 503 that persists through the retries
        tricks.push(respond(418, (auth) => JSON.stringify({ code: 418, message: `teapot; you sent ${auth}` })))
        yield* fail(identity.getUser({ accountId: acme, userId: grace }))
        tricks.push(respond(418, (auth) => `teapot; you sent ${auth}`))
        yield* fail(identity.deleteClientKey({ accountId: acme, keyId }))
        tricks.push(...Array.from({ length: 3 }, () => respond(503, (auth) => `unavailable for ${auth}`)))
        yield* fail(identity.getClientKeyList({ accountId: acme }))
        // the token exchange failing: a wrong secret (401), bad input beside a secret (no request), a
        // 200 without accessToken that echoes the secret and the issued token, a 401 that echoes the
        // secret, and the issued token once it has expired (401)
        const wrong = "cs_WRONG_never_shown_58"
        secrets.push(wrong)
        yield* fail(identity.getShortTermToken({ clientId: deployer.clientId, clientSecret: Redacted.make(wrong) }))
        yield* fail(identity.getShortTermToken({ clientId: "", clientSecret: Redacted.make(wrong) }))
        const echoSecrets = () =>
          JSON.stringify({ clientSecret: Redacted.value(deployer.clientSecret), token: issued })
        tricks.push(respond(200, echoSecrets))
        yield* fail(identity.getShortTermToken(deployer))
        tricks.push(respond(401, echoSecrets))
        yield* fail(identity.getShortTermToken(deployer))
        yield* TestClock.adjust("1 hour")
        yield* fail(anonymous.getClientKeyList({ accountId: acme }, bearer))
        // the store's call records hold the secrets as Redacted only
        texts.push(...renderings(yield* store.calls).map((text) => ["record", text] as const))
        assert.isTrue(
          (yield* store.calls).some((call) => call.operation === "getShortTermToken"),
          "the exchanges were recorded"
        )

        assert.deepStrictEqual(failures, [
          "NotFoundException",
          "ConflictException",
          "InvalidRequestError",
          "TooManyRequestsException",
          "InternalServerErrorException",
          "UnauthorizedException",
          "UnauthorizedException",
          "UnauthorizedException",
          "TransportError",
          "TimeoutError",
          "ResponseDecodeError",
          "ResponseDecodeError",
          "ResponseDecodeError",
          "UnexpectedStatusError",
          "UnexpectedStatusError",
          "UnexpectedStatusError",
          "UnauthorizedException",
          "InvalidRequestError",
          "ResponseDecodeError",
          "UnauthorizedException",
          "UnauthorizedException"
        ])
        assert.isTrue(texts.some(([, text]) => text.includes("retrying")), "the retries were logged")
        const leaks = texts.flatMap(([where, text]) =>
          secrets.flatMap((secret) => {
            const at = text.indexOf(secret)
            if (at === -1) return []
            const excerpt = text.slice(Math.max(0, at - 100), at + secret.length + 20).split("\n").join(" | ")
            return [`${where}: …${excerpt}…`]
          })
        )
        // the first few in the diff, the count in the message
        assert.deepStrictEqual(leaks.slice(0, 3), [], `${leaks.length} texts show a secret`)
        // The HttpClient's own span is off unless asked for, and even then never runs for a request
        // with a token (a failed request's span records the request, Authorization in clear): with
        // tracing on, only the anonymous call has one, and it records the request's headers.
        const httpSpans = texts.filter(([where, text]) => where === "span" && text.startsWith("http.client"))
        assert.lengthOf(httpSpans, way.tracing ? 1 : 0, "the HttpClient's spans")
        if (way.tracing) {
          const [[, text] = ["", ""]] = httpSpans
          assert.include(text, "http.request.header.user-agent", "the span records the request's headers")
          assert.notInclude(text, "http.request.header.authorization", "and the request had no token")
        }
      }).pipe(Effect.provide(way.layer(hostile)))
    })
  })
}
