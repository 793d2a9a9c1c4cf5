/**
 * The token exchange and the bearer check, called directly through the store's `dispatch`: what a
 * token the store issues holds (a JWT, HS256, `{ sub, acct, iat, exp }`), which keys can be
 * exchanged, and which tokens are admitted where auth is on (static ones, issued ones until their
 * `exp` on the clock) and refused (expired, tampered, foreign, unsigned). Time is the `TestClock`.
 */
import { assert, describe, it } from "@effect/vitest"
import { AccountId, InternalServerErrorException, KeyId } from "@katanemo/models"
import { IdentityStore } from "@katanemo/testing"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Encoding from "effect/Encoding"
import * as Exit from "effect/Exit"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"

const acme = AccountId.make("acme")
const ciKey = KeyId.make("ck_ci")
const ciSecret = "cs_ci_development_secret"

/** acme with a key that can be exchanged, one that cannot (no secret), and an inactive one; globex with its own. */
const seed: IdentityStore.Options["seed"] = {
  accounts: [
    {
      accountId: "acme",
      keys: [
        { clientId: ciKey, clientName: "ci", roles: ["admin"], clientSecret: ciSecret },
        { clientId: "ck_nosecret", clientName: "legacy" },
        { clientId: "ck_inactive", clientName: "off", isActive: false, clientSecret: "cs_inactive_secret" }
      ],
      users: [{ userId: "ada" }]
    },
    { accountId: "globex", keys: [{ clientId: "ck_globex", clientName: "ci", clientSecret: "cs_globex_secret" }] }
  ]
}

const make = (options: IdentityStore.Options = {}) => IdentityStore.make({ seed, ...options }).pipe(Effect.orDie)

const exchange = (store: IdentityStore.Service, clientId: string, secret: string) =>
  store.dispatch(
    "getShortTermToken",
    { clientId: KeyId.make(clientId), clientSecret: Redacted.make(secret) },
    undefined
  )

/** The token a successful exchange answers, in clear. */
const tokenOf = (store: IdentityStore.Service, clientId = "ck_ci", secret = ciSecret) =>
  Effect.map(exchange(store, clientId, secret), (answer) => Redacted.value(answer.accessToken))

const listUsers = (store: IdentityStore.Service, token: string | undefined) =>
  store.dispatch("getUsersForAccount", { accountId: acme }, token)

/** The message of the 401 a call is refused with (fails the test if it is not refused with one). */
const refusal = <A>(call: Effect.Effect<A, IdentityStore.Rejection>) =>
  Effect.map(Effect.flip(call), ({ exception }) => {
    assert.strictEqual(exception._tag, "UnauthorizedException")
    return `${exception.message} (${exception.errorCode})`
  })

const Json = Schema.parseJson(Schema.Record({ key: Schema.String, value: Schema.Unknown }))

/** A base64url part of a JWT, decoded as JSON. */
const part = (text: string | undefined) =>
  Schema.decodeUnknownSync(Json)(Either.getOrThrow(Encoding.decodeBase64UrlString(text ?? "")))

const b64 = (json: unknown) => Encoding.encodeBase64Url(JSON.stringify(json))

const invalid = "Invalid bearer token (UNAUTHORIZED)"
const expired = "The bearer token has expired (TOKEN_EXPIRED)"
const badCredentials = "Invalid client credentials (INVALID_CLIENT)"

describe("the token exchange", () => {
  it.effect("answers a JWT: HS256 header, { sub, acct, iat, exp } on the clock, exp an hour after iat", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Duration.toMillis("1000 days") + 400)
      const store = yield* make()
      const token = yield* tokenOf(store)
      const [header, payload, signature, ...rest] = token.split(".")
      assert.lengthOf(rest, 0)
      assert.deepStrictEqual(part(header), { alg: "HS256", typ: "JWT" })
      const now = Duration.toSeconds("1000 days")
      assert.deepStrictEqual(part(payload), { sub: "ck_ci", acct: "acme", iat: now, exp: now + 3600 })
      // an HMAC-SHA256 is 32 bytes: 43 base64url characters, no padding
      assert.match(signature ?? "", /^[A-Za-z0-9_-]{43}$/)
    }))

  it.effect("tokenTtl sets how long after iat a token expires", () =>
    Effect.gen(function*() {
      const store = yield* make({ tokenTtl: "5 minutes" })
      const payload = part((yield* tokenOf(store)).split(".")[1])
      assert.strictEqual(Number(payload["exp"]) - Number(payload["iat"]), 300)
    }))

  it.effect("a key created by the store can be exchanged with the secret it answered; the acct is its account", () =>
    Effect.gen(function*() {
      const store = yield* make()
      const created = yield* store.dispatch(
        "createClientKey",
        { accountId: AccountId.make("initech"), clientName: "new", defaultRoleId: "admin" },
        undefined
      )
      const clientId = created.clientId ?? ""
      const secret = Redacted.value(created.clientSecret ?? Redacted.make(""))
      const payload = part((yield* tokenOf(store, clientId, secret)).split(".")[1])
      assert.deepStrictEqual([payload["sub"], payload["acct"]], [clientId, "initech"])
      // each account's key is found, across accounts
      assert.strictEqual(part((yield* tokenOf(store, "ck_globex", "cs_globex_secret")).split(".")[1])["acct"], "globex")
    }))

  it.effect("a wrong secret, an unknown key, a deleted key, a key without a secret or an inactive one: the same 401", () =>
    Effect.gen(function*() {
      const store = yield* make()
      assert.strictEqual(yield* refusal(exchange(store, "ck_ci", "cs_wrong_secret")), badCredentials)
      assert.strictEqual(yield* refusal(exchange(store, "ck_ci", `${ciSecret}x`)), badCredentials)
      assert.strictEqual(yield* refusal(exchange(store, "ck_ci", ciSecret.slice(0, -1))), badCredentials)
      // another key's secret is not this key's
      assert.strictEqual(yield* refusal(exchange(store, "ck_ci", "cs_globex_secret")), badCredentials)
      assert.strictEqual(yield* refusal(exchange(store, "ck_unknown", ciSecret)), badCredentials)
      assert.strictEqual(yield* refusal(exchange(store, "ck_nosecret", ciSecret)), badCredentials)
      assert.strictEqual(yield* refusal(exchange(store, "ck_inactive", "cs_inactive_secret")), badCredentials)
      yield* tokenOf(store)
      yield* store.dispatch("deleteClientKey", { accountId: acme, keyId: ciKey }, undefined)
      assert.strictEqual(yield* refusal(exchange(store, "ck_ci", ciSecret)), badCredentials)
    }))

  it.effect("needs no bearer token where auth is on; faults and the rate limit apply to it as to any call", () =>
    Effect.gen(function*() {
      const store = yield* make({ validTokens: ["tok_static"], rateLimit: 1 })
      yield* tokenOf(store)
      const limited = yield* Effect.flip(exchange(store, "ck_ci", ciSecret))
      assert.strictEqual(limited.exception._tag, "TooManyRequestsException")
      yield* TestClock.adjust("1 second")
      yield* store.injectFault({ operation: "getShortTermToken", fail: new InternalServerErrorException({}) })
      const failed = yield* Effect.flip(exchange(store, "ck_ci", ciSecret))
      assert.strictEqual(failed.exception._tag, "InternalServerErrorException")
      assert.deepStrictEqual((yield* store.calls).map((call) => call.operation), [
        "getShortTermToken",
        "getShortTermToken",
        "getShortTermToken"
      ])
    }))

  it.effect("no read answers a secret: the snapshot, the list and a read hold none", () =>
    Effect.gen(function*() {
      const store = yield* make()
      const created = yield* store.dispatch(
        "createClientKey",
        { accountId: acme, clientName: "new", defaultRoleId: "admin" },
        undefined
      )
      const secrets = [ciSecret, Redacted.value(created.clientSecret ?? Redacted.make("missing"))]
      const reads = JSON.stringify([
        yield* store.snapshot,
        yield* store.keys("acme"),
        yield* store.dispatch("getClientKeyList", { accountId: acme }, undefined),
        yield* store.dispatch("getClientKey", { accountId: acme, keyId: ciKey }, undefined)
      ])
      for (const secret of secrets) assert.notInclude(reads, secret)
      assert.include(reads, "ck_ci")
    }))
})

describe("the bearer check where auth is on (validTokens given)", () => {
  it.effect("an issued token is admitted until its exp on the clock, then refused as expired", () =>
    Effect.gen(function*() {
      const store = yield* make({ validTokens: ["tok_static"] })
      const token = yield* tokenOf(store)
      assert.lengthOf(yield* listUsers(store, token), 1)
      yield* TestClock.adjust(Duration.subtract("1 hour", "1 millis"))
      assert.lengthOf(yield* listUsers(store, token), 1)
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(yield* refusal(listUsers(store, token)), expired)
      // the static token still works, and a fresh exchange gives a working token again
      assert.lengthOf(yield* listUsers(store, "tok_static"), 1)
      assert.lengthOf(yield* listUsers(store, yield* tokenOf(store)), 1)
    }))

  it.effect("an empty validTokens admits issued tokens only", () =>
    Effect.gen(function*() {
      const store = yield* make({ validTokens: [] })
      assert.strictEqual(yield* refusal(listUsers(store, undefined)), "Missing bearer token (UNAUTHORIZED)")
      assert.lengthOf(yield* listUsers(store, yield* tokenOf(store)), 1)
    }))

  it.effect("a tampered token (its payload, its signature or its header) is refused as invalid", () =>
    Effect.gen(function*() {
      const store = yield* make({ validTokens: ["tok_static"] })
      const token = yield* tokenOf(store)
      const [header = "", payload = "", signature = ""] = token.split(".")
      const claims = part(payload)
      // a later exp, with the signature of the original
      const later = b64({ ...claims, exp: Number(claims["exp"]) + 3600 })
      assert.strictEqual(yield* refusal(listUsers(store, `${header}.${later}.${signature}`)), invalid)
      // another account, with the signature of the original
      const other = b64({ ...claims, acct: "globex" })
      assert.strictEqual(yield* refusal(listUsers(store, `${header}.${other}.${signature}`)), invalid)
      // one character of the signature changed
      const flipped = `${signature.slice(0, 10)}${signature[10] === "A" ? "B" : "A"}${signature.slice(11)}`
      assert.strictEqual(yield* refusal(listUsers(store, `${header}.${payload}.${flipped}`)), invalid)
      // no signature, and alg none
      assert.strictEqual(yield* refusal(listUsers(store, `${header}.${payload}.`)), invalid)
      const none = b64({ alg: "none", typ: "JWT" })
      assert.strictEqual(yield* refusal(listUsers(store, `${none}.${payload}.`)), invalid)
      assert.strictEqual(yield* refusal(listUsers(store, `${none}.${payload}.${signature}`)), invalid)
      // not a JWT at all
      assert.strictEqual(yield* refusal(listUsers(store, "a.b")), invalid)
      assert.strictEqual(yield* refusal(listUsers(store, `${token}.x`)), invalid)
      // the untouched token still works
      assert.lengthOf(yield* listUsers(store, token), 1)
    }))

  it.effect("a token another store issued is refused: each store signs with a key of its own", () =>
    Effect.gen(function*() {
      const store = yield* make({ validTokens: ["tok_static"] })
      const other = yield* make({ validTokens: ["tok_static"] })
      const foreign = yield* tokenOf(other)
      assert.strictEqual(yield* refusal(listUsers(store, foreign)), invalid)
      assert.lengthOf(yield* listUsers(other, foreign), 1)
    }))

  it.effect("an expired token with a bad signature is invalid, not expired: the signature is checked first", () =>
    Effect.gen(function*() {
      const store = yield* make({ validTokens: ["tok_static"] })
      const other = yield* make()
      const foreign = yield* tokenOf(other)
      yield* TestClock.adjust("2 hours")
      assert.strictEqual(yield* refusal(listUsers(store, foreign)), invalid)
    }))
})

describe("an open store (no validTokens)", () => {
  it.effect("admits every call, whatever it carries (an expired or foreign token too), and still issues tokens", () =>
    Effect.gen(function*() {
      const store = yield* make()
      const token = yield* tokenOf(store)
      yield* TestClock.adjust("2 hours")
      for (const carried of [undefined, token, "garbage", "a.b.c"]) {
        const exit = yield* Effect.exit(listUsers(store, carried))
        assert.isTrue(Exit.isSuccess(exit), String(carried))
      }
      assert.match(yield* tokenOf(store), /^[\w-]+\.[\w-]+\.[\w-]+$/)
    }))
})
