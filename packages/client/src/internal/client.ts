/**
 * The engine under every operation: validate the input, send the request with per-attempt
 * timeouts, retries and an overall deadline, then hand the response on.
 *
 * @internal
 */
import type { TokenResponse } from "@katanemo/models"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Redacted from "effect/Redacted"
import type * as Tracer from "effect/Tracer"
import type { Call, Endpoint } from "../Endpoint.js"
import { type CommonError, InvalidRequestError, type RawError, TimeoutError, TransportError } from "../Errors.js"
import type { IdentityApi } from "../IdentityApi.js"
import {
  defaultBaseUrl,
  defaultMaxResponseBytes,
  defaultMaxRetries,
  defaultRefreshMargin,
  defaultTimeout
} from "../IdentityApiConfig.js"
import type { RawResponse } from "../RawResponse.js"
import type { Transport } from "../Transport.js"
import * as Credentials from "./credentials.js"
import type { Auth } from "./credentials.js"
import { interpret } from "./interpret.js"
import { logAttempt } from "./log.js"
import { problems } from "./options.js"
import { backoff, isRetryable, isRetryableStatus, policy, RetryableResponse, type RetryInput } from "./retry.js"
import { requestId, type Scrub, scrubber } from "./scrub.js"
import { version } from "./version.js"

/** The `User-Agent` every request carries. */
const userAgent = `katanemo-sdk-ts/${version}`

const requestIdHeaders = ["x-request-id", "x-amzn-requestid", "request-id"] as const

const requestIdOf = (headers: Readonly<Record<string, string>>): string | undefined => {
  for (const name of requestIdHeaders) {
    const value = headers[name]
    if (value !== undefined && value !== "") return value
  }
  return undefined
}

/** Whether a transport failure is a refused connection, looking through its causes. */
const isConnectionRefused = (error: unknown): boolean => {
  const seen = new Set<unknown>()
  const queue: Array<unknown> = [error]
  while (queue.length > 0) {
    const next = queue.shift()
    if (typeof next !== "object" || next === null || seen.has(next)) continue
    seen.add(next)
    if ("code" in next && next.code === "ECONNREFUSED") return true
    if ("cause" in next) queue.push(next.cause)
    if ("errors" in next && Array.isArray(next.errors)) queue.push(...next.errors)
  }
  return false
}

const describe = (error: unknown): string => {
  const parts: Array<string> = []
  let next: unknown = error
  for (let depth = 0; depth < 4 && typeof next === "object" && next !== null; depth++) {
    if ("message" in next && typeof next.message === "string" && next.message !== "") parts.push(next.message)
    const code = "code" in next && typeof next.code === "string" ? next.code : undefined
    if (code !== undefined && !parts.some((part) => part.includes(code))) parts.push(code)
    next = "cause" in next ? next.cause : undefined
  }
  return [...new Set(parts)].join(": ") || "request failed"
}

const transportError = (call: Call, failure: Transport.Failure, maxResponseBytes: number, scrub: Scrub) =>
  failure.reason === "ResponseTooLarge"
    ? new TransportError({
      ...call,
      reason: "ResponseTooLarge",
      detail: `the response body exceeds ${maxResponseBytes} bytes`
    })
    : new TransportError({
      ...call,
      reason: isConnectionRefused(failure.cause) ? "ConnectionRefused" : "Transport",
      detail: scrub(failure.cause === undefined ? failure.detail ?? "request failed" : describe(failure.cause)),
      // only the underlying cause: nothing that holds the request, with its headers
      ...(failure.cause === undefined ? {} : { cause: failure.cause })
    })

/** Header names in lower case, as HTTP/2 and every transport here send them. */
const lowerCaseNames = (headers: Readonly<Record<string, string>>): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const name of Object.keys(headers)) {
    const value = headers[name]
    if (value !== undefined) out[name.toLowerCase()] = value
  }
  return out
}

/** The client every operation runs on, built once by `IdentityApi.make`. */
export interface Engine {
  /** Sends a call and decodes its answer. */
  readonly call: <In, A, NotFound>(
    endpoint: Endpoint<In, A, NotFound>,
    input: unknown,
    options?: IdentityApi.CallOptions
  ) => Effect.Effect<A, CommonError | NotFound>
  /** Sends a call and returns the response as it arrived. */
  readonly raw: <In, A, NotFound>(
    endpoint: Endpoint<In, A, NotFound>,
    input: unknown,
    options?: IdentityApi.CallOptions
  ) => Effect.Effect<RawResponse, RawError>
}

/** The `traceparent` header (W3C Trace Context) of a span, for the server to join the trace. */
const traceparent = (span: Tracer.Span): string => `00-${span.traceId}-${span.spanId}-${span.sampled ? "01" : "00"}`

/**
 * The retries, as children of the call's span (their log lines with it). The first attempt runs
 * without: providing the span as the parent copies the fiber's context, on every call.
 */
const inSpan = <A, E>(effect: Effect.Effect<A, E>, span: Tracer.Span | undefined): Effect.Effect<A, E> =>
  span === undefined ? effect : Effect.withParentSpan(effect, span)

/**
 * Ends the call's span. A success ends it without the value: a span keeps the exit it ended
 * with, and holding a list of 1,000 users there kept it alive into the old generation, where its
 * `Redacted` tokens (entries of a `WeakMap`) made each major GC cost milliseconds.
 */
const endSpan = <A, E>(span: Tracer.Span, exit: Exit.Exit<A, E>) =>
  Effect.clockWith((clock) =>
    Effect.sync(() => span.end(clock.unsafeCurrentTimeNanos(), Exit.isSuccess(exit) ? Exit.void : exit))
  )

/** The attributes a call's span starts with: the operation, and its account where it has one. */
const spanAttributes = (operation: string, accountId: string | undefined): Record<string, string> =>
  accountId === undefined
    ? { "katanemo.operation": operation }
    : { "katanemo.operation": operation, "katanemo.account_id": accountId }

/**
 * Builds the engine over a transport, with the client's options. With client credentials,
 * `exchange` is the token exchange the engine's token source runs (on an engine of its own,
 * without credentials).
 */
export const makeEngine = (
  transport: Transport.Service,
  options: IdentityApi.Options,
  exchange?: Effect.Effect<TokenResponse, CommonError>
): Engine => {
  const base = new URL(String(options.baseUrl ?? defaultBaseUrl))
  const origin = base.origin
  const basePath = base.pathname.replace(/\/+$/, "")
  const token = options.token !== undefined && Redacted.value(options.token) !== "" ? options.token : undefined
  const clientSecret = options.clientSecret === undefined ? undefined : Redacted.value(options.clientSecret)
  /**
   * Built once per token: the headers every request starts from, and a scrubber of the token
   * (and of the client secret): whatever the server sends back, an error never shows them.
   */
  const authOf = (token: string | undefined): Auth => ({
    token,
    scrub: scrubber(token, clientSecret),
    headers: {
      "user-agent": userAgent,
      accept: "application/json",
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` })
    }
  })
  const fixed = authOf(token === undefined ? undefined : Redacted.value(token))
  /**
   * What an operation that needs no token (the token exchange) is sent with: no token at all,
   * though whatever the server sends back is still scrubbed of the client's own.
   */
  const anonymous: Auth = { ...authOf(undefined), scrub: fixed.scrub }
  const credentials = exchange === undefined || options.clientId === undefined
    ? undefined
    : Credentials.make({
      clientId: options.clientId,
      exchange,
      refreshMarginMillis: Duration.toMillis(options.refreshMargin ?? defaultRefreshMargin),
      authOf
    })
  const clientTimeoutMillis = Duration.toMillis(options.timeout === undefined ? defaultTimeout : options.timeout)
  const clientDeadline = options.deadline === undefined ? undefined : Duration.decode(options.deadline)
  const clientSchedule = options.retrySchedule ?? backoff(options.maxRetries ?? defaultMaxRetries)
  const withSpan = options.span !== false
  const maxResponseBytes = options.maxResponseBytes !== undefined && Number.isFinite(options.maxResponseBytes)
    ? Math.max(0, options.maxResponseBytes)
    : defaultMaxResponseBytes

  /** One attempt, within the per-attempt timeout (the transport's one timer). */
  const attempt = (call: Call, request: Transport.Request, scrub: Scrub) =>
    Effect.matchEffect(transport.send(request), {
      onFailure: (failure) =>
        Effect.fail(
          failure.reason === "Timeout"
            ? new TimeoutError({ ...call, scope: "attempt", timeoutMillis: request.timeoutMillis })
            : transportError(call, failure, maxResponseBytes, scrub)
        ),
      onSuccess: (response) =>
        Effect.succeed<RawResponse>({
          status: response.status,
          headers: response.headers,
          body: response.body,
          requestId: requestIdOf(response.headers)
        })
    })

  /** Validates the input, sends the request with retries and the deadline, in the operation's span. */
  const send = <In, A, NotFound, B, E>(
    endpoint: Endpoint<In, A, NotFound>,
    input: unknown,
    options: IdentityApi.CallOptions | undefined,
    then: (call: Call, response: RawResponse, scrub: Scrub) => Effect.Effect<B, E>
  ): Effect.Effect<B, E | RawError> =>
    Effect.suspend((): Effect.Effect<B, E | RawError> => {
      // validation and encoding are synchronous: a bad input fails before any effect runs
      const valid = endpoint.validate(input)
      if (Either.isLeft(valid)) {
        return Effect.fail(
          InvalidRequestError.fromParseError(
            { operation: endpoint.operation, method: endpoint.method, path: endpoint.template },
            valid.left
          )
        )
      }
      const call: Call = { operation: endpoint.operation, method: endpoint.method, path: endpoint.path(valid.right) }
      // per-call options from an untyped caller: a bad one is an input error, not a crash later
      const bad = options === undefined ? [] : problems(options)
      if (bad.length > 0) {
        return Effect.fail(new InvalidRequestError({ ...call, issues: bad.map((p) => `${p.name}: ${p.message}`) }))
      }
      // a call's own secrets (a token exchange's client secret) are scrubbed like the token
      const secrets = endpoint.secrets?.(valid.right).map(Redacted.value)
      const scrubOf = (auth: Auth): Scrub =>
        secrets === undefined ? auth.scrub : scrubber(auth.token ?? fixed.token, clientSecret, ...secrets)
      let body: string | undefined
      if (endpoint.body !== undefined) {
        const encoded = endpoint.body(valid.right)
        if (Either.isLeft(encoded)) return Effect.fail(InvalidRequestError.fromParseError(call, encoded.left))
        body = JSON.stringify(encoded.right)
      }
      const timeoutMillis = options?.timeout === undefined
        ? clientTimeoutMillis
        : Duration.toMillis(Duration.decode(options.timeout))
      // the shared headers as they are, unless this call adds some: a body's type, the span's
      // traceparent, the caller's own
      const request = (span: Tracer.Span | undefined, auth: Auth): Transport.Request => ({
        method: endpoint.method,
        origin,
        path: basePath + call.path,
        headers: span === undefined && body === undefined && options?.headers === undefined
          ? auth.headers
          : {
            ...auth.headers,
            ...(body === undefined ? {} : { "content-type": "application/json" }),
            ...(span === undefined ? {} : { traceparent: traceparent(span) }),
            ...(options?.headers === undefined ? {} : lowerCaseNames(options.headers))
          },
        body,
        maxResponseBytes,
        timeoutMillis,
        span
      })

      // each attempt (the first, every retry and a replay after a 401) logs one Debug line, numbered from 1
      let attemptNumber = 0
      /** The attempts with `auth`: the first, then retries while the method's policy allows. */
      const attempts = (span: Tracer.Span | undefined, auth: Auth) => {
        const scrub = scrubOf(auth)
        const once = logAttempt(call, () => ++attemptNumber, scrub, attempt(call, request(span, auth), scrub))
        // The common case pays for no retry machinery: the schedule is built on the first failure.
        return Effect.matchEffect(once, {
          onSuccess: (response) =>
            isRetryableStatus(endpoint.idempotent, response.status)
              ? inSpan(retry(call, endpoint.idempotent, once, new RetryableResponse(response), options), span)
              : Effect.succeed(response),
          onFailure: (error) =>
            isRetryable(endpoint.idempotent)(error)
              ? inSpan(retry(call, endpoint.idempotent, once, error, options), span)
              : Effect.fail(error)
        })
      }
      const deadline = options?.deadline === undefined ? clientDeadline : Duration.decode(options.deadline)
      const bounded = <A, E>(effect: Effect.Effect<A, E>): Effect.Effect<A, E | TimeoutError> =>
        deadline === undefined ? effect : effect.pipe(
          Effect.timeoutFail({
            duration: deadline,
            onTimeout: () =>
              new TimeoutError({ ...call, scope: "deadline", timeoutMillis: Duration.toMillis(deadline) })
          })
        )
      const answer = (span: Tracer.Span | undefined, response: RawResponse, auth: Auth) => {
        const scrub = scrubOf(auth)
        if (span !== undefined) {
          span.attribute("http.response.status_code", response.status)
          const id = requestId(response.requestId, scrub)
          if (id !== undefined) span.attribute("katanemo.request_id", id)
        }
        return then(call, response, scrub)
      }

      const run = (span: Tracer.Span | undefined) => {
        if (credentials === undefined || !endpoint.authenticated) {
          const auth = endpoint.authenticated ? fixed : anonymous
          return Effect.flatMap(bounded(attempts(span, auth)), (response) => answer(span, response, auth))
        }
        // with client credentials: the current token, and after a 401 a new one and the call once more
        const authed = Effect.flatMap(credentials.current(call), (auth) =>
          Effect.flatMap(attempts(span, auth), (response) =>
            response.status !== 401
              ? Effect.succeed({ response, auth })
              : Effect.flatMap(credentials.renew(call, auth), (renewed) =>
                Effect.map(attempts(span, renewed), (response) => ({ response, auth: renewed })))))
        return Effect.flatMap(bounded(authed), ({ auth, response }) =>
          answer(span, response, auth))
      }

      if (!withSpan) return run(undefined)
      return Effect.flatMap(
        Effect.makeSpan(`IdentityApi.${endpoint.operation}`, {
          kind: "client",
          attributes: spanAttributes(endpoint.operation, endpoint.accountId(valid.right)),
          captureStackTrace: false
        }),
        (span) => Effect.onExit(run(span), (exit) => endSpan(span, exit))
      )
    })

  /**
   * Retries after a first retryable failure, as the call's schedule says: waits, attempts again,
   * and answers the last response (a retryable status that persisted is still a response).
   */
  const retry = (
    call: Call,
    idempotent: boolean,
    once: Effect.Effect<RawResponse, TransportError | TimeoutError>,
    first: RetryInput,
    options: IdentityApi.CallOptions | undefined
  ): Effect.Effect<RawResponse, TransportError | TimeoutError> => {
    const base = options?.retrySchedule
      ?? (options?.maxRetries !== undefined ? backoff(options.maxRetries) : clientSchedule)
    const schedule = policy(idempotent, base, { operation: call.operation, method: call.method, path: call.path })
    let replayFirst = true
    const again = Effect.suspend(() => {
      if (replayFirst) {
        replayFirst = false
        return Effect.fail(first)
      }
      return Effect.filterOrFail(
        once,
        (response) => !isRetryableStatus(idempotent, response.status),
        (response) => new RetryableResponse(response)
      )
    })
    return again.pipe(
      Effect.retry(schedule),
      Effect.catchIf(
        (error): error is RetryableResponse => error instanceof RetryableResponse,
        (error) => Effect.succeed(error.response)
      )
    )
  }

  return {
    call: (endpoint, input, options) =>
      send(endpoint, input, options, (call, response, scrub) => interpret(endpoint, call, response, scrub)),
    raw: (endpoint, input, options) => send(endpoint, input, options, (_, response) => Effect.succeed(response))
  }
}
