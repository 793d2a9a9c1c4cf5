/**
 * The engine under every operation: validate the input, send the request with per-attempt
 * timeouts, retries and an overall deadline, then hand the response on.
 *
 * @internal
 */
import * as Headers from "@effect/platform/Headers"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { identity } from "effect/Function"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import type { Call, Endpoint } from "../Endpoint.js"
import { type CommonError, InvalidRequestError, type RawError, TimeoutError, TransportError } from "../Errors.js"
import type { IdentityApi } from "../IdentityApi.js"
import { defaultBaseUrl, defaultMaxResponseBytes, defaultMaxRetries, defaultTimeout } from "../IdentityApiConfig.js"
import type { RawResponse } from "../RawResponse.js"
import { interpret } from "./interpret.js"
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

const transportError = (call: Call, error: HttpClientError.HttpClientError, scrub: Scrub): TransportError =>
  new TransportError({
    ...call,
    reason: isConnectionRefused(error) ? "ConnectionRefused" : "Transport",
    detail: scrub(describe(error.cause ?? error)),
    // only the underlying cause: the HttpClient error itself holds the request, with its headers
    ...(error.cause === undefined ? {} : { cause: error.cause })
  })

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

/** Matches every header name. */
const everyHeader: ReadonlyArray<RegExp> = [/./]

/** Builds the engine over an `HttpClient`, with the client's options. */
export const makeEngine = (http: HttpClient.HttpClient, options: IdentityApi.Options): Engine => {
  const baseUrl = String(options.baseUrl ?? defaultBaseUrl).replace(/\/+$/, "")
  const token = options.token !== undefined && Redacted.value(options.token) !== "" ? options.token : undefined
  // whatever the server sends back, an error never shows the token
  const scrub = scrubber(token === undefined ? undefined : Redacted.value(token))
  const client = (options.transformClient ?? identity)(http)
  // Built once: every request starts from these (the token's header is redacted in spans and logs).
  const headers = Headers.fromInput({
    "user-agent": userAgent,
    accept: "application/json",
    ...(token === undefined ? {} : { authorization: `Bearer ${Redacted.value(token)}` })
  })
  const clientTimeout = options.timeout === undefined ? defaultTimeout : Duration.decode(options.timeout)
  const clientDeadline = options.deadline === undefined ? undefined : Duration.decode(options.deadline)
  const clientSchedule = options.retrySchedule ?? backoff(options.maxRetries ?? defaultMaxRetries)

  /** One attempt: send, read the body, within the per-attempt timeout. */
  const maxResponseBytes = options.maxResponseBytes !== undefined && Number.isFinite(options.maxResponseBytes)
    ? Math.max(0, options.maxResponseBytes)
    : defaultMaxResponseBytes
  const decoder = new TextDecoder()

  /**
   * Reads a body of at most `maxResponseBytes`: a declared larger one is not read at all; an
   * undeclared (chunked) one is read chunk by chunk and dropped once it outgrows the limit.
   */
  const readBody = (call: Call, response: HttpClientResponse.HttpClientResponse) => {
    const tooLarge = () =>
      new TransportError({
        ...call,
        reason: "ResponseTooLarge",
        detail: `the response body exceeds ${maxResponseBytes} bytes`
      })
    // A declared length is trusted only for an uncompressed body (a client that decompresses, as
    // fetch does, would read more than it declares) and only up to the limit; anything else is
    // read as a stream, counted, and dropped at the limit.
    const length = response.headers["content-length"]
    const encoding = response.headers["content-encoding"]
    if (
      length !== undefined && /^\d+$/.test(length) && Number(length) <= maxResponseBytes
      && (encoding === undefined || encoding === "identity")
    ) {
      return Effect.mapError(response.text, (error) => transportError(call, error, scrub))
    }
    return response.stream.pipe(
      Stream.mapError((error) => transportError(call, error, scrub)),
      Stream.runFoldEffect({ chunks: new Array<Uint8Array>(), size: 0 }, (acc, chunk) => {
        acc.size += chunk.byteLength
        acc.chunks.push(chunk)
        return acc.size > maxResponseBytes ? Effect.fail(tooLarge()) : Effect.succeed(acc)
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

  // The HttpClient's span records the value of every request and response header, redacting by
  // name only. A server may echo the token in any header (some gateways do): with a token, that
  // span redacts every header's value. The operation's own span carries what is safe to show.
  const execute = token === undefined
    ? client.execute
    : (request: HttpClientRequest.HttpClientRequest) =>
      Effect.locally(client.execute(request), Headers.currentRedactedNames, everyHeader)

  const attempt = (call: Call, request: HttpClientRequest.HttpClientRequest, timeout: Duration.Duration) =>
    execute(request).pipe(
      Effect.mapError((error) => transportError(call, error, scrub)),
      Effect.flatMap((response) =>
        Effect.map(readBody(call, response), (body): RawResponse => ({
          status: response.status,
          headers: response.headers,
          body,
          requestId: requestIdOf(response.headers)
        }))
      ),
      Effect.timeoutFail({
        duration: timeout,
        onTimeout: () => new TimeoutError({ ...call, scope: "attempt", timeoutMillis: Duration.toMillis(timeout) })
      })
    )

  /** Validates the input, sends the request with retries and the deadline, in the operation's span. */
  const send = <In, A, NotFound, B, E>(
    endpoint: Endpoint<In, A, NotFound>,
    input: unknown,
    options: IdentityApi.CallOptions | undefined,
    then: (call: Call, response: RawResponse) => Effect.Effect<B, E>
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
      let request = HttpClientRequest.make(endpoint.method)(baseUrl + call.path, { headers })
      if (endpoint.body !== undefined) {
        const body = endpoint.body(valid.right)
        if (Either.isLeft(body)) return Effect.fail(InvalidRequestError.fromParseError(call, body.left))
        request = HttpClientRequest.bodyUnsafeJson(request, body.right)
      }
      if (options?.headers !== undefined) {
        request = HttpClientRequest.setHeaders(request, options.headers)
      }

      const timeout = options?.timeout === undefined ? clientTimeout : Duration.decode(options.timeout)
      const once = attempt(call, request, timeout)
      // The common case pays for no retry machinery: the schedule is built on the first failure.
      const retried = Effect.matchEffect(once, {
        onSuccess: (response) =>
          isRetryableStatus(call.method, response.status)
            ? retry(call, once, new RetryableResponse(response), options)
            : Effect.succeed(response),
        onFailure: (error) => isRetryable(call.method)(error) ? retry(call, once, error, options) : Effect.fail(error)
      })
      const deadline = options?.deadline === undefined ? clientDeadline : Duration.decode(options.deadline)
      const bounded = deadline === undefined ? retried : retried.pipe(
        Effect.timeoutFail({
          duration: deadline,
          onTimeout: () => new TimeoutError({ ...call, scope: "deadline", timeoutMillis: Duration.toMillis(deadline) })
        })
      )
      return bounded.pipe(
        Effect.flatMap((response) => {
          const id = requestId(response.requestId, scrub)
          return Effect.zipRight(
            Effect.annotateCurrentSpan(
              id === undefined
                ? { "http.response.status_code": response.status }
                : { "http.response.status_code": response.status, "katanemo.request_id": id }
            ),
            then(call, response)
          )
        }),
        Effect.withSpan(`IdentityApi.${endpoint.operation}`, {
          kind: "client",
          attributes: {
            "katanemo.operation": endpoint.operation,
            "katanemo.account_id": endpoint.accountId(valid.right)
          },
          captureStackTrace: false
        })
      )
    })

  /**
   * Retries after a first retryable failure, as the call's schedule says: waits, attempts again,
   * and answers the last response (a retryable status that persisted is still a response).
   */
  const retry = (
    call: Call,
    once: Effect.Effect<RawResponse, TransportError | TimeoutError>,
    first: RetryInput,
    options: IdentityApi.CallOptions | undefined
  ): Effect.Effect<RawResponse, TransportError | TimeoutError> => {
    const base = options?.retrySchedule
      ?? (options?.maxRetries !== undefined ? backoff(options.maxRetries) : clientSchedule)
    const schedule = policy(call.method, base, { operation: call.operation, method: call.method, path: call.path })
    let replayFirst = true
    const again = Effect.suspend(() => {
      if (replayFirst) {
        replayFirst = false
        return Effect.fail(first)
      }
      return Effect.filterOrFail(
        once,
        (response) => !isRetryableStatus(call.method, response.status),
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
      send(endpoint, input, options, (call, response) => interpret(endpoint, call, response, scrub)),
    raw: (endpoint, input, options) => send(endpoint, input, options, (_, response) => Effect.succeed(response))
  }
}
