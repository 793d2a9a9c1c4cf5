/**
 * The contract suite's target for a client in another runtime: the local API on a free port with
 * its CORS (the store behind it in Node, on the test's clock), `IdentityApi` over a {@link Bridge}
 * to a client on `FetchTransport` in that runtime, and raw requests from Node over undici.
 */
import { assert } from "@effect/vitest"
import * as UndiciTransport from "@katanemo/client/UndiciTransport"
import { ContractSuite } from "@katanemo/testing"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as LocalApi from "../../src/LocalApi.js"
import type { Bridge } from "./protocol.js"
import * as Remote from "./Remote.js"

export const target = (bridge: () => Bridge, corsOrigins?: ReadonlyArray<string>) =>
(
  options: ContractSuite.TargetOptions
) =>
  Layer.unwrapEffect(
    Effect.map(LocalApi.url, (baseUrl) =>
      Layer.merge(
        Remote.layer(bridge(), { baseUrl, token: options.token }),
        ContractSuite.layerWire(baseUrl).pipe(Layer.provide(UndiciTransport.layer()))
      ))
  ).pipe(
    Layer.provideMerge(LocalApi.layer({ ...options, port: 0, corsOrigins })),
    Layer.orDie
  )

/**
 * The Promise API's check over `bridge`, against a local API of its own: with no transport given,
 * the client in the other runtime invites a user, lists the users, and misses another with a
 * `NotFoundException`.
 */
export const facadeCheck = (bridge: () => Bridge): Effect.Effect<void> =>
  Effect.gen(function*() {
    const baseUrl = yield* LocalApi.url
    const outcome = yield* Effect.promise(() => bridge().facade(baseUrl, "tok_facade"))
    assert.deepStrictEqual(outcome, { users: ["ada@acme.example"], missing: "NotFoundException" })
  }).pipe(Effect.provide(LocalApi.layer({ port: 0, validTokens: ["tok_facade"] })), Effect.orDie)
