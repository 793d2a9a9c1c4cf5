/**
 * The Katanemo Identity API as an Effect service. The root holds the service and its engine and
 * chooses no platform: a transport from `@katanemo/client/UndiciTransport`,
 * `@katanemo/client/FetchTransport` or `@katanemo/client/HttpClientTransport` carries the calls.
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

export {
  /**
   * The service tag, with the layers as statics: `IdentityApi.layer`, `IdentityApi.layerConfig`,
   * `IdentityApi.make`, `IdentityApi.endpoints`.
   *
   * @since 0.1.0
   */
  IdentityApi,
  /**
   * The name of one of the nine operations: `"createClientKey"`, `"getUser"`, ….
   *
   * @since 0.1.0
   */
  type Operation
} from "./IdentityApi.js"

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

export {
  /**
   * The transport's tag, with `Transport.make` for a transport of your own. The layers of
   * `@katanemo/client/UndiciTransport`, `/FetchTransport` and `/HttpClientTransport` provide it.
   *
   * @since 0.1.0
   */
  Transport
} from "./Transport.js"

// The API's exceptions, from `@katanemo/models`, for `Effect.catchTag`.
export {
  /**
   * From `@katanemo/models`, for `Effect.catchTag("BadRequestException", …)`.
   *
   * @since 0.1.0
   */
  BadRequestException,
  /**
   * From `@katanemo/models`, for `Effect.catchTag("ConflictException", …)`.
   *
   * @since 0.1.0
   */
  ConflictException,
  /**
   * From `@katanemo/models`, for `Effect.catchTag("InternalServerErrorException", …)`.
   *
   * @since 0.1.0
   */
  InternalServerErrorException,
  /**
   * From `@katanemo/models`, for `Effect.catchTag("NotFoundException", …)`.
   *
   * @since 0.1.0
   */
  NotFoundException,
  /**
   * From `@katanemo/models`, for `Effect.catchTag("TooManyRequestsException", …)`.
   *
   * @since 0.1.0
   */
  TooManyRequestsException,
  /**
   * From `@katanemo/models`, for `Effect.catchTag("UnauthorizedException", …)`.
   *
   * @since 0.1.0
   */
  UnauthorizedException
} from "@katanemo/models"
