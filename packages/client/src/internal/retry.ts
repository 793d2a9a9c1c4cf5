/**
 * Which failures are retried, how long to wait, and the schedule that drives it.
 *
 * @internal
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import type { TimeoutError, TransportError } from "../Errors.js"
import type { RawResponse } from "../RawResponse.js"

/** A response whose status may be retried, carried through `Effect.retry` as a failure. */
export class RetryableResponse {
  readonly _tag = "RetryableResponse"
  constructor(readonly response: RawResponse) {}
}

/** What a retry decision looks at. */
export type RetryInput = TransportError | TimeoutError | RetryableResponse

const retryableStatuses: ReadonlySet<number> = new Set([429, 500, 502, 503, 504])

/**
 * An idempotent call (GET, PUT, DELETE, and the token exchange: see `Endpoint.idempotent`) is
 * retried on 429, 500, 502, 503, 504, transport failures and attempt timeouts. Any other (a POST
 * that creates) only when the server cannot have acted on it: a 429, or a refused connection.
 */
export const isRetryableStatus = (idempotent: boolean, status: number): boolean =>
  idempotent ? retryableStatuses.has(status) : status === 429

export const isRetryable = (idempotent: boolean) => (input: RetryInput): boolean => {
  switch (input._tag) {
    case "RetryableResponse":
      return isRetryableStatus(idempotent, input.response.status)
    case "TransportError":
      return input.reason === "ConnectionRefused" || (idempotent && input.reason === "Transport")
    case "TimeoutError":
      // only an attempt's timeout reaches here: the deadline ends the call
      return idempotent
  }
}

const maxRetryAfter = Duration.seconds(60)

/**
 * The wait a `Retry-After` header asks for: delay-seconds or an HTTP date (relative to `now`),
 * capped at 60 s. An absent or invalid value asks for nothing.
 */
export const parseRetryAfter = (value: string | undefined, now: number): Option.Option<Duration.Duration> => {
  if (value === undefined) return Option.none()
  const trimmed = value.trim()
  let millis: number
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    millis = Number(trimmed) * 1000
  } else if (httpDate.some((format) => format.test(trimmed))) {
    const date = Date.parse(trimmed)
    if (Number.isNaN(date)) return Option.none()
    millis = Math.max(0, date - now)
  } else {
    return Option.none()
  }
  return Number.isFinite(millis) ? Option.some(Duration.min(Duration.millis(millis), maxRetryAfter)) : Option.none()
}

/** The three forms of an HTTP date (RFC 9110 section 5.6.7): IMF-fixdate, RFC 850 and asctime. */
const httpDate: ReadonlyArray<RegExp> = [
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/,
  /^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \d{2}-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{2} \d{2}:\d{2}:\d{2} GMT$/,
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/
]

/** Exponential backoff from 0.5 s, doubling, capped at 8 s, with jitter (×0.75 to ×1). */
export const backoff = (maxRetries: number): Schedule.Schedule<unknown> =>
  Schedule.exponential("500 millis", 2).pipe(
    Schedule.modifyDelay((_, delay) => Duration.min(delay, Duration.seconds(8))),
    Schedule.jitteredWith({ min: 0.75, max: 1 }),
    Schedule.intersect(Schedule.recurs(maxRetries))
  )

const retryAfterOf = (input: RetryInput, now: number): Duration.Duration =>
  input._tag === "RetryableResponse"
    ? Option.getOrElse(parseRetryAfter(input.response.headers["retry-after"], now), () => Duration.zero)
    : Duration.zero

/**
 * The schedule of one call: retries only what `isRetryable` allows, waits the longer of `base`'s
 * delay and the response's `Retry-After`, and logs each retry at debug level.
 */
export const policy = (
  idempotent: boolean,
  base: Schedule.Schedule<unknown>,
  annotations: Readonly<Record<string, string>>
): Schedule.Schedule<unknown, RetryInput> =>
  Schedule.identity<RetryInput>().pipe(
    Schedule.whileInput(isRetryable(idempotent)),
    Schedule.addDelayEffect((input) =>
      Effect.map(Effect.clockWith((clock) => clock.currentTimeMillis), (now) => retryAfterOf(input, now))
    ),
    Schedule.intersect(base),
    Schedule.intersect(Schedule.count),
    Schedule.modifyDelayEffect(([[input], retry], delay) =>
      Effect.logDebug("retrying Katanemo API call").pipe(
        Effect.annotateLogs({
          ...annotations,
          attempt: retry + 2,
          delayMillis: Duration.toMillis(delay),
          after: input._tag === "RetryableResponse" ? `status ${input.response.status}` : input._tag
        }),
        Effect.as(delay)
      )
    )
  )
