/**
 * Turns a response into the operation's model or its typed error.
 *
 * @internal
 */
import {
  type ApiException,
  ApiExceptions,
  ErrorBody,
  ExceptionBody,
  Issues,
  type NotFoundException
} from "@katanemo/models"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type { Answer, Call, Endpoint } from "../Endpoint.js"
import { type CommonError, ResponseDecodeError, UnexpectedStatusError } from "../Errors.js"
import type { RawResponse } from "../RawResponse.js"
import { keep, requestId, type Scrub } from "./scrub.js"

/**
 * The longest stretch of any text from the server an error keeps (2 KiB): an unexpected body's
 * excerpt, and an error body's `message`, `errorCode` or `ErrorBody.message`.
 */
const maxErrorText = 2048

/** Scrubs a text from the server, then cuts it short: scrubbed first, a cut cannot leave half a token. */
const shown = (text: string, scrub: Scrub): string => {
  const scrubbed = scrub(text)
  return scrubbed.length > maxErrorText
    ? `${scrubbed.slice(0, maxErrorText)}… (${scrubbed.length} characters)`
    : scrubbed
}

const decodeExceptionBody = Schema.decodeEither(Schema.parseJson(ExceptionBody))

/**
 * The API's exception for a listed status, from its body; a body of another shape becomes the
 * message. Every string from the body is scrubbed of the token once decoded (a JSON escape cannot
 * hide it), then cut to 2 KiB (a cut cannot leave half of it).
 */
const exception = <E>(cls: new(props: ApiExceptions.Props) => E, answer: Answer, text: string, scrub: Scrub): E =>
  withoutStack(() => build(cls, answer, text, scrub))

/**
 * Runs `f` with no stack captured by the errors it makes. An exception's stack would show only
 * where the SDK reads a response (Effect's spans show where the call came from), and capturing
 * it was the costliest step of a 409 (about 7% of the CPU).
 */
const withoutStack = <A>(f: () => A): A => {
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 0
  try {
    return f()
  } finally {
    Error.stackTraceLimit = limit
  }
}

const build = <E>(cls: new(props: ApiExceptions.Props) => E, answer: Answer, text: string, scrub: Scrub): E => {
  const decoded = decodeExceptionBody(text)
  if (Either.isLeft(decoded)) return new cls(text === "" ? answer : { message: shown(text, scrub), ...answer })
  const { errorCode, message } = decoded.right
  return new cls({
    ...(message === undefined ? {} : { message: shown(message, scrub) }),
    ...(errorCode === undefined ? {} : { errorCode: shown(errorCode, scrub) }),
    ...answer
  })
}

const decodeErrorBody = Schema.decodeEither(Schema.parseJson(ErrorBody))

/** A status the operation does not list (including a 404 where it lists none); the body scrubbed. */
export const unexpectedStatus = (answer: Answer, text: string, scrub: Scrub = keep): UnexpectedStatusError => {
  const decoded = decodeErrorBody(text)
  return new UnexpectedStatusError({
    ...answer,
    body: Either.isRight(decoded)
      ? new ErrorBody({ code: decoded.right.code, message: shown(decoded.right.message, scrub) })
      : shown(text, scrub)
  })
}

const parsesAsJson = Schema.decodeUnknownEither(Schema.parseJson())
const isJson = (text: string): boolean => Either.isRight(parsesAsJson(text))

/**
 * What was wrong with a success body, without quoting it: it may hold a secret (a client secret,
 * a user token), so values are left out.
 */
const decodeDetail = (body: string, error: ParseResult.ParseError): string =>
  body.trim() === ""
    ? "empty body"
    : !isJson(body)
    ? "the body is not valid JSON"
    : Issues.issues(error, { withoutValues: true }).join("; ")

/**
 * Turns a final response into the operation's model or its typed error. `scrub` takes the
 * client's token out of every string the server sent that an error keeps.
 */
export const interpret = <In, A, NotFound>(
  endpoint: Endpoint<In, A, NotFound>,
  call: Call,
  response: RawResponse,
  scrub: Scrub = keep
): Effect.Effect<A, CommonError | NotFound> => {
  const id = requestId(response.requestId, scrub)
  const answer: Answer = id === undefined
    ? { ...call, status: response.status }
    : { ...call, status: response.status, requestId: id }
  const { body, status } = response
  if (status >= 200 && status < 300) {
    return Effect.mapError(
      endpoint.decode(body),
      (error) => new ResponseDecodeError({ ...answer, detail: scrub(decodeDetail(body, error)) })
    )
  }
  const listed = ApiExceptions.byStatus(status)
  if (Option.isNone(listed)) return Effect.fail(unexpectedStatus(answer, body, scrub))
  const entry = listed.value
  if (entry.tag === "NotFoundException") {
    return Effect.fail(endpoint.onNotFound({
      listed: () => exception(entry.exception, answer, body, scrub),
      unlisted: () => unexpectedStatus(answer, body, scrub)
    }))
  }
  return Effect.fail(exception<Exclude<ApiException, NotFoundException>>(entry.exception, answer, body, scrub))
}
