/**
 * Client credentials: a client on an API key's id and secret obtains its bearer token from the
 * token exchange on first use, caches it, trades it again before it expires and after a 401, and
 * runs one exchange however many calls wait. All on the TestClock, over a fake API (a
 * `Transport`) that issues JWTs and checks them by their `exp`.
 */
import { assert, describe, it } from "@effect/vitest"
import { CredentialsError, IdentityApi, Transport, UnauthorizedException } from "@katanemo/client"
import * as Clock from "effect/Clock"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"

const clientId = "ck_test_key"
const secret = "cs_the_right_secret_0123456789"

const base64Url = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url")
const jwt = (claims: object) => `${base64Url({ alg: "HS256", typ: "JWT" })}.${base64Url(claims)}.signature`

interface FakeOptions {
  /** The life of an issued token, in seconds (default 600). */
  readonly ttlSeconds?: number
  /** Issue opaque tokens (no `exp`) instead of JWTs. */
  readonly opaque?: boolean
  /** How long an exchange takes (default 0). */
  readonly exchangeMillis?: number
}

/** A fake API: `POST /token` issues tokens; `GET /org/acme/user/ada` answers a valid, unexpired one. */
const fakeApi = (options: FakeOptions = {}) => {
  const ttl = options.ttlSeconds ?? 600
  const state = {
    exchanges: 0,
    calls: [] as Array<string | undefined>,
    issued: new Map<string, number>(),
    /** Tokens the API no longer accepts (as if revoked), although unexpired. */
    revoked: new Set<string>(),
    /** Whether the API refuses every token. */
    refuseAll: false
  }
  const json = (status: number, body: unknown): Transport.Response => ({
    status,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body)
  })
  const transport: Transport.Service = {
    send: (request) =>
      Effect.gen(function*() {
        if (request.path === "/token") {
          state.exchanges++
          if (options.exchangeMillis !== undefined) yield* Effect.sleep(options.exchangeMillis)
          const body: { clientId?: string; clientSecret?: string } = JSON.parse(request.body ?? "{}")
          if (body.clientId !== clientId || body.clientSecret !== secret) {
            // the body echoes the secret it was sent, as a careless server might
            return json(401, { message: `bad credentials for ${body.clientId}: ${body.clientSecret}` })
          }
          const now = yield* Clock.currentTimeMillis
          const token = options.opaque === true
            ? `opaque_token_${state.exchanges}`
            : jwt({ sub: clientId, n: state.exchanges, exp: Math.floor(now / 1000) + ttl })
          state.issued.set(token, options.opaque === true ? Number.POSITIVE_INFINITY : now + ttl * 1000)
          return json(200, { accessToken: token })
        }
        const authorization = request.headers["authorization"]
        state.calls.push(authorization)
        const token = authorization?.replace(/^Bearer /, "")
        const expiry = token === undefined ? undefined : state.issued.get(token)
        const now = yield* Clock.currentTimeMillis
        if (
          state.refuseAll || token === undefined || expiry === undefined || now >= expiry || state.revoked.has(token)
        ) {
          return json(401, { message: "Invalid bearer token" })
        }
        return json(200, { accountId: "acme", userId: "ada" })
      })
  }
  return { state, transport, layer: Layer.succeed(Transport, transport) }
}

const client = (
  fake: ReturnType<typeof fakeApi>,
  options: IdentityApi.Options = { clientId, clientSecret: Redacted.make(secret) }
) => IdentityApi.layer({ baseUrl: "http://api.test", maxRetries: 0, ...options }).pipe(Layer.provide(fake.layer))

const getUser = Effect.flatMap(IdentityApi, (identity) => identity.getUser({ accountId: "acme", userId: "ada" }))

describe("client credentials", () => {
  it.effect("obtain a token on first use and cache it", () => {
    const fake = fakeApi()
    return Effect.gen(function*() {
      assert.strictEqual(fake.state.exchanges, 0, "no exchange before the first call")
      for (let i = 0; i < 3; i++) yield* getUser
      assert.strictEqual(fake.state.exchanges, 1)
      const [token] = fake.state.issued.keys()
      assert.deepStrictEqual(fake.state.calls, [`Bearer ${token}`, `Bearer ${token}`, `Bearer ${token}`])
    }).pipe(Effect.provide(client(fake)))
  })

  it.effect("trade the token again when less than the margin is left before its exp", () => {
    const fake = fakeApi({ ttlSeconds: 600 })
    return Effect.gen(function*() {
      yield* getUser
      yield* TestClock.adjust("539 seconds") // 61 s left: more than the 60 s margin
      yield* getUser
      assert.strictEqual(fake.state.exchanges, 1, "61 s before expiry the token is still used")
      yield* TestClock.adjust("2 seconds") // 59 s left
      yield* getUser
      assert.strictEqual(fake.state.exchanges, 2, "59 s before expiry a new token is obtained")
      const [first, second] = fake.state.issued.keys()
      assert.deepStrictEqual(fake.state.calls, [`Bearer ${first}`, `Bearer ${first}`, `Bearer ${second}`])
      assert.strictEqual(fake.state.calls.length, 3, "no call met a 401")
    }).pipe(Effect.provide(client(fake)))
  })

  it.effect("the margin is an option", () => {
    const fake = fakeApi({ ttlSeconds: 600 })
    return Effect.gen(function*() {
      yield* getUser
      yield* TestClock.adjust("400 seconds") // 200 s left, within a 300 s margin
      yield* getUser
      assert.strictEqual(fake.state.exchanges, 2)
    }).pipe(
      Effect.provide(client(fake, { clientId, clientSecret: Redacted.make(secret), refreshMargin: "300 seconds" }))
    )
  })

  it.effect("a token without exp is kept until a 401; then one new token and one replay", () => {
    const fake = fakeApi({ opaque: true })
    return Effect.gen(function*() {
      yield* getUser
      yield* TestClock.adjust("1 hour")
      yield* getUser
      assert.strictEqual(fake.state.exchanges, 1, "no exp: no refresh by time")
      fake.state.revoked.add("opaque_token_1")
      const user = yield* getUser
      assert.strictEqual(user.userId, "ada", "the replayed call succeeds")
      assert.strictEqual(fake.state.exchanges, 2)
      assert.deepStrictEqual(fake.state.calls.slice(2), ["Bearer opaque_token_1", "Bearer opaque_token_2"])
    }).pipe(Effect.provide(client(fake)))
  })

  it.effect("a 401 is replayed once only: a second 401 is the call's UnauthorizedException", () => {
    const fake = fakeApi({ opaque: true })
    return Effect.gen(function*() {
      yield* getUser
      fake.state.refuseAll = true
      const error = yield* Effect.flip(getUser)
      assert.instanceOf(error, UnauthorizedException)
      assert.strictEqual(fake.state.exchanges, 2, "one new token after the 401")
      assert.strictEqual(fake.state.calls.length, 3, "the first call, the 401, and one replay")
    }).pipe(Effect.provide(client(fake)))
  })

  it.effect("200 calls in flight during an expiry cause exactly one POST /token", () => {
    const fake = fakeApi({ ttlSeconds: 600, exchangeMillis: 1000 })
    return Effect.gen(function*() {
      const first = yield* Effect.fork(Effect.all(Array.from({ length: 200 }, () => getUser), { concurrency: 200 }))
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(first)
      assert.strictEqual(fake.state.exchanges, 1, "200 first calls share one exchange")
      yield* TestClock.adjust("600 seconds") // the token has expired
      const second = yield* Effect.fork(Effect.all(Array.from({ length: 200 }, () => getUser), { concurrency: 200 }))
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(second)
      assert.strictEqual(fake.state.exchanges, 2, "200 calls after the expiry share one exchange")
      assert.strictEqual(fake.state.calls.length, 400, "no call met a 401 or was replayed")
    }).pipe(Effect.provide(client(fake)))
  })

  it.effect("a caller interrupted during the exchange cancels it for no one: the others and the next call get the token", () => {
    const fake = fakeApi({ exchangeMillis: 1000 })
    return Effect.gen(function*() {
      const first = yield* Effect.fork(getUser)
      yield* TestClock.adjust("10 millis")
      const others = yield* Effect.fork(Effect.all([getUser, getUser], { concurrency: 2 }))
      yield* TestClock.adjust("10 millis")
      yield* Fiber.interrupt(first)
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(others)
      yield* getUser
      assert.strictEqual(fake.state.exchanges, 1, "the exchange the interrupted caller started served everyone")
      assert.strictEqual(fake.state.calls.length, 3, "the two others and the next call")
    }).pipe(Effect.provide(client(fake)))
  })

  it.effect("a caller interrupted as it claims the exchange leaves no claim behind", () => {
    const fake = fakeApi()
    return Effect.gen(function*() {
      // interrupted after 0 to 19 turns of the scheduler, wherever each caller then was (a fiber
      // also yields when its budget of steps runs out): the next call must still get a token (a
      // claim without an exchange behind it would make it wait forever)
      for (let turns = 0; turns < 20; turns++) {
        const fiber = yield* Effect.fork(getUser)
        for (let i = 0; i < turns; i++) yield* Effect.yieldNow()
        yield* Fiber.interrupt(fiber)
      }
      const user = yield* getUser.pipe(
        Effect.timeoutFail({ duration: "1 minute", onTimeout: () => "stuck" }),
        Effect.fork
      )
      yield* TestClock.adjust("1 minute")
      assert.strictEqual((yield* Fiber.join(user)).userId, "ada")
    }).pipe(Effect.provide(client(fake)))
  })

  it.effect("a failed exchange fails every call that waited, with CredentialsError, and never shows the secret", () => {
    const fake = fakeApi({ exchangeMillis: 1000 })
    const wrong = "cs_a_wrong_secret_9876543210"
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(
        Effect.all(Array.from({ length: 50 }, () => Effect.flip(getUser)), { concurrency: 50 })
      )
      yield* TestClock.adjust("1 second")
      const errors = yield* Fiber.join(fiber)
      assert.strictEqual(fake.state.exchanges, 1)
      assert.strictEqual(fake.state.calls.length, 0, "no call was sent")
      for (const error of errors) {
        assert.instanceOf(error, CredentialsError)
        if (!(error instanceof CredentialsError)) continue
        assert.strictEqual(error.reason, "Rejected")
        assert.strictEqual(error.operation, "getUser")
        assert.instanceOf(error.cause, UnauthorizedException)
        assert.match(error.message, /client credentials of ck_test_key were rejected/)
        for (const text of [error.message, String(error), JSON.stringify(error), String(error.stack)]) {
          assert.notInclude(text, wrong)
        }
      }
      // a failed exchange is not cached: the next call tries again
      const again = yield* Effect.fork(Effect.flip(getUser))
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(again)
      assert.strictEqual(fake.state.exchanges, 2)
    }).pipe(Effect.provide(client(fake, { clientId, clientSecret: Redacted.make(wrong) })))
  })

  it.effect("a 503 of POST /token is retried, as a GET's is: the calls waiting on it succeed", () => {
    const fake = fakeApi()
    let tokenRequests = 0
    const flaky: Transport.Service = {
      // each run of the effect is one request: the client runs it again to retry
      send: (request) =>
        Effect.suspend(() =>
          request.path === "/token" && tokenRequests++ === 0
            ? Effect.succeed({ status: 503, headers: {}, body: "try again" })
            : fake.transport.send(request)
        )
    }
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.all([getUser, getUser], { concurrency: 2 }))
      yield* TestClock.adjust("1 second") // past the first backoff (at most 0.5 s)
      const users = yield* Fiber.join(fiber)
      assert.deepStrictEqual(users.map((user) => String(user.userId)), ["ada", "ada"])
      assert.strictEqual(tokenRequests, 2, "the 503, then its retry: one exchange for both calls")
    }).pipe(
      Effect.provide(
        IdentityApi.layer({ baseUrl: "http://api.test", clientId, clientSecret: Redacted.make(secret) }).pipe(
          Layer.provide(Layer.succeed(Transport, flaky))
        )
      )
    )
  })

  it.effect("an exchange that fails otherwise is Unavailable", () => {
    const transport: Transport.Service = {
      send: () => Effect.succeed({ status: 503, headers: {}, body: "down for maintenance" })
    }
    return Effect.gen(function*() {
      const error = yield* Effect.flip(getUser)
      assert.instanceOf(error, CredentialsError)
      assert.strictEqual(error instanceof CredentialsError && error.reason, "Unavailable")
    }).pipe(
      Effect.provide(
        IdentityApi.layer({ clientId, clientSecret: Redacted.make(secret), maxRetries: 0 }).pipe(
          Layer.provide(Layer.succeed(Transport, transport))
        )
      )
    )
  })

  it.effect("the token exchange is an operation of its own, with its secret scrubbed from errors", () => {
    const fake = fakeApi()
    const wrong = "cs_another_wrong_secret_555"
    return Effect.gen(function*() {
      const identity = yield* IdentityApi
      const token = yield* identity.getShortTermToken({ clientId, clientSecret: Redacted.make(secret) })
      assert.strictEqual(String(token.accessToken), "<redacted>")
      assert.isTrue(fake.state.issued.has(Redacted.value(token.accessToken)))
      const error = yield* Effect.flip(identity.getShortTermToken({ clientId, clientSecret: Redacted.make(wrong) }))
      assert.instanceOf(error, UnauthorizedException)
      assert.strictEqual(error.message, `bad credentials for ${clientId}: <redacted>`)
      assert.notInclude(JSON.stringify(error), wrong)
    }).pipe(Effect.provide(client(fake, {})))
  })
})

describe("client credentials and the token exchange itself", () => {
  it.effect("a direct getShortTermToken needs no token: no exchange of the client's own, no Authorization, no eviction", () => {
    const fake = fakeApi()
    const seen: Array<string | undefined> = []
    const recording = Layer.map(fake.layer, (context) => {
      const inner = Context.get(context, Transport)
      return Context.make(Transport, {
        send: (request) => {
          if (request.path === "/token") seen.push(request.headers["authorization"])
          return inner.send(request)
        }
      })
    })
    return Effect.gen(function*() {
      const identity = yield* IdentityApi
      yield* getUser
      assert.strictEqual(fake.state.exchanges, 1, "the client's own exchange")
      // a direct exchange with a wrong pair: a 401 of its own, which does not throw the client's token away
      const wrong = yield* Effect.flip(
        identity.getShortTermToken({ clientId, clientSecret: Redacted.make("cs_direct_wrong_secret") })
      )
      assert.instanceOf(wrong, UnauthorizedException)
      yield* getUser
      assert.strictEqual(fake.state.exchanges, 2, "the direct exchange, and no other")
      const [token] = fake.state.issued.keys()
      assert.deepStrictEqual(fake.state.calls, [`Bearer ${token}`, `Bearer ${token}`], "the cached token kept")
      assert.deepStrictEqual(seen, [undefined, undefined], "POST /token carries no Authorization")
    }).pipe(
      Effect.provide(
        IdentityApi.layer({ baseUrl: "http://api.test", maxRetries: 0, clientId, clientSecret: Redacted.make(secret) })
          .pipe(Layer.provide(recording))
      )
    )
  })
})

describe("client credentials: configuration", () => {
  const fromEnv = (env: Record<string, string>) =>
    Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))

  const build = (layer: Layer.Layer<IdentityApi, unknown>, env: Record<string, string>) =>
    Effect.scoped(Layer.build(layer)).pipe(Effect.provide(fromEnv(env)), Effect.exit)

  it.effect("options win over the environment", () => {
    const fake = fakeApi()
    return Effect.gen(function*() {
      yield* getUser
      assert.strictEqual(fake.state.exchanges, 1, "the options' secret was used (the environment's is wrong)")
    }).pipe(
      Effect.provide(
        IdentityApi.layerClientCredentials({ clientSecret: Redacted.make(secret), baseUrl: "http://api.test" }).pipe(
          Layer.provide(fake.layer)
        )
      ),
      Effect.provide(fromEnv({ KATANEMO_CLIENT_ID: clientId, KATANEMO_CLIENT_SECRET: "cs_wrong_from_env_000" }))
    )
  })

  it.effect("a token and client credentials both set is a ConfigError naming both", () =>
    Effect.gen(function*() {
      const exit = yield* build(
        IdentityApi.layerClientCredentials().pipe(Layer.provide(fakeApi().layer)),
        { KATANEMO_CLIENT_ID: clientId, KATANEMO_CLIENT_SECRET: secret, KATANEMO_API_TOKEN: "tok_static_token" }
      )
      assert.isTrue(Exit.isFailure(exit))
      const text = String(Exit.isFailure(exit) ? exit.cause : "")
      assert.match(text, /both token and clientId are set/)
      assert.notInclude(text, secret)
      assert.notInclude(text, "tok_static_token")
    }))

  it.effect("an empty KATANEMO_API_TOKEN is no token: client credentials beside it are used", () => {
    const fake = fakeApi()
    return Effect.gen(function*() {
      yield* getUser
      assert.strictEqual(fake.state.exchanges, 1)
    }).pipe(
      Effect.provide(
        IdentityApi.layerClientCredentials({ baseUrl: "http://api.test" }).pipe(Layer.provide(fake.layer))
      ),
      Effect.provide(fromEnv({ KATANEMO_API_TOKEN: "", KATANEMO_CLIENT_ID: clientId, KATANEMO_CLIENT_SECRET: secret }))
    )
  })

  it.effect("half of the credentials is a ConfigError naming the missing half", () =>
    Effect.gen(function*() {
      const noSecret = yield* build(
        IdentityApi.layerClientCredentials().pipe(Layer.provide(fakeApi().layer)),
        { KATANEMO_CLIENT_ID: clientId }
      )
      assert.match(String(Exit.isFailure(noSecret) ? noSecret.cause : ""), /KATANEMO_CLIENT_SECRET/)
      const inCode = yield* Effect.exit(IdentityApi.make({ clientId }).pipe(Effect.provide(fakeApi().layer)))
      assert.match(String(Exit.isFailure(inCode) ? inCode.cause : ""), /clientId is set without clientSecret/)
    }))

  it.effect("layerConfig picks client credentials up from the environment", () => {
    const fake = fakeApi()
    return Effect.gen(function*() {
      yield* getUser
      assert.strictEqual(fake.state.exchanges, 1)
    }).pipe(
      Effect.provide(IdentityApi.layerConfig({ baseUrl: "http://api.test" }).pipe(Layer.provide(fake.layer))),
      Effect.provide(fromEnv({ KATANEMO_CLIENT_ID: clientId, KATANEMO_CLIENT_SECRET: secret }))
    )
  })
})
