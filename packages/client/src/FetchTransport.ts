/**
 * The transport over the global `fetch` (or one you pass), with no `@effect/platform`: for
 * browsers, edge runtimes and Deno, and for a program that should bundle small. It imports no
 * Node built-in.
 *
 * @example
 * ```ts
 * import { IdentityApi } from "@katanemo/client"
 * import * as FetchTransport from "@katanemo/client/FetchTransport"
 * import * as Layer from "effect/Layer"
 *
 * const live = IdentityApi.layer({ baseUrl: "https://api.katanemo.com" }).pipe(Layer.provide(FetchTransport.layer()))
 * ```
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import { Transport } from "./Transport.js"

/**
 * A `fetch` function: the global one, or one of your own (MSW, a Workers service binding, …).
 *
 * @since 0.1.0
 * @category models
 */
export type Fetch = (input: string, init: RequestInit) => Promise<Response>

/**
 * Options of the fetch transport.
 *
 * @since 0.1.0
 * @category options
 */
export interface Options {
  /** The `fetch` to call (default: `globalThis.fetch`, looked up when the layer is built). */
  readonly fetch?: Fetch | undefined
}

const tooLarge: Transport.Failure = { reason: "ResponseTooLarge" }

const headersOf = (response: Response): Record<string, string> => {
  const out: Record<string, string> = {}
  response.headers.forEach((value, name) => {
    out[name] = value
  })
  return out
}

/**
 * Reads a body of at most `max` bytes, counted as `fetch` hands them over (decompressed), and
 * stops reading at the limit.
 */
const readBody = async (response: Response, max: number, abort: () => void): Promise<string | undefined> => {
  const length = response.headers.get("content-length")
  const encoding = response.headers.get("content-encoding")
  if (length !== null && (encoding === null || encoding === "identity") && Number(length) > max) {
    abort()
    return undefined
  }
  if (response.body === null) return ""
  const reader = response.body.getReader()
  const decoder = new TextDecoder()
  let size = 0
  let text = ""
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return text + decoder.decode()
    size += value.byteLength
    if (size > max) {
      abort()
      await reader.cancel().catch(() => undefined)
      return undefined
    }
    text += decoder.decode(value, { stream: true })
  }
}

/**
 * A transport over a `fetch` function. `fetch` follows redirects and, as the Fetch standard
 * requires, drops `Authorization` on a redirect to another origin.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromFetch = (fetch: Fetch): Transport.Service =>
  Transport.make((request, done) => {
    const controller = new AbortController()
    const abort = () => controller.abort()
    const init: RequestInit = {
      method: request.method,
      headers: request.headers,
      signal: controller.signal,
      redirect: "follow"
    }
    if (request.body !== undefined) init.body = request.body
    fetch(request.origin + request.path, init).then(
      (response) =>
        readBody(response, request.maxResponseBytes, abort).then(
          (body) =>
            done(
              body === undefined
                ? Either.left(tooLarge)
                : Either.right({ status: response.status, headers: headersOf(response), body })
            ),
          (cause: unknown) => done(Either.left({ reason: "Transport", cause }))
        ),
      (cause: unknown) => done(Either.left({ reason: "Transport", cause }))
    )
    return abort
  })

/**
 * The fetch transport as a layer.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<Transport> =>
  Layer.sync(Transport, () => fromFetch(options.fetch ?? ((input, init) => globalThis.fetch(input, init))))
