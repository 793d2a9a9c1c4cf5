/**
 * What the client sends requests through: one small interface, with three implementations in
 * their own entry points. `@katanemo/client/UndiciTransport` (Node's default, the fastest),
 * `@katanemo/client/FetchTransport` (browsers, edge runtimes, any `fetch`) and
 * `@katanemo/client/HttpClientTransport` (any `@effect/platform` `HttpClient`: middleware, the
 * wire-level fake). The client's engine owns everything else: validation, retries, the deadline,
 * statuses, decoding and its span.
 *
 * @since 0.1.0
 */
import type * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Either from "effect/Either"
import type * as Tracer from "effect/Tracer"
import { schedule } from "./internal/timer.js"

/**
 * Sends one request in callback style, for {@link make}: call `done` once with the response or a
 * failure, and answer a function that aborts the request (it may be called after `done`).
 *
 * @since 0.1.0
 * @category models
 */
export type Send = (
  request: Transport.Request,
  done: (result: Either.Either<Transport.Response, Transport.Failure>) => void
) => () => void

/**
 * A transport from a callback-style `send`, with the attempt's timeout as one timer on the
 * `Clock` in context (the `TestClock` in tests) and an abort when the call is interrupted.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (send: Send): Transport.Service => ({
  send: (request) => Effect.clockWith((clock: Clock.Clock) => attempt(clock, send, request))
})

const timeout: Transport.Failure = { reason: "Timeout" }

const attempt = (clock: Clock.Clock, send: Send, request: Transport.Request) =>
  Effect.async<Transport.Response, Transport.Failure>((resume) => {
    let settled = false
    // started first, so that a `send` that answers at once can cancel it
    const cancelTimer = schedule(clock, request.timeoutMillis, () => {
      if (settled) return
      settled = true
      abort()
      resume(Effect.fail(timeout))
    })
    const abort = send(request, (result) => {
      if (settled) return
      settled = true
      cancelTimer()
      resume(result)
    })
    return Effect.sync(() => {
      if (settled) return
      settled = true
      cancelTimer()
      abort()
    })
  })

/**
 * The transport's tag. A layer of `@katanemo/client/UndiciTransport`,
 * `@katanemo/client/FetchTransport` or `@katanemo/client/HttpClientTransport` provides it.
 *
 * @since 0.1.0
 * @category tags
 */
export class Transport extends Context.Tag("@katanemo/client/Transport")<Transport, Transport.Service>() {
  /** @since 0.1.0 */
  static readonly make = make
}

/**
 * The types of a transport, merged with its tag.
 *
 * @since 0.1.0
 */
export declare namespace Transport {
  /**
   * One request, ready to send.
   *
   * @since 0.1.0
   * @category models
   */
  export interface Request {
    readonly method: "GET" | "POST" | "PUT" | "DELETE"
    /** Scheme, host and port: `https://api.katanemo.com`. */
    readonly origin: string
    /** The path after the origin (with the base URL's prefix), already percent-encoded. */
    readonly path: string
    /** Lower-case names. */
    readonly headers: Readonly<Record<string, string>>
    /** A JSON text, or none. */
    readonly body: string | undefined
    /** Read no more of the body than this (counted decompressed where the transport decompresses). */
    readonly maxResponseBytes: number
    /** The attempt's timeout. */
    readonly timeoutMillis: number
    /** The call's span (none with `span: false`): the parent of any span the transport makes. */
    readonly span: Tracer.Span | undefined
  }

  /**
   * A response, with its whole body read.
   *
   * @since 0.1.0
   * @category models
   */
  export interface Response {
    readonly status: number
    /** Lower-case names. */
    readonly headers: Readonly<Record<string, string>>
    readonly body: string
  }

  /**
   * Why a request got no response: the client turns it into a `TransportError` or a `TimeoutError`.
   *
   * @since 0.1.0
   * @category models
   */
  export interface Failure {
    readonly reason: "Transport" | "ResponseTooLarge" | "Timeout"
    /** What went wrong underneath (a refused connection is recognised by its `code`). */
    readonly cause?: unknown
    /** What went wrong, when there is no `cause` to describe it. */
    readonly detail?: string
  }

  /**
   * A transport: sends one request and answers its response, or why there is none. Interrupting
   * it aborts the request.
   *
   * @since 0.1.0
   * @category models
   */
  export interface Service {
    readonly send: (request: Request) => Effect.Effect<Response, Failure>
  }
}
