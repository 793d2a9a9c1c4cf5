import { NodeHttpClient } from "@effect/platform-node"
import { IdentityApi, type Options } from "@katanemo/client"
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

/** Starts a scripted server and a live client pointed at it (over undici), for the test's scope. */
export const setup = (script: TestServer.Script, options: Options = {}) =>
  Effect.gen(function*() {
    const server = yield* TestServer.make(script)
    const http = yield* Layer.build(NodeHttpClient.layerUndici)
    const identity = yield* Effect.provide(IdentityApi.make({ baseUrl: server.url, ...options }), http)
    return { server, identity }
  })

/** Waits (in real time) until a fiber sleeps on the TestClock, and answers how long its sleep is. */
export const nextSleep: Effect.Effect<Duration.Duration> = Effect.gen(function*() {
  for (;;) {
    const sleeps = Chunk.toReadonlyArray(yield* TestClock.sleeps())
    if (sleeps.length > 0) {
      const now = yield* TestClock.currentTimeMillis
      return Duration.millis(Math.min(...sleeps) - now)
    }
    yield* TestServices.provideLive(Effect.sleep("2 millis"))
  }
})

/** Lets the next pending sleep elapse, and answers how long it was. */
export const elapseNextSleep: Effect.Effect<Duration.Duration> = Effect.tap(nextSleep, (d) => TestClock.adjust(d))

/**
 * Input as an untyped (JavaScript) caller might pass it, to test runtime validation. The one
 * deliberate cast of the tests: the point is to get past the types.
 */
export const untyped = <A>(value: unknown): A => value as A
