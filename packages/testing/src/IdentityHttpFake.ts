/**
 * A wire-level fake: an `HttpClient` that answers every request from an {@link IdentityStore} by
 * running the server side of the contract in process. No sockets: `IdentityApi.layer` from
 * `@katanemo/client` runs unchanged on top of it (through `@katanemo/client/HttpClientTransport`),
 * with its encoding, status handling, error bodies, timeouts and retries. `layerClient` is that
 * stack in one layer. Injected faults that drop the answer behave as over a socket: `reset` fails
 * the request (the client's `TransportError`), `noAnswer` never answers (the client's
 * `TimeoutError`).
 *
 * On a `TestClock` (as in `it.effect`), the layer moves the clock on whenever the test is stuck
 * waiting for it, so a retry after a 429 finishes on its own instead of hanging the test.
 *
 * @since 0.1.0
 */
import type * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { IdentityApi } from "@katanemo/client"
import * as HttpClientTransport from "@katanemo/client/HttpClientTransport"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as IdentityServer from "./IdentityServer.js"
import { IdentityStore } from "./IdentityStore.js"
import { currentTestClock, drive } from "./internal/clockDriver.js"
import type { SeedError } from "./Seed.js"

const decoder = new TextDecoder()

const bodyText = (body: HttpBody.HttpBody): string => {
  switch (body._tag) {
    case "Uint8Array":
      return decoder.decode(body.body)
    case "Raw":
      return typeof body.body === "string" ? body.body : ""
    default:
      return ""
  }
}

const fake = (store: IdentityStore["Type"], onRequest: () => void): HttpClient.HttpClient =>
  HttpClient.make((request, url) =>
    Effect.suspend(() => {
      onRequest()
      return IdentityServer.handle({
        method: request.method,
        url: `${url.pathname}${url.search}`,
        headers: request.headers,
        body: bodyText(request.body)
      })
    }).pipe(
      Effect.provideService(IdentityStore, store),
      Effect.flatMap((response) =>
        response.drop === "noAnswer"
          // an injected fault after the store acted: no answer until the client's timeout
          ? Effect.never
          : response.drop === "reset"
          ? Effect.fail(
            new HttpClientError.RequestError({ request, reason: "Transport", description: "connection reset" })
          )
          : Effect.succeed(HttpClientResponse.fromWeb(
            request,
            new Response(response.body, { status: response.status, headers: response.headers })
          ))
      )
    )
  )

/**
 * The fake client over the store in context. (It does not move a `TestClock`: the layers do.)
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<HttpClient.HttpClient, never, IdentityStore> = Effect.map(
  IdentityStore,
  (store) => fake(store, () => {})
)

/**
 * Options of the fake's layer.
 *
 * @since 0.1.0
 * @category options
 */
export interface Options {
  /**
   * On a `TestClock` (as in `it.effect`): move the clock to the next pending sleep whenever the
   * test is stuck waiting for it (default `true`). The clock moves only when nothing else has
   * happened for a while (no request, no new sleep, no change of time), so a test that moves
   * it with `TestClock.adjust` stays in control. Without a `TestClock` this does nothing.
   *
   * Warning: "nothing else has happened" is judged by event-loop turns, so a test that waits on
   * real I/O (a file, a socket, a child process) while a call is in flight may see the clock move
   * under it. Pass `advanceTestClock: false` in such a test, and move the clock yourself.
   */
  readonly advanceTestClock?: boolean | undefined
}

/**
 * The fake `HttpClient` over the `IdentityStore` in context: provide it under
 * `IdentityApi.layer(...)`. On a `TestClock` it moves the clock on when the test is stuck
 * waiting for it, unless `advanceTestClock: false` (see {@link Options}).
 *
 * @example
 * ```ts
 * import { IdentityApi } from "@katanemo/client"
import * as HttpClientTransport from "@katanemo/client/HttpClientTransport"
 * import { IdentityHttpFake, IdentityStore } from "@katanemo/testing"
 * import * as Layer from "effect/Layer"
 *
 * const live = IdentityApi.layer({ baseUrl: "http://katanemo.test" }).pipe(
 *   Layer.provide(IdentityHttpFake.layer()),
 *   Layer.provideMerge(IdentityStore.layer())
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<HttpClient.HttpClient, never, IdentityStore> =>
  Layer.scoped(
    HttpClient.HttpClient,
    Effect.gen(function*() {
      const store = yield* IdentityStore
      let requests = 0
      const client = fake(store, () => {
        requests++
      })
      const clock = options.advanceTestClock === false ? Option.none() : yield* currentTestClock
      if (Option.isSome(clock)) yield* Effect.forkScoped(drive(clock.value, Effect.sync(() => requests)))
      return client
    })
  )

/**
 * Options of {@link layerClient}: the store's, the token the client sends, the live client's
 * other options, its transport's, and the fake's.
 *
 * @since 0.1.0
 * @category options
 */
export interface ClientOptions extends IdentityStore.Options, Options {
  /**
   * The bearer token calls carry; checked when the store has `validTokens` (a static one, or one
   * the store issued). A call's own `Authorization` header (`CallOptions.headers`) replaces it.
   */
  readonly token?: Redacted.Redacted<string> | undefined
  /** Options of the live client (`maxRetries`, `timeout`, `retrySchedule`, …). */
  readonly client?: IdentityApi.Options | undefined
  /**
   * Options of the transport between the client and the fake, `HttpClientTransport.layer(...)`:
   * `transformClient` (middleware over the fake `HttpClient`), `tracing`.
   */
  readonly transport?: HttpClientTransport.Options | undefined
}

/**
 * The live `IdentityApi` of `@katanemo/client` over the fake (through `HttpClientTransport`), and
 * a fresh `IdentityStore` behind it: the live client's retries, backoff, `Retry-After`, timeouts
 * and JSON encoding, with no sockets. A drop-in for `IdentityApiMemory.layer(options)` when a
 * test needs the live client's behaviour. A bad seed fails the layer with a {@link SeedError}, and
 * a bad client option (a `baseUrl` that is not an http(s) URL, say) with a `ConfigError` naming it.
 *
 * Warning: with `advanceTestClock` on (the default), a test that waits on real I/O (a file, a
 * socket, a child process) while a call is in flight may see the `TestClock` move, as though the
 * call had been waiting for time. Pass `advanceTestClock: false` in such a test.
 *
 * @example
 * ```ts
 * import { IdentityHttpFake } from "@katanemo/testing"
 *
 * const live = IdentityHttpFake.layerClient({ seed: { accounts: [{ accountId: "acme" }] } })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export function layerClient(
  options?: ClientOptions & { readonly seed?: undefined }
): Layer.Layer<IdentityApi | IdentityStore, ConfigError.ConfigError>
export function layerClient(
  options: ClientOptions
): Layer.Layer<IdentityApi | IdentityStore, SeedError | ConfigError.ConfigError>
export function layerClient(
  options: ClientOptions = {}
): Layer.Layer<IdentityApi | IdentityStore, SeedError | ConfigError.ConfigError> {
  const client: IdentityApi.Options = {
    baseUrl: "http://katanemo.test",
    ...options.client,
    ...(options.token === undefined ? {} : { token: options.token })
  }
  return IdentityApi.layer(client).pipe(
    Layer.provide(HttpClientTransport.layer(options.transport)),
    Layer.provide(layer(options)),
    Layer.provideMerge(IdentityStore.layer(options))
  )
}
