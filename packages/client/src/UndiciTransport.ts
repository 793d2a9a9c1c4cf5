/**
 * The transport over undici's `Dispatcher` directly, with no `HttpClient` in between: the
 * fastest on Node, and the one to pick there. Its layer owns an undici `Agent` (keep-alive
 * connections) that the layer's scope closes.
 *
 * @example
 * ```ts
 * import { IdentityApi } from "@katanemo/client"
 * import * as UndiciTransport from "@katanemo/client/UndiciTransport"
 * import * as Layer from "effect/Layer"
 *
 * const live = IdentityApi.layerConfig().pipe(Layer.provide(UndiciTransport.layer()))
 * ```
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import { Agent, type Dispatcher } from "undici"
import { Transport } from "./Transport.js"

/**
 * Options of the undici transport.
 *
 * @since 0.1.0
 * @category options
 */
export interface Options {
  /**
   * The dispatcher to send through (a `Pool`, a `ProxyAgent`, a `MockAgent`, …), which the caller
   * then owns and closes. Without one, the layer makes an `Agent` and closes it with its scope.
   */
  readonly dispatcher?: Dispatcher | undefined
  /** Options of the `Agent` the layer makes when no `dispatcher` is given. */
  readonly agent?: Agent.Options | undefined
}

/** Why the transport aborted a request itself. */
class Aborted extends Error {
  constructor(readonly failure: Transport.Failure) {
    super(failure.reason)
  }
}

const tooLarge = new Aborted({ reason: "ResponseTooLarge" })

const headerValue = (value: string | ReadonlyArray<string> | undefined): string | undefined =>
  value === undefined ? undefined : typeof value === "string" ? value : value.join(", ")

/**
 * A transport over an undici `Dispatcher`: one `dispatch` per attempt with a callback handler,
 * the body kept as its chunks and decoded once, and the request aborted on interruption or
 * timeout. undici follows no redirect: a 3xx is answered as it came.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromDispatcher = (dispatcher: Dispatcher): Transport.Service =>
  Transport.make((request, done) => {
    let controller: Dispatcher.DispatchController | undefined
    let aborted: Error | undefined
    let status = 0
    let headers: Record<string, string> = {}
    const chunks: Array<Buffer> = []
    let size = 0
    const max = request.maxResponseBytes
    dispatcher.dispatch({
      origin: request.origin,
      path: request.path,
      method: request.method,
      headers: request.headers,
      body: request.body ?? null
    }, {
      onRequestStart(c) {
        controller = c
        if (aborted !== undefined) c.abort(aborted)
      },
      onResponseStart(c, statusCode, responseHeaders) {
        status = statusCode
        headers = {}
        for (const name of Object.keys(responseHeaders)) {
          const value = headerValue(responseHeaders[name])
          if (value !== undefined) headers[name] = value
        }
        const length = headers["content-length"]
        if (length !== undefined && Number(length) > max) c.abort(tooLarge)
      },
      onResponseData(c, chunk) {
        size += chunk.length
        if (size > max) return c.abort(tooLarge)
        chunks.push(chunk)
      },
      onResponseEnd() {
        const [first] = chunks
        const body = chunks.length === 1 && first !== undefined
          ? first.toString("utf8")
          : Buffer.concat(chunks, size).toString("utf8")
        done(Either.right({ status, headers, body }))
      },
      onResponseError(_, error) {
        done(Either.left(error instanceof Aborted ? error.failure : { reason: "Transport", cause: error }))
      }
    })
    return () => {
      aborted = new Aborted({ reason: "Transport" })
      controller?.abort(aborted)
    }
  })

/**
 * The undici transport as a layer: over the given `dispatcher`, or over an `Agent` of its own
 * that the layer's scope closes.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<Transport> =>
  options.dispatcher !== undefined
    ? Layer.succeed(Transport, fromDispatcher(options.dispatcher))
    : Layer.scoped(
      Transport,
      Effect.map(
        Effect.acquireRelease(
          Effect.sync(() => new Agent(options.agent)),
          (agent) => Effect.promise(() => agent.destroy())
        ),
        fromDispatcher
      )
    )
