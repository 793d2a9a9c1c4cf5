/**
 * Effect Schema models of the Katanemo Identity API: request and response bodies, branded ids
 * and one tagged error per API exception.
 *
 * @since 0.1.0
 */

/**
 * The API's exceptions as one table (status, class, description), for `ApiExceptions.byStatus`,
 * `ApiExceptions.statusOf` and `ApiExceptions.byTag`.
 *
 * @since 0.1.0
 */
export * as ApiExceptions from "./ApiExceptions.js"

/**
 * @since 0.1.0
 */
export * from "./ClientKey.js"

/**
 * @since 0.1.0
 */
export * from "./ErrorBody.js"

/**
 * @since 0.1.0
 */
export * from "./Errors.js"

/**
 * @since 0.1.0
 */
export * as FastDecode from "./FastDecode.js"

/**
 * @since 0.1.0
 */
export * from "./Ids.js"

/**
 * @since 0.1.0
 */
export * as Issues from "./Issues.js"

/**
 * @since 0.1.0
 */
export * from "./Token.js"

/**
 * @since 0.1.0
 */
export * from "./User.js"
