/**
 * The transport over any `@effect/platform` `HttpClient`: the way to add middleware, to use
 * `@katanemo/testing`'s wire-level fake, or an `HttpClient` layer of your own. Requires
 * `@effect/platform` (an optional peer of `@katanemo/client`, needed only here).
 *
 * @example
 * ```ts
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { IdentityApi } from "@katanemo/client"
 * import * as HttpClientTransport from "@katanemo/client/HttpClientTransport"
 * import * as Layer from "effect/Layer"
 *
 * const live = IdentityApi.layerConfig().pipe(
 *   Layer.provide(HttpClientTransport.layer()),
 *   Layer.provide(NodeHttpClient.layerUndici)
 * )
 * ```
 *
 * @since 0.1.0
 */
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import type * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberId from "effect/FiberId"
import { identity } from "effect/Function"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { schedule } from "./internal/timer.js"
import { Transport } from "./Transport.js"

/**
 * Options of the `HttpClient` transport.
 *
 * @since 0.1.0
 * @category options
 */
export interface Options {
  /** A hook over the `HttpClient` every call uses: add middleware, headers, settings. */
  readonly transformClient?: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
  /**
   * Whether the `HttpClient` makes its own span for each request, inside the SDK's (default
   * false: the SDK's span already covers the call, and sends `traceparent` itself). On, it also
   * injects its own `traceparent`, but never for a request that carries `Authorization` or a
   * body (the token exchange's holds the client secret): when a request fails, its span records
   * the error, which holds the request, headers and body, in clear.
   */
  readonly tracing?: boolean | undefined
}

const tooLarge: Transport.Failure = { reason: "ResponseTooLarge" }
const timeout: Transport.Failure = { reason: "Timeout" }

// only the underlying cause: the HttpClient error itself holds the request, with its headers
const transportFailure = (error: HttpClientError.HttpClientError): Transport.Failure =>
  error.cause === undefined
    ? { reason: "Transport", detail: error.message }
    : { reason: "Transport", cause: error.cause }

/** A body that is not there (a 204 over fetch): read as empty, as the other transports do. */
const isEmptyBody = (error: HttpClientError.HttpClientError): boolean =>
  error._tag === "ResponseError" && error.reason === "EmptyBody"

/**
 * Reads a body of at most `max` bytes: a declared larger one is not read at all; an undeclared
 * (chunked) or compressed one is read chunk by chunk and dropped once it outgrows the limit.
 */
const readBody = (
  response: HttpClientResponse.HttpClientResponse,
  max: number,
  decoder: InstanceType<typeof TextDecoder>
): Effect.Effect<string, Transport.Failure> => {
  // A declared length is trusted only for an uncompressed body (a client that decompresses, as
  // fetch does, would read more than it declares) and only up to the limit.
  const length = response.headers["content-length"]
  const encoding = response.headers["content-encoding"]
  if (
    length !== undefined && /^\d+$/.test(length) && Number(length) <= max
    && (encoding === undefined || encoding === "identity")
  ) {
    return Effect.mapError(response.text, transportFailure)
  }
  return response.stream.pipe(
    Stream.catchAll((error) => isEmptyBody(error) ? Stream.empty : Stream.fail(transportFailure(error))),
    Stream.runFoldEffect({ chunks: new Array<Uint8Array>(), size: 0 }, (acc, chunk) => {
      acc.size += chunk.byteLength
      acc.chunks.push(chunk)
      return acc.size > max ? Effect.fail(tooLarge) : Effect.succeed(acc)
    }),
    Effect.map(({ chunks, size }) => {
      const all = new Uint8Array(size)
      let offset = 0
      for (const chunk of chunks) {
        all.set(chunk, offset)
        offset += chunk.byteLength
      }
      return decoder.decode(all)
    })
  )
}

/**
 * A transport over an `HttpClient`. The attempt runs in a fiber of its own, with one timer on
 * the `Clock` in context for its timeout; interrupting it aborts the request.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromClient = (client: HttpClient.HttpClient, options: Options = {}): Transport.Service => {
  // The HttpClient's span is off by default, and always for a request with a token or a body: a
  // failed request's span records the error, whose request holds the Authorization header and the
  // body (a client secret, for the token exchange) in clear.
  const http = (options.transformClient ?? identity)(
    options.tracing === true
      ? HttpClient.withTracerDisabledWhen(
        client,
        (request) => request.headers.authorization !== undefined || request.body._tag !== "Empty"
      )
      : HttpClient.withTracerPropagation(HttpClient.withTracerDisabledWhen(client, () => true), false)
  )
  const decoder = new TextDecoder()
  const execute = (request: Transport.Request) => {
    let out = HttpClientRequest.make(request.method)(request.origin + request.path, {
      headers: Headers.fromInput(request.headers)
    })
    if (request.body !== undefined) out = HttpClientRequest.bodyText(out, request.body, "application/json")
    return request.span === undefined ? http.execute(out) : Effect.withParentSpan(http.execute(out), request.span)
  }
  return {
    send: (request) =>
      Effect.flatMap(
        Effect.fork(
          execute(request).pipe(
            Effect.mapError(transportFailure),
            Effect.flatMap((response) =>
              Effect.map(
                readBody(response, request.maxResponseBytes, decoder),
                (body): Transport.Response => ({ status: response.status, headers: response.headers, body })
              )
            )
          )
        ),
        (fiber) =>
          Effect.clockWith((clock: Clock.Clock) =>
            Effect.async<Transport.Response, Transport.Failure>((resume) => {
              let settled = false
              const cancel = schedule(clock, request.timeoutMillis, () => {
                if (settled) return
                settled = true
                fiber.unsafeInterruptAsFork(FiberId.none)
                resume(Effect.fail(timeout))
              })
              fiber.addObserver((exit) => {
                if (settled) return
                settled = true
                cancel()
                resume(Exit.isInterrupted(exit) ? Effect.interrupt : exit)
              })
              return Effect.sync(() => {
                if (settled) return
                settled = true
                cancel()
                fiber.unsafeInterruptAsFork(FiberId.none)
              })
            })
          )
      )
  }
}

/**
 * The transport over the `HttpClient` in context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<Transport.Service, never, HttpClient.HttpClient> =>
  Effect.map(HttpClient.HttpClient, (client) => fromClient(client, options))

/**
 * The transport over the `HttpClient` in context, as a layer.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<Transport, never, HttpClient.HttpClient> =>
  Layer.effect(Transport, make(options))
