/**
 * Turns a response into the operation's model or its typed error.
 *
 * @internal
 */
import {
  type ApiException,
  BadRequestException,
  ConflictException,
  ErrorBody,
  ExceptionBody,
  InternalServerErrorException,
  Issues,
  NotFoundException,
  TooManyRequestsException,
  UnauthorizedException
} from "@katanemo/models"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type { Answer, Call, Endpoint } from "../Endpoint.js"
import { type CommonError, ResponseDecodeError, UnexpectedStatusError } from "../Errors.js"
import type { RawResponse } from "../RawResponse.js"

const truncate = (text: string): string =>
  text.length > maxErrorText ? `${text.slice(0, maxErrorText)}… (${text.length} characters)` : text

/** Longest stretch of an unexpected body kept in an error. */
const maxErrorText = 2048

type ExceptionClass<E extends ApiException> = new(props: ConstructorParameters<typeof BadRequestException>[0]) => E

const decodeExceptionBody = Schema.decodeEither(Schema.parseJson(ExceptionBody))

/** The API's exception for a listed status, from its body; a body of another shape becomes the message. */
const exception = <E extends ApiException>(cls: ExceptionClass<E>, answer: Answer, text: string): E => {
  const wire = Either.getOrElse(decodeExceptionBody(text), () => (text === "" ? {} : { message: truncate(text) }))
  return new cls({ ...wire, ...answer })
}

const decodeErrorBody = Schema.decodeEither(Schema.parseJson(ErrorBody))

/** A status the operation does not list (including a 404 where it lists none). */
export const unexpectedStatus = (answer: Answer, text: string): UnexpectedStatusError =>
  new UnexpectedStatusError({ ...answer, body: Either.getOrElse(decodeErrorBody(text), () => truncate(text)) })

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

/** A 404 on an operation that lists it. */
export const notFound = (answer: Answer, text: string): NotFoundException => exception(NotFoundException, answer, text)

/** Turns a final response into the operation's model or its typed error. */
export const interpret = <In, A, NotFound>(
  endpoint: Endpoint<In, A, NotFound>,
  call: Call,
  response: RawResponse
): Effect.Effect<A, CommonError | NotFound> => {
  const answer: Answer = response.requestId === undefined
    ? { ...call, status: response.status }
    : { ...call, status: response.status, requestId: response.requestId }
  const { body, status } = response
  if (status >= 200 && status < 300) {
    return Effect.mapError(
      endpoint.decode(body),
      (error) => new ResponseDecodeError({ ...answer, detail: decodeDetail(body, error) })
    )
  }
  switch (status) {
    case 400:
      return Effect.fail(exception(BadRequestException, answer, body))
    case 401:
      return Effect.fail(exception(UnauthorizedException, answer, body))
    case 404:
      return Effect.fail(endpoint.onNotFound(answer, body))
    case 409:
      return Effect.fail(exception(ConflictException, answer, body))
    case 429:
      return Effect.fail(exception(TooManyRequestsException, answer, body))
    case 500:
      return Effect.fail(exception(InternalServerErrorException, answer, body))
    default:
      return Effect.fail(unexpectedStatus(answer, body))
  }
}
