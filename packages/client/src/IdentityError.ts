/**
 * The groups of errors a caller branches on, as unions and as predicates that work on any value
 * (an Effect's failure, or what a Promise rejected with):
 *
 * - {@link ApiException}: the API answered with one of its listed exceptions;
 * - {@link SdkError}: the SDK's own errors (bad input, an unlisted status, transport, timeout,
 *   an undecodable answer);
 * - {@link TransportFailure}: no usable answer arrived (`TransportError`, `TimeoutError`);
 * - {@link isRetryable}: sending the same request again may succeed, and is safe.
 *
 * @example
 * ```ts
 * import { IdentityApi, IdentityError } from "@katanemo/client"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const identity = yield* IdentityApi
 *   return yield* identity.getUser({ accountId: "acme", userId: "ada@acme.example" })
 * }).pipe(
 *   Effect.tapError((error) =>
 *     Effect.logWarning(IdentityError.isRetryable(error) ? "try again later" : "will not succeed as sent")
 *   )
 * )
 * ```
 *
 * @since 0.1.0
 */
import * as Models from "@katanemo/models"
import {
  CredentialsError,
  InvalidRequestError,
  ResponseDecodeError,
  TimeoutError,
  TransportError,
  UnexpectedStatusError
} from "./Errors.js"
import { endpoints, type Operation } from "./IdentityApi.js"
import { isRetryable as isRetryableFailure, isRetryableStatus } from "./internal/retry.js"

/**
 * One of the API's listed exceptions (`BadRequestException`, `NotFoundException`, …).
 *
 * @since 0.1.0
 * @category models
 */
export type ApiException = Models.ApiException

/**
 * One of the SDK's own errors: the API did not answer with a listed exception.
 *
 * @since 0.1.0
 * @category models
 */
export type SdkError =
  | InvalidRequestError
  | UnexpectedStatusError
  | TransportError
  | TimeoutError
  | ResponseDecodeError
  | CredentialsError

/**
 * No usable answer arrived: the connection failed or was refused, the answer was too large, or
 * the time ran out.
 *
 * @since 0.1.0
 * @category models
 */
export type TransportFailure = TransportError | TimeoutError

/**
 * Any error an operation of the client can fail with.
 *
 * @since 0.1.0
 * @category models
 */
export type Any = ApiException | SdkError

const sdkErrors = [
  InvalidRequestError,
  UnexpectedStatusError,
  TransportError,
  TimeoutError,
  ResponseDecodeError,
  CredentialsError
]

/**
 * Whether `u` is one of the API's listed exceptions.
 *
 * @since 0.1.0
 * @category guards
 */
export const isApiException = (u: unknown): u is ApiException =>
  Models.ApiExceptions.all.some(({ exception }) => u instanceof exception)

/**
 * Whether `u` is one of the SDK's own errors.
 *
 * @since 0.1.0
 * @category guards
 */
export const isSdkError = (u: unknown): u is SdkError => sdkErrors.some((error) => u instanceof error)

/**
 * Whether `u` is a transport failure: a `TransportError` or a `TimeoutError`.
 *
 * @since 0.1.0
 * @category guards
 */
export const isTransportFailure = (u: unknown): u is TransportFailure =>
  u instanceof TransportError || u instanceof TimeoutError

/**
 * Whether sending the same request again may succeed and is safe, by the rule the client's own
 * retries follow (see the package README): for any method a 429 and a refused connection; for
 * `GET`, `PUT` and `DELETE`, and the token exchange, also a 500, 502, 503, 504, a failed
 * connection and a timeout. A `POST` that creates and may have reached the server is not
 * retryable: it could act twice. An exception
 * that does not say its method or status (one built by hand) counts as a `POST`'s.
 *
 * It answers for the error as it is: the client has already retried it as often as it was
 * configured to.
 *
 * @since 0.1.0
 * @category guards
 */
export const isRetryable = (u: unknown): boolean => {
  if (isTransportFailure(u)) return isRetryableFailure(idempotent(u))(u)
  // credentials the API rejected stay rejected; an exchange that failed otherwise may succeed later
  if (u instanceof CredentialsError) return u.reason === "Unavailable" && isRetryable(u.cause)
  if (u instanceof UnexpectedStatusError) return isRetryableStatus(idempotent(u), u.status)
  if (isApiException(u)) return isRetryableStatus(idempotent(u), u.status ?? Models.ApiExceptions.statusOf(u))
  return false
}

/**
 * Whether the call an error came from may be sent twice: a `GET`, `PUT` or `DELETE`, or a `POST`
 * of an operation that is idempotent all the same (the token exchange). An error that does not
 * say its method counts as a `POST`'s.
 */
const idempotent = (error: { readonly operation?: string | undefined; readonly method?: string | undefined }) => {
  if (error.method === undefined) return false
  if (error.method !== "POST") return true
  const operation = error.operation
  if (operation === undefined || !isOperation(operation)) return false
  const endpoint = endpoints[operation]
  return endpoint.method === "POST" && endpoint.idempotent
}

const isOperation = (name: string): name is Operation => Object.hasOwn(endpoints, name)
