import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { IdentityApi, IdentityApiConfig } from "@katanemo/client"
import { AccountId } from "@katanemo/models"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { userWire } from "./fixtures.js"
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
    ["KATANEMO_MAX_RETRIES", "1.5"]
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
    const ms = (text: string) => Option.map(IdentityApiConfig.parseDuration(text), Duration.toMillis)
    assert.deepStrictEqual(ms("30"), Option.some(30_000))
    assert.deepStrictEqual(ms("500ms"), Option.some(500))
    assert.deepStrictEqual(ms("2m"), Option.some(120_000))
    assert.deepStrictEqual(ms("1 minute"), Option.some(60_000))
    assert.deepStrictEqual(ms("forever"), Option.none())
    assert.deepStrictEqual(ms("Infinity"), Option.none())
  })
})

describe("IdentityApi.layerConfig", () => {
  it.scoped("builds the live client from the environment", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make((_, res) => TestServer.json(res, 200, [userWire]))
      const layer = IdentityApi.layerConfig().pipe(Layer.provide(NodeHttpClient.layerUndici))
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
      const layer = IdentityApi.layerConfig().pipe(Layer.provide(NodeHttpClient.layerUndici))
      const error = yield* Effect.flip(
        Effect.provide(IdentityApi, layer).pipe(withEnv({ KATANEMO_MAX_RETRIES: "lots" }))
      )
      assert.include(String(error), "KATANEMO_MAX_RETRIES")
    }))

  it.scoped("an empty token sends no Authorization header", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make((_, res) => TestServer.json(res, 200, []))
      const layer = IdentityApi.layerConfig().pipe(Layer.provide(NodeHttpClient.layerUndici))
      yield* Effect.flatMap(IdentityApi, (identity) => identity.getClientKeyList({ accountId: AccountId.make("a") }))
        .pipe(Effect.provide(layer), withEnv({ KATANEMO_BASE_URL: server.url, KATANEMO_API_TOKEN: "" }))
      const [request] = yield* server.received
      assert.isUndefined(request?.headers.authorization)
    }))
})
