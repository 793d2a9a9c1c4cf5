/**
 * The Katanemo Identity API as an Effect service, with a live layer over `@effect/platform`'s
 * `HttpClient`.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as Endpoint from "./Endpoint.js"

/**
 * @since 0.1.0
 */
export * from "./Errors.js"

/**
 * @since 0.1.0
 */
export { IdentityApi, type Operation } from "./IdentityApi.js"

/**
 * @since 0.1.0
 */
export * as IdentityError from "./IdentityError.js"

/**
 * @since 0.1.0
 */
export * as IdentityApiConfig from "./IdentityApiConfig.js"

/**
 * @since 0.1.0
 */
export * from "./Inputs.js"

/**
 * @since 0.1.0
 */
export type * from "./RawResponse.js"

/**
 * The API's exceptions, for `Effect.catchTag`.
 *
 * @since 0.1.0
 */
export {
  BadRequestException,
  ConflictException,
  InternalServerErrorException,
  NotFoundException,
  TooManyRequestsException,
  UnauthorizedException
} from "@katanemo/models"
