/**
 * The API's exceptions: one `Schema.TaggedError` per exception the spec names, each with the
 * wire body `{ message?, errorCode? }`. The tag equals the class name, so a program handles one
 * with `Effect.catchTag("ConflictException", ...)`.
 *
 * Besides the wire fields, an exception raised by a call carries what the SDK knew of that call
 * (`operation`, `method`, `path`, `status`, `requestId`); these never go on the wire.
 *
 * The classes' own encoding carries `_tag`; the bodies on the wire do not. Use
 * {@link ApiExceptionFromBody} (or {@link ExceptionBody}) to read and write the wire form.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { exactOptional } from "./internal/optional.js"

/**
 * The call an error came from: the operation, the HTTP method and the path. The client's own
 * errors (`@katanemo/client`) carry these fields; the API's exceptions carry them optionally.
 *
 * @since 0.1.0
 * @category context
 */
export const CallContextFields = {
  /** The operation, such as `createClientKey`. */
  operation: Schema.String,
  /** The HTTP method of the request. */
  method: Schema.String,
  /** The request path, with its parameters percent-encoded (the template when they were invalid). */
  path: Schema.String
}

/**
 * The call an error came from, and the response it got: {@link CallContextFields}, the status and
 * the request id.
 *
 * @since 0.1.0
 * @category context
 */
export const ResponseContextFields = {
  ...CallContextFields,
  /** The HTTP status of the response. */
  status: Schema.Int,
  /**
   * The response's request id header, when it had one. The client keeps one of at most 256
   * visible ASCII characters (its token, should a server echo it there, reads `<redacted>`).
   */
  requestId: exactOptional(Schema.String)
}

/**
 * The call an error came from.
 *
 * @since 0.1.0
 * @category context
 */
export type CallContext = Schema.Struct.Type<typeof CallContextFields>

/**
 * The call an error came from, and the response it got.
 *
 * @since 0.1.0
 * @category context
 */
export type ResponseContext = Schema.Struct.Type<typeof ResponseContextFields>

/**
 * The fields of every exception: the wire body, then the call it came from
 * ({@link ResponseContextFields}, each optional here: an exception made by hand has none).
 *
 * @since 0.1.0
 * @category exceptions
 */
export const ApiExceptionFields = {
  /** The API's message, as sent. */
  message: exactOptional(Schema.String),
  /** The API's error code, as sent. */
  errorCode: exactOptional(Schema.String),
  ...({
    /** The operation that failed, such as `createClientKey`. Not on the wire. */
    operation: exactOptional(ResponseContextFields.operation),
    /** The HTTP method of the failed request. Not on the wire. */
    method: exactOptional(ResponseContextFields.method),
    /** The path of the failed request, with its parameters percent-encoded. Not on the wire. */
    path: exactOptional(ResponseContextFields.path),
    /** The HTTP status of the response. Not on the wire. */
    status: exactOptional(ResponseContextFields.status),
    /** The response's request id header, when it had one. Not on the wire. */
    requestId: ResponseContextFields.requestId
  } satisfies { readonly [K in keyof typeof ResponseContextFields]: Schema.Struct.Field })
}

const fields = ApiExceptionFields

/**
 * The wire body every exception shares, exactly as the API sends it: no `_tag`, both fields
 * optional (`null` reads as absent), unknown fields ignored.
 *
 * @since 0.1.0
 * @category wire
 */
export const ExceptionBody = Schema.Struct({
  message: Schema.optionalWith(Schema.String, { exact: true, nullable: true }),
  errorCode: Schema.optionalWith(Schema.String, { exact: true, nullable: true })
}).annotations({ identifier: "ExceptionBody" })

/**
 * @since 0.1.0
 * @category wire
 */
export type ExceptionBody = typeof ExceptionBody.Type

/**
 * The request was malformed or failed validation (HTTP 400).
 *
 * @since 0.1.0
 * @category exceptions
 */
export class BadRequestException extends Schema.TaggedError<BadRequestException>()("BadRequestException", fields) {}

/**
 * The token is missing, invalid or expired (HTTP 401).
 *
 * @since 0.1.0
 * @category exceptions
 */
export class UnauthorizedException
  extends Schema.TaggedError<UnauthorizedException>()("UnauthorizedException", fields)
{}

/**
 * The addressed key or user does not exist (HTTP 404).
 *
 * @since 0.1.0
 * @category exceptions
 */
export class NotFoundException extends Schema.TaggedError<NotFoundException>()("NotFoundException", fields) {}

/**
 * The request conflicts with existing state, such as a duplicate key name or user (HTTP 409).
 *
 * @since 0.1.0
 * @category exceptions
 */
export class ConflictException extends Schema.TaggedError<ConflictException>()("ConflictException", fields) {}

/**
 * The caller exceeded the rate limit (HTTP 429).
 *
 * @since 0.1.0
 * @category exceptions
 */
export class TooManyRequestsException
  extends Schema.TaggedError<TooManyRequestsException>()("TooManyRequestsException", fields)
{}

/**
 * The API failed while handling the request (HTTP 500).
 *
 * @since 0.1.0
 * @category exceptions
 */
export class InternalServerErrorException
  extends Schema.TaggedError<InternalServerErrorException>()("InternalServerErrorException", fields)
{}

/**
 * Any of the API's exceptions.
 *
 * @since 0.1.0
 * @category exceptions
 */
export type ApiException =
  | BadRequestException
  | UnauthorizedException
  | NotFoundException
  | ConflictException
  | TooManyRequestsException
  | InternalServerErrorException

/**
 * Schema of {@link ApiException}, in the classes' own (tagged) encoding.
 *
 * @since 0.1.0
 * @category exceptions
 */
export const ApiException: Schema.Union<[
  typeof BadRequestException,
  typeof UnauthorizedException,
  typeof NotFoundException,
  typeof ConflictException,
  typeof TooManyRequestsException,
  typeof InternalServerErrorException
]> = Schema.Union(
  BadRequestException,
  UnauthorizedException,
  NotFoundException,
  ConflictException,
  TooManyRequestsException,
  InternalServerErrorException
)

/**
 * The tag (and class name) of each exception.
 *
 * @since 0.1.0
 * @category exceptions
 */
export type ApiExceptionTag = ApiException["_tag"]

/**
 * A class of one of the API's exceptions.
 *
 * @since 0.1.0
 * @category exceptions
 */
export type ApiExceptionClass<E extends ApiException = ApiException> =
  & Schema.Schema<E, { readonly _tag: E["_tag"] } & Schema.Struct.Encoded<typeof ApiExceptionFields>>
  & { readonly _tag: E["_tag"] }

/**
 * The wire form of one exception: decodes a body as the API sends it (no `_tag`) into an
 * instance of `exception`, and encodes an instance back to exactly the wire JSON (`message` and
 * `errorCode` only: the call's context stays behind).
 *
 * @example
 * ```ts
 * import { ApiExceptionFromBody, ConflictException } from "@katanemo/models"
 * import * as Schema from "effect/Schema"
 * import { deepStrictEqual, strictEqual } from "node:assert"
 *
 * const conflict = Schema.decodeUnknownSync(ApiExceptionFromBody(ConflictException))({
 *   message: "key ci-bot exists"
 * })
 * strictEqual(conflict._tag, "ConflictException")
 * // back to the wire: no _tag
 * deepStrictEqual(Schema.encodeSync(ApiExceptionFromBody(ConflictException))(conflict), { message: "key ci-bot exists" })
 * ```
 *
 * @since 0.1.0
 * @category wire
 */
export const ApiExceptionFromBody = <E extends ApiException>(
  exception: ApiExceptionClass<E>
): Schema.Schema<E, Schema.Schema.Encoded<typeof ExceptionBody>> =>
  Schema.transform(ExceptionBody, exception, {
    strict: true,
    decode: (body) => ({ ...body, _tag: exception._tag }),
    encode: ({ errorCode, message }) => ({
      ...(message === undefined ? {} : { message }),
      ...(errorCode === undefined ? {} : { errorCode })
    })
  })
