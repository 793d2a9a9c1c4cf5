import { NodeHttpClient } from "@effect/platform-node"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { IdentityApi, type Transport } from "@katanemo/client"
import * as FetchTransport from "@katanemo/client/FetchTransport"
import * as HttpClientTransport from "@katanemo/client/HttpClientTransport"
import * as UndiciTransport from "@katanemo/client/UndiciTransport"
import { AccountId, KeyId, UserId } from "@katanemo/models"
import * as Chunk from "effect/Chunk"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import * as TestServices from "effect/TestServices"
import * as TestServer from "./TestServer.js"

export const accountId = AccountId.make("acme")
export const keyId = KeyId.make("key-1")
export const userId = UserId.make("ada@acme.example")

export const keyWire = {
  accountId: "acme",
  roles: ["admin"],
  clientName: "ci-bot",
  clientKeyId: "key-1",
  serviceId: "svc-1",
  isActive: true
}

export const userWire = {
  accountId: "acme",
  serviceId: "svc-1",
  userId: "ada@acme.example",
  isAdmin: false,
  isActive: true,
  token: "user-token-secret",
  tags: { team: ["platform"] },
  roles: ["developer"]
}

/** A transport the suites run on, by name. */
export interface TransportCase {
  readonly name: string
  readonly layer: Layer.Layer<Transport>
  /** Whether it follows redirects (fetch does, and drops `Authorization` across origins). */
  readonly followsRedirects: boolean
  /** Whether it decompresses bodies (and so counts them decompressed). */
  readonly decompresses: boolean
}

/** The Node default, for tests about the engine rather than the wire. */
export const undici: TransportCase = {
  name: "UndiciTransport",
  layer: UndiciTransport.layer(),
  followsRedirects: false,
  decompresses: false
}

/** Every transport: the suites that run on sockets run on each. */
export const transports: ReadonlyArray<TransportCase> = [
  undici,
  { name: "FetchTransport", layer: FetchTransport.layer(), followsRedirects: true, decompresses: true },
  {
    name: "HttpClientTransport over NodeHttpClient.layerUndici",
    layer: HttpClientTransport.layer().pipe(Layer.provide(NodeHttpClient.layerUndici)),
    followsRedirects: false,
    decompresses: false
  },
  {
    name: "HttpClientTransport over NodeHttpClient.layer",
    layer: HttpClientTransport.layer().pipe(Layer.provide(NodeHttpClient.layer)),
    followsRedirects: false,
    decompresses: false
  },
  {
    name: "HttpClientTransport over FetchHttpClient.layer",
    layer: HttpClientTransport.layer().pipe(Layer.provide(FetchHttpClient.layer)),
    followsRedirects: true,
    decompresses: true
  }
]

/** Starts a scripted server and a live client pointed at it (over `transport`), for the test's scope. */
export const setup = (
  script: TestServer.Script,
  options: IdentityApi.Options = {},
  transport: TransportCase = undici
) =>
  Effect.gen(function*() {
    const server = yield* TestServer.make(script)
    const context = yield* Layer.build(transport.layer)
    const identity = yield* Effect.provide(IdentityApi.make({ baseUrl: server.url, ...options }), context)
    return { server, identity }
  })

/**
 * Waits (in real time) until a fiber sleeps on the TestClock for less than `under`, and answers
 * how long that sleep is. Sleeps of `under` or more (an attempt's timeout watch) are ignored.
 */
export const nextSleep = (under: Duration.DurationInput = Duration.infinity): Effect.Effect<Duration.Duration> =>
  Effect.gen(function*() {
    const limit = Duration.toMillis(under)
    for (;;) {
      const now = yield* TestClock.currentTimeMillis
      const waits = Chunk.toReadonlyArray(yield* TestClock.sleeps()).map((at) => at - now).filter((ms) => ms < limit)
      if (waits.length > 0) return Duration.millis(Math.min(...waits))
      yield* TestServices.provideLive(Effect.sleep("2 millis"))
    }
  })

/** Lets the next pending sleep (of any length) elapse, and answers how long it was. */
export const elapseNextSleep: Effect.Effect<Duration.Duration> = Effect.tap(nextSleep(), (d) => TestClock.adjust(d))

/** The attempt timeout retry tests run with, far beyond any retry wait (at most 60 s). */
export const longTimeout = Duration.hours(1)

/**
 * Lets the next retry wait elapse, and answers how long it was. Retry waits are at most 60 s;
 * sleeps of 10 minutes or more are the attempts' timeout watches (`longTimeout` in retry tests,
 * including a finished attempt's watch that is still being cancelled) and are ignored.
 */
export const elapseRetryWait: Effect.Effect<Duration.Duration> = Effect.tap(
  nextSleep(Duration.minutes(10)),
  (d) => TestClock.adjust(d)
)

/**
 * Input as an untyped (JavaScript) caller might pass it, to test runtime validation. The one
 * deliberate cast of the tests: the point is to get past the types.
 */
export const untyped = <A>(value: unknown): A => value as A

/** `setup` on one transport, for a suite that runs once per transport. */
export const setupOn = (transport: TransportCase) => (script: TestServer.Script, options: IdentityApi.Options = {}) =>
  setup(script, options, transport)
