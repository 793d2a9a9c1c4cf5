/**
 * Users of an organization: the bodies of `createUserForAccount`, `getUsersForAccount`,
 * `getUser` and `updateUser`.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { AccountId, UserId } from "./Ids.js"
import { optionalOrNull } from "./internal/optional.js"

/**
 * Free-form attributes of a user: each tag name maps to a list of values.
 *
 * @since 0.1.0
 * @category models
 */
export const Tags = Schema.Record({ key: Schema.String, value: Schema.Array(Schema.String) }).annotations({
  identifier: "Tags"
})

/**
 * @since 0.1.0
 * @category models
 */
export type Tags = typeof Tags.Type

/**
 * Body of `createUserForAccount` (invite) and `updateUser`. `accountId` is required; the
 * other fields are optional.
 *
 * @example
 * ```ts
 * import { AccountId, UserId, UserRequest } from "@katanemo/models"
 *
 * const invite = UserRequest.make({
 *   accountId: AccountId.make("acme"),
 *   userId: UserId.make("ada@acme.example"),
 *   roles: ["developer"],
 *   tags: { team: ["platform"] }
 * })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export class UserRequest extends Schema.Class<UserRequest>("UserRequest")({
  accountId: AccountId,
  userId: optionalOrNull(UserId),
  tags: optionalOrNull(Tags),
  roles: optionalOrNull(Schema.Array(Schema.String))
}) {}

/**
 * A user as the API returns it. `token` decodes to a `Redacted` so it never shows in logs,
 * spans or `JSON.stringify`; read it with `Redacted.value`.
 *
 * @since 0.1.0
 * @category models
 */
export class UserResponse extends Schema.Class<UserResponse>("UserResponse")({
  accountId: AccountId,
  serviceId: optionalOrNull(Schema.String),
  userId: optionalOrNull(UserId),
  isAdmin: optionalOrNull(Schema.Boolean),
  isActive: optionalOrNull(Schema.Boolean),
  token: optionalOrNull(Schema.Redacted(Schema.String)),
  tags: optionalOrNull(Tags),
  roles: optionalOrNull(Schema.Array(Schema.String))
}) {}
