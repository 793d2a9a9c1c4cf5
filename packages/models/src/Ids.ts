/**
 * Branded identifiers. Each is a non-empty string on the wire; the brand keeps an account id
 * from being passed where a user id is expected.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * The organization (tenant) an operation addresses: the `{accountId}` path parameter.
 *
 * @since 0.1.0
 * @category ids
 */
export const AccountId = Schema.NonEmptyString.pipe(Schema.brand("@katanemo/AccountId")).annotations({
  identifier: "AccountId",
  description: "a non-empty account id (organization identifier)"
})

/**
 * @since 0.1.0
 * @category ids
 */
export type AccountId = typeof AccountId.Type

/**
 * An API (client) key: the `{keyId}` path parameter, `clientId` of a created key and
 * `clientKeyId` of a listed one.
 *
 * @since 0.1.0
 * @category ids
 */
export const KeyId = Schema.NonEmptyString.pipe(Schema.brand("@katanemo/KeyId")).annotations({
  identifier: "KeyId",
  description: "a non-empty key id"
})

/**
 * @since 0.1.0
 * @category ids
 */
export type KeyId = typeof KeyId.Type

/**
 * A user of an organization: the `{userId}` path parameter. The API documents it as an email
 * address but types it as a string, so any non-empty string is accepted.
 *
 * @since 0.1.0
 * @category ids
 */
export const UserId = Schema.NonEmptyString.pipe(Schema.brand("@katanemo/UserId")).annotations({
  identifier: "UserId",
  description: "a non-empty user id (usually an email address)"
})

/**
 * @since 0.1.0
 * @category ids
 */
export type UserId = typeof UserId.Type
