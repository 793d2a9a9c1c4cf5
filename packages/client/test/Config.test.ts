import { assert, describe, it } from "@effect/vitest"
import { IdentityApi, IdentityApiConfig } from "@katanemo/client"
import * as UndiciTransport from "@katanemo/client/UndiciTransport"
import { AccountId, UserId } from "@katanemo/models"
import * as Cause from "effect/Cause"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { setup, untyped, userWire } from "./fixtures.js"
import * as TestServer from "./TestServer.js"

const withEnv = (env: Record<string, string>) =>
  Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))

describe("IdentityApiConfig.fromEnv", () => {
  it.effect("defaults: the public API, no token, 30 s, 2 retries", () =>
    Effect.gen(function*() {
      const options = yield* IdentityApiConfig.fromEnv.pipe(withEnv({}))
      assert.strictEqual(String(options.baseUrl), "https://api.katanemo.com/")
      assert.isUndefined(options.token)
      assert.isTrue(Duration.equals(Duration.decode(options.timeout ?? 0), Duration.seconds(30)))
      assert.strictEqual(options.maxRetries, 2)
    }))

  it.effect("reads every variable, the token as Redacted", () =>
    Effect.gen(function*() {
      const options = yield* IdentityApiConfig.fromEnv.pipe(withEnv({
        KATANEMO_BASE_URL: "http://127.0.0.1:8080/api",
        KATANEMO_API_TOKEN: "tok_env_secret",
        KATANEMO_TIMEOUT: "2.5s",
        KATANEMO_MAX_RETRIES: "5"
      }))
      assert.strictEqual(String(options.baseUrl), "http://127.0.0.1:8080/api")
      assert.isTrue(options.token !== undefined && Redacted.isRedacted(options.token))
      assert.strictEqual(options.token && Redacted.value(options.token), "tok_env_secret")
      assert.notInclude(JSON.stringify(options), "tok_env_secret")
      assert.strictEqual(Duration.toMillis(Duration.decode(options.timeout ?? 0)), 2500)
      assert.strictEqual(options.maxRetries, 5)
    }))

  const bad = [
    ["KATANEMO_BASE_URL", "not a url"],
    ["KATANEMO_TIMEOUT", "soon"],
    ["KATANEMO_TIMEOUT", "-1"],
    ["KATANEMO_TIMEOUT", "0"],
    ["KATANEMO_MAX_RETRIES", "two"],
    ["KATANEMO_MAX_RETRIES", "-1"],
    ["KATANEMO_MAX_RETRIES", "1.5"],
    ["KATANEMO_MAX_RETRIES", ""],
    ["KATANEMO_MAX_RETRIES", "0x10"],
    ["KATANEMO_MAX_RETRIES", "1e3"],
    ["KATANEMO_MAX_RETRIES", "101"],
    ["KATANEMO_MAX_RETRIES", "99999999999999999999"],
    ["KATANEMO_BASE_URL", "ftp://api.katanemo.com"],
    ["KATANEMO_BASE_URL", "http://127.0.0.1:8080/?x=1"],
    ["KATANEMO_TIMEOUT", ""],
    ["KATANEMO_TIMEOUT", "NaN"],
    ["KATANEMO_TIMEOUT", "1e400"]
  ] as const
  for (const [name, value] of bad) {
    it.effect(`${name}=${JSON.stringify(value)} fails with a ConfigError naming the variable`, () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(IdentityApiConfig.fromEnv.pipe(withEnv({ [name]: value })))
        assert.strictEqual(error._op, "InvalidData")
        assert.include(String(error), name)
      }))
  }

  it("parseDuration reads seconds, units and Effect durations", () => {
    // compared as plain values: chai's deep equality does not tell two IdentityApi.Options apart
    const ms = (text: string) => Option.getOrNull(Option.map(IdentityApiConfig.parseDuration(text), Duration.toMillis))
    assert.strictEqual(ms("30"), 30_000)
    assert.strictEqual(ms("500ms"), 500)
    assert.strictEqual(ms("2m"), 120_000)
    assert.strictEqual(ms("1 minute"), 60_000)
    assert.isNull(ms("forever"))
    assert.isNull(ms("Infinity"))
  })
})

describe("IdentityApi.layerConfig", () => {
  it.scoped("builds the live client from the environment", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make((_, res) => TestServer.json(res, 200, [userWire]))
      const layer = IdentityApi.layerConfig().pipe(Layer.provide(UndiciTransport.layer()))
      const users = yield* Effect.flatMap(IdentityApi, (identity) =>
        identity.getUsersForAccount({ accountId: AccountId.make("acme") })).pipe(
          Effect.provide(layer),
          withEnv({ KATANEMO_BASE_URL: server.url, KATANEMO_API_TOKEN: "tok_from_env" })
        )
      assert.lengthOf(users, 1)
      const [request] = yield* server.received
      assert.strictEqual(request?.headers.authorization, "Bearer tok_from_env")
    }))

  it.effect("fails to build with the ConfigError when a variable is bad", () =>
    Effect.gen(function*() {
      const layer = IdentityApi.layerConfig().pipe(Layer.provide(UndiciTransport.layer()))
      const error = yield* Effect.flip(
        Effect.provide(IdentityApi, layer).pipe(withEnv({ KATANEMO_MAX_RETRIES: "lots" }))
      )
      assert.include(String(error), "KATANEMO_MAX_RETRIES")
    }))

  it.scoped("an empty token sends no Authorization header", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make((_, res) => TestServer.json(res, 200, []))
      const layer = IdentityApi.layerConfig().pipe(Layer.provide(UndiciTransport.layer()))
      yield* Effect.flatMap(IdentityApi, (identity) => identity.getClientKeyList({ accountId: AccountId.make("a") }))
        .pipe(Effect.provide(layer), withEnv({ KATANEMO_BASE_URL: server.url, KATANEMO_API_TOKEN: "" }))
      const [request] = yield* server.received
      assert.isUndefined(request?.headers.authorization)
    }))
})

describe("IdentityApi.layerConfig with overrides", () => {
  /** Runs one call through `layerConfig(overrides)` with the given environment. */
  const listThrough = (config: Parameters<typeof IdentityApi.layerConfig>[0], env: Record<string, string>) =>
    Effect.flatMap(IdentityApi, (identity) => identity.getUsersForAccount({ accountId: AccountId.make("acme") }))
      .pipe(
        Effect.provide(IdentityApi.layerConfig(config).pipe(Layer.provide(UndiciTransport.layer()))),
        withEnv(env)
      )

  it.scoped("only the token overridden: the request still goes to KATANEMO_BASE_URL", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make((_, res) => TestServer.json(res, 200, [userWire]))
      const users = yield* listThrough(
        { token: Config.redacted("MY_KATANEMO_TOKEN"), maxRetries: 5 },
        { KATANEMO_BASE_URL: server.url, KATANEMO_API_TOKEN: "tok_env", MY_KATANEMO_TOKEN: "tok_mine" }
      )
      assert.lengthOf(users, 1)
      const [request] = yield* server.received
      assert.strictEqual(request?.headers.authorization, "Bearer tok_mine")
    }))

  it.effect("each given field overrides that one setting; the others come from the environment", () =>
    Effect.gen(function*() {
      const options = yield* IdentityApiConfig.fromEnvWith({
        token: Config.redacted("MY_KATANEMO_TOKEN"),
        maxRetries: 5,
        deadline: "10 seconds",
        timeout: undefined
      }).pipe(withEnv({
        KATANEMO_BASE_URL: "http://127.0.0.1:8080/api",
        KATANEMO_API_TOKEN: "tok_env",
        KATANEMO_TIMEOUT: "7s",
        KATANEMO_MAX_RETRIES: "1",
        MY_KATANEMO_TOKEN: "tok_mine"
      }))
      assert.strictEqual(String(options.baseUrl), "http://127.0.0.1:8080/api")
      assert.strictEqual(options.token && Redacted.value(options.token), "tok_mine")
      assert.strictEqual(Duration.toMillis(Duration.decode(options.timeout ?? 0)), 7000)
      assert.strictEqual(options.maxRetries, 5)
      assert.strictEqual(options.deadline, "10 seconds")
    }))

  it.effect("an overridden setting's variable is not read: a bad value there does not matter", () =>
    Effect.gen(function*() {
      const options = yield* IdentityApiConfig.fromEnvWith({ maxRetries: 0, baseUrl: "http://127.0.0.1:1" })
        .pipe(withEnv({ KATANEMO_MAX_RETRIES: "lots", KATANEMO_BASE_URL: "not a url" }))
      assert.strictEqual(options.maxRetries, 0)
      assert.strictEqual(options.baseUrl, "http://127.0.0.1:1")
    }))

  it.effect("a Config override that fails names its own variable", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Effect.provide(IdentityApi, IdentityApi.layerConfig({ token: Config.redacted("MY_KATANEMO_TOKEN") })).pipe(
          Effect.provide(UndiciTransport.layer()),
          withEnv({})
        )
      )
      assert.include(String(error), "MY_KATANEMO_TOKEN")
    }))

  it.effect("an override is validated like an option given to layer", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Effect.provide(IdentityApi, IdentityApi.layerConfig({ baseUrl: "not a url" })).pipe(
          Effect.provide(UndiciTransport.layer()),
          withEnv({})
        )
      )
      assert.include(String(error), "baseUrl")
    }))

  it.scoped("a whole Config<IdentityApi.Options> is still accepted, and reads only what it says", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make((_, res) => TestServer.json(res, 200, []))
      yield* listThrough(
        Config.map(Config.string("MY_URL"), (baseUrl) => ({ baseUrl })),
        { MY_URL: server.url, KATANEMO_BASE_URL: "http://127.0.0.1:1" }
      )
      assert.lengthOf(yield* server.received, 1)
    }))
})

describe("IdentityApi.layer validates its options where it is built", () => {
  const bad: ReadonlyArray<readonly [keyof IdentityApi.Options, IdentityApi.Options]> = [
    ["baseUrl", { baseUrl: "not a url" }],
    ["baseUrl", { baseUrl: "" }],
    ["baseUrl", { baseUrl: "ftp://api.katanemo.com" }],
    ["baseUrl", { baseUrl: "file:///etc/passwd" }],
    ["baseUrl", { baseUrl: "https://api.katanemo.com/?token=x" }],
    ["baseUrl", { baseUrl: "https://api.katanemo.com/#top" }],
    ["timeout", { timeout: 0 }],
    ["timeout", { timeout: -5 }],
    ["timeout", { timeout: Number.NaN }],
    ["timeout", { timeout: untyped("soon") }],
    ["deadline", { deadline: "0 millis" }],
    ["maxRetries", { maxRetries: -1 }],
    ["maxRetries", { maxRetries: 1.5 }],
    ["maxRetries", { maxRetries: Number.NaN }],
    ["maxRetries", { maxRetries: Infinity }],
    ["maxRetries", { maxRetries: 1000 }]
  ]
  for (const [name, options] of bad) {
    it.effect(`${name}: ${String(Object.values(options)[0])} fails with a ConfigError naming ${name}`, () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(
          Effect.provide(IdentityApi, IdentityApi.layer(options).pipe(Layer.provide(UndiciTransport.layer())))
        )
        assert.strictEqual(error._op, "InvalidData")
        assert.include(String(error), name)
        const made = yield* Effect.flip(Effect.provide(IdentityApi.make(options), UndiciTransport.layer()))
        assert.include(String(made), name)
      }))
  }

  it.effect("good options build", () =>
    Effect.gen(function*() {
      const good: ReadonlyArray<IdentityApi.Options> = [
        { baseUrl: "http://127.0.0.1:8080" },
        { baseUrl: new URL("https://api.katanemo.com/v1/") },
        { timeout: "5 seconds", deadline: Duration.infinity, maxRetries: 0 },
        { maxRetries: 100, maxResponseBytes: Infinity }
      ]
      for (const options of good) {
        yield* Effect.provide(IdentityApi, IdentityApi.layer(options).pipe(Layer.provide(UndiciTransport.layer())))
      }
    }))
})

describe("environment garbage", () => {
  it.effect("any value of any variable reads as a valid option or fails with a ConfigError naming it", () =>
    Effect.promise(() =>
      FastCheck.assert(
        FastCheck.asyncProperty(
          FastCheck.constantFrom("KATANEMO_BASE_URL", "KATANEMO_TIMEOUT", "KATANEMO_MAX_RETRIES", "KATANEMO_API_TOKEN"),
          FastCheck.oneof(
            FastCheck.string({ maxLength: 40 }),
            FastCheck.stringMatching(/^-?\d{0,30}(\.\d{0,5})?(e\d{1,3})?(ms|s|m|h| seconds)?$/),
            FastCheck.double().map(String)
          ),
          async (name, value) => {
            const exit = await Effect.runPromiseExit(IdentityApiConfig.fromEnv.pipe(withEnv({ [name]: value })))
            if (exit._tag === "Failure") {
              const error = Cause.failureOption(exit.cause)
              if (Option.isNone(error)) throw new Error(`a defect: ${Cause.pretty(exit.cause)}`)
              assert.include(String(error.value), name)
              return
            }
            const options = exit.value
            assert.isTrue(Either.isRight(IdentityApiConfig.validate(options)), `${name}=${JSON.stringify(value)}`)
          }
        ),
        { numRuns: 500, seed: 20261128 }
      )
    ))
})

describe("per-call options from an untyped caller", () => {
  const bad: ReadonlyArray<readonly [string, IdentityApi.CallOptions]> = [
    ["timeout", { timeout: untyped("soon") }],
    ["timeout", { timeout: -1 }],
    ["deadline", { deadline: untyped({}) }],
    ["maxRetries", { maxRetries: -1 }],
    ["maxRetries", { maxRetries: Number.NaN }]
  ]
  for (const [name, options] of bad) {
    it.scoped(`a bad ${name} is an InvalidRequestError naming it, and nothing is sent`, () =>
      Effect.gen(function*() {
        const { identity, server } = yield* setup((_, res) => TestServer.json(res, 200, userWire))
        const error = yield* Effect.flip(
          identity.getUser({ accountId: AccountId.make("acme"), userId: UserId.make("ada") }, options)
        )
        if (error._tag !== "InvalidRequestError") return assert.fail(error._tag)
        assert.match(error.issues[0] ?? "", new RegExp(`^${name}: `))
        assert.lengthOf(yield* server.received, 0)
      }))
  }
})

describe("option values no check foresaw fail as errors, never throw, and are not shown at length", () => {
  const hostile: ReadonlyArray<readonly [string, () => unknown]> = [
    ["a null-prototype object", () => Object.create(null)],
    ["an object whose toString throws", () => ({
      toString: () => {
        throw new Error("toString exploded")
      }
    })],
    ["a 5 MB string", () => "9".repeat(5_000_000) + "x"]
  ]
  const names = ["baseUrl", "timeout", "deadline", "maxRetries"] as const

  for (const [what, value] of hostile) {
    for (const name of names) {
      it.effect(`layer and make: ${name} as ${what} is a ConfigError naming ${name}`, () =>
        Effect.gen(function*() {
          const options = untyped<IdentityApi.Options>({ [name]: value() })
          // suspended, so that a throw where `layer` or `make` is called shows up as a defect
          const viaLayer = Effect.suspend(() =>
            Effect.provide(IdentityApi, IdentityApi.layer(options).pipe(Layer.provide(UndiciTransport.layer())))
          )
          const viaMake = Effect.suspend(() => Effect.provide(IdentityApi.make(options), UndiciTransport.layer()))
          for (const built of [viaLayer, viaMake]) {
            const exit = yield* Effect.exit(built)
            if (exit._tag === "Success") return assert.fail("built")
            const error = Cause.failureOption(exit.cause)
            if (Option.isNone(error)) return assert.fail(`a defect: ${Cause.pretty(exit.cause)}`)
            assert.strictEqual(error.value._op, "InvalidData")
            const message = String(error.value)
            assert.include(message, name)
            assert.isBelow(message.length, 1000)
          }
        }))
    }

    for (const name of ["timeout", "deadline", "maxRetries"] as const) {
      it.scoped(`per call: ${name} as ${what} is an InvalidRequestError naming ${name}`, () =>
        Effect.gen(function*() {
          const { identity, server } = yield* setup((_, res) => TestServer.json(res, 200, userWire))
          const exit = yield* Effect.exit(Effect.suspend(() =>
            identity.getUser(
              { accountId: AccountId.make("acme"), userId: UserId.make("ada") },
              untyped<IdentityApi.CallOptions>({ [name]: value() })
            )
          ))
          if (exit._tag === "Success") return assert.fail("succeeded")
          const error = Cause.failureOption(exit.cause)
          if (Option.isNone(error)) return assert.fail(`a defect: ${Cause.pretty(exit.cause)}`)
          if (error.value._tag !== "InvalidRequestError") return assert.fail(error.value._tag)
          assert.match(error.value.issues[0] ?? "", new RegExp(`^${name}: `))
          assert.isBelow(error.value.message.length, 1000)
          assert.lengthOf(yield* server.received, 0)
        }))
    }
  }
})

describe("IdentityApi.make and layer check options when run, not when called", () => {
  it("options whose fields throw when read do not throw where make or layer is called", () => {
    const options = untyped<IdentityApi.Options>(Object.defineProperty({}, "timeout", {
      enumerable: true,
      get: () => {
        throw new Error("a getter exploded")
      }
    }))
    assert.doesNotThrow(() => IdentityApi.make(options))
    assert.doesNotThrow(() => IdentityApi.layer(options))
  })
})

describe("IdentityApiConfig.fromEnvWith answers only what was set", () => {
  it.effect("options not set and without a default are left out, not undefined", () =>
    Effect.gen(function*() {
      const options = yield* IdentityApiConfig.fromEnvWith({ maxRetries: 5, deadline: undefined }).pipe(withEnv({}))
      assert.deepStrictEqual(Object.keys(options).sort(), ["baseUrl", "maxRetries", "timeout"])
    }))
})
