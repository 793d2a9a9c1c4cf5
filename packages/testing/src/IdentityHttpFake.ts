/**
 * A wire-level fake: an `HttpClient` that answers every request from an {@link IdentityStore} by
 * running the server side of the contract in process. No sockets: `IdentityApi.layer` from
 * `@katanemo/client` runs unchanged on top of it, with its encoding, status handling, error
 * bodies and retries.
 *
 * @since 0.1.0
 */
import type * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as IdentityServer from "./IdentityServer.js"
import { IdentityStore } from "./IdentityStore.js"

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

/**
 * The fake client over the store in context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<HttpClient.HttpClient, never, IdentityStore> = Effect.map(
  IdentityStore,
  (store) =>
    HttpClient.make((request, url) =>
      IdentityServer.handle({
        method: request.method,
        url: `${url.pathname}${url.search}`,
        headers: request.headers,
        body: bodyText(request.body)
      }).pipe(
        Effect.provideService(IdentityStore, store),
        Effect.map((response) =>
          HttpClientResponse.fromWeb(
            request,
            new Response(response.body, { status: response.status, headers: response.headers })
          )
        )
      )
    )
)

/**
 * The fake `HttpClient` over the `IdentityStore` in context: provide it under
 * `IdentityApi.layer(...)`.
 *
 * @example
 * ```ts
 * import { IdentityApi } from "@katanemo/client"
 * import { IdentityHttpFake, IdentityStore } from "@katanemo/testing"
 * import * as Layer from "effect/Layer"
 *
 * const live = IdentityApi.layer({ baseUrl: "http://katanemo.test" }).pipe(
 *   Layer.provide(IdentityHttpFake.layer),
 *   Layer.provideMerge(IdentityStore.layer())
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<HttpClient.HttpClient, never, IdentityStore> = Layer.effect(HttpClient.HttpClient, make)
