/**
 * The SDK's own errors, for what is not one of the API's exceptions: bad input caught before
 * sending, a status the operation does not list, a failed connection, a timeout and a response
 * that does not decode. Like the API's exceptions (re-exported here from `@katanemo/models`),
 * each carries the operation, the HTTP method and the path of the call, and never the token: the
 * client replaces it by `<redacted>` in every string the server sent that an error keeps, and
 * cuts each such string to 2 KiB. A token shorter than 8 characters is not scrubbed (it cannot be
 * told apart from ordinary text; see the repository's SECURITY.md).
 *
 * @since 0.1.0
 */
import type {
  BadRequestException,
  CallContext,
  ConflictException,
  InternalServerErrorException,
  NotFoundException,
  TooManyRequestsException,
  UnauthorizedException
} from "@katanemo/models"
import { CallContextFields, ErrorBody, Issues, ResponseContextFields } from "@katanemo/models"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

const where = (e: CallContext) => `${e.method} ${e.path} (${e.operation})`

/**
 * The input failed validation before anything was sent: an empty id, a missing required field,
 * a value of the wrong type. `issues` has one line per problem, naming the field
 * (`clientName: Expected a non empty string, actual ""`).
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidRequestError extends Schema.TaggedError<InvalidRequestError>()("InvalidRequestError", {
  ...CallContextFields,
  issues: Schema.Array(Schema.String)
}) {
  /**
   * The error for a `ParseError` of an operation's input.
   *
   * @since 0.1.0
   */
  static fromParseError(call: CallContext, error: ParseResult.ParseError): InvalidRequestError {
    return new InvalidRequestError({ ...call, issues: Issues.issues(error) })
  }

  /** @since 0.1.0 */
  override get message(): string {
    return `invalid input for ${this.operation}: ${this.issues.join("; ")}`
  }
}

/**
 * The API answered with a status the operation does not list. `body` is the spec's `default`
 * body (`{ code, message }`) when the response had that shape, otherwise the response text
 * (truncated to 2 KiB).
 *
 * @since 0.1.0
 * @category errors
 */
export class UnexpectedStatusError extends Schema.TaggedError<UnexpectedStatusError>()("UnexpectedStatusError", {
  ...ResponseContextFields,
  body: Schema.Union(ErrorBody, Schema.String)
}) {
  /** @since 0.1.0 */
  override get message(): string {
    const detail = typeof this.body === "string" ? this.body : `${this.body.code} ${this.body.message}`
    return `unexpected status ${this.status} from ${where(this)}${detail === "" ? "" : `: ${detail}`}`
  }
}

/**
 * The request never got an HTTP response: the connection was refused or reset, the host did not
 * resolve, the response body broke off, or the body outgrew `maxResponseBytes` (`reason:
 * "ResponseTooLarge"`: the connection is dropped, never retried). `reason` is `ConnectionRefused` when the server cannot
 * have seen the request (so even a `POST` is safe to retry), `Transport` otherwise.
 *
 * @since 0.1.0
 * @category errors
 */
export class TransportError extends Schema.TaggedError<TransportError>()("TransportError", {
  ...CallContextFields,
  reason: Schema.Literal("ConnectionRefused", "Transport", "ResponseTooLarge"),
  detail: Schema.String,
  cause: Schema.optionalWith(Schema.Defect, { exact: true })
}) {
  /** @since 0.1.0 */
  override get message(): string {
    const what = this.reason === "ConnectionRefused"
      ? "connection refused"
      : this.reason === "ResponseTooLarge"
      ? "response too large"
      : "transport failure"
    return `${what} on ${where(this)}: ${this.detail}`
  }
}

/**
 * The call ran out of time: one attempt exceeded the per-attempt `timeout` (`scope: "attempt"`)
 * or the call with all its retries exceeded its `deadline` (`scope: "deadline"`). The request in
 * flight was aborted.
 *
 * @since 0.1.0
 * @category errors
 */
export class TimeoutError extends Schema.TaggedError<TimeoutError>()("TimeoutError", {
  ...CallContextFields,
  scope: Schema.Literal("attempt", "deadline"),
  timeoutMillis: Schema.Number
}) {
  /** @since 0.1.0 */
  override get message(): string {
    return `${where(this)} timed out after ${this.timeoutMillis} ms (${this.scope})`
  }
}

/**
 * A successful response whose body is not what the operation returns: not JSON, or JSON of the
 * wrong shape. `detail` is the parser's report; the body itself is not kept, since it may hold a
 * secret.
 *
 * @since 0.1.0
 * @category errors
 */
export class ResponseDecodeError extends Schema.TaggedError<ResponseDecodeError>()("ResponseDecodeError", {
  ...ResponseContextFields,
  detail: Schema.String
}) {
  /** @since 0.1.0 */
  override get message(): string {
    return `undecodable ${this.status} response from ${where(this)}: ${this.detail}`
  }
}

/**
 * A client on client credentials (`clientId` and `clientSecret`) could not obtain a bearer token
 * for the call: the token exchange (`POST /token`) failed. `reason` is `Rejected` when the API
 * refused the key id or secret (a 400, 401 or 409), or the client refused to send them (an
 * `InvalidRequestError`): retrying will not help; fix the credentials.
 * It is `Unavailable` when the exchange failed otherwise (a 429, a 5xx, the network, a timeout:
 * a later call tries again). `cause` is the exchange's own error. Every call that waited on the exchange
 * fails with it; the secret is in none of them.
 *
 * @since 0.1.0
 * @category errors
 */
export class CredentialsError extends Schema.TaggedError<CredentialsError>()("CredentialsError", {
  ...CallContextFields,
  clientId: Schema.String,
  reason: Schema.Literal("Rejected", "Unavailable"),
  cause: Schema.Defect
}) {
  /** @since 0.1.0 */
  override get message(): string {
    const detail = typeof this.cause === "object" && this.cause !== null && "message" in this.cause
      ? String(this.cause.message)
      : String(this.cause)
    return this.reason === "Rejected"
      ? `the client credentials of ${this.clientId} were rejected, so ${where(this)} was not sent: ${detail}`
      : `no token could be obtained for the client ${this.clientId}, so ${where(this)} was not sent: ${detail}`
  }
}

/**
 * What every operation can fail with.
 *
 * @since 0.1.0
 * @category errors
 */
export type CommonError =
  | BadRequestException
  | UnauthorizedException
  | ConflictException
  | TooManyRequestsException
  | InternalServerErrorException
  | UnexpectedStatusError
  | InvalidRequestError
  | TransportError
  | TimeoutError
  | ResponseDecodeError
  | CredentialsError

/**
 * What an operation that addresses one key or user can fail with: {@link CommonError} plus
 * `NotFoundException`.
 *
 * @since 0.1.0
 * @category errors
 */
export type AddressedError = CommonError | NotFoundException

/**
 * What a raw call (`identity.raw.*`) can fail with: any HTTP response is a success there.
 *
 * @since 0.1.0
 * @category errors
 */
export type RawError = InvalidRequestError | TransportError | TimeoutError | CredentialsError

/**
 * @since 0.1.0
 * @category errors
 */
export type CreateClientKeyError = CommonError
/**
 * @since 0.1.0
 * @category errors
 */
export type GetClientKeyListError = CommonError
/**
 * @since 0.1.0
 * @category errors
 */
export type GetClientKeyError = AddressedError
/**
 * @since 0.1.0
 * @category errors
 */
export type DeleteClientKeyError = AddressedError
/**
 * @since 0.1.0
 * @category errors
 */
export type CreateUserForAccountError = CommonError
/**
 * @since 0.1.0
 * @category errors
 */
export type GetUsersForAccountError = CommonError
/**
 * @since 0.1.0
 * @category errors
 */
export type GetUserError = AddressedError
/**
 * @since 0.1.0
 * @category errors
 */
export type UpdateUserError = AddressedError
/**
 * What the token exchange can fail with: {@link CommonError}. A rejected key id or secret is an
 * `UnauthorizedException` (401).
 *
 * @since 0.1.0
 * @category errors
 */
export type GetShortTermTokenError = CommonError
