/**
 * One Debug log line per attempt: what was sent, what came back, how long it took. Built only
 * when Debug is on: below it an attempt pays for one read of the fiber's minimum log level.
 *
 * What a line holds is listed here, field by field: no header and no body is ever logged (the
 * `Authorization` header carries the token; a body may carry a client secret or a user's token),
 * and the request id, which the server sends, is scrubbed of the call's secrets.
 *
 * @internal
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberRef from "effect/FiberRef"
import * as LogLevel from "effect/LogLevel"
import type { Call } from "../Endpoint.js"
import type { TimeoutError, TransportError } from "../Errors.js"
import type { RawResponse } from "../RawResponse.js"
import { requestId, type Scrub } from "./scrub.js"

/** The message of every attempt's line; the fields are its annotations. */
export const message = "Katanemo API attempt"

/** What an attempt that got no response ended with. */
const outcome = (exit: Exit.Exit<RawResponse, TimeoutError | TransportError>): string => {
  if (Exit.isSuccess(exit)) return "response"
  const failure = Cause.failureOption(exit.cause)
  if (failure._tag === "None") return Cause.isInterruptedOnly(exit.cause) ? "Interrupted" : "Defect"
  return failure.value._tag === "TimeoutError" ? "Timeout" : failure.value.reason
}

/** The annotations of one attempt's line. */
const annotations = (
  call: Call,
  attempt: number,
  millis: number,
  exit: Exit.Exit<RawResponse, TimeoutError | TransportError>,
  scrub: Scrub
): Record<string, string | number> => {
  const fields: Record<string, string | number> = {
    "katanemo.operation": call.operation,
    "http.request.method": call.method,
    "url.path": call.path,
    "katanemo.attempt": attempt,
    "katanemo.duration_ms": millis
  }
  if (Exit.isSuccess(exit)) {
    fields["http.response.status_code"] = exit.value.status
    const id = requestId(exit.value.requestId, scrub)
    if (id !== undefined) fields["katanemo.request_id"] = id
  } else {
    fields["error.type"] = outcome(exit)
  }
  return fields
}

/**
 * Logs one attempt at Debug level when the fiber's minimum level lets Debug through; otherwise
 * runs it as it is. `next` answers the attempt's number (from 1): it counts every attempt of the
 * call, logged or not.
 */
export const logAttempt = (
  call: Call,
  next: () => number,
  scrub: Scrub,
  attempt: Effect.Effect<RawResponse, TimeoutError | TransportError>
): Effect.Effect<RawResponse, TimeoutError | TransportError> =>
  Effect.withFiberRuntime((fiber) => {
    const number = next()
    if (LogLevel.greaterThan(fiber.getFiberRef(FiberRef.currentMinimumLogLevel), LogLevel.Debug)) return attempt
    return Effect.flatMap(Clock.currentTimeMillis, (start) =>
      Effect.onExit(attempt, (exit) =>
        Effect.flatMap(Clock.currentTimeMillis, (end) =>
          Effect.annotateLogs(Effect.logDebug(message), annotations(call, number, end - start, exit, scrub)))))
  })
