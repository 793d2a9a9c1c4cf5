/**
 * API (client) keys: the bodies of `createClientKey`, `getClientKeyList` and `getClientKey`.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { AccountId, KeyId } from "./Ids.js"
import { optionalOrNull } from "./internal/optional.js"

/**
 * Body of `createClientKey` (`POST /org/{accountId}/keys`). Both fields are required and must
 * be non-empty.
 *
 * @example
 * ```ts
 * import { ClientKeyRequest } from "@katanemo/models"
 *
 * const request = ClientKeyRequest.make({ clientName: "ci-bot", defaultRoleId: "admin" })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export class ClientKeyRequest extends Schema.Class<ClientKeyRequest>("ClientKeyRequest")({
  defaultRoleId: Schema.NonEmptyString,
  clientName: Schema.NonEmptyString
}) {}

/**
 * Answer of `createClientKey`: the new key's id and its secret. The secret is only ever
 * returned here; it decodes to a `Redacted` so it never shows in logs, spans or
 * `JSON.stringify`. Read it with `Redacted.value`.
 *
 * @since 0.1.0
 * @category models
 */
export class ClientKeyResponse extends Schema.Class<ClientKeyResponse>("ClientKeyResponse")({
  clientId: optionalOrNull(KeyId),
  clientSecret: optionalOrNull(Schema.Redacted(Schema.String))
}) {}

/**
 * A key as `getClientKeyList` and `getClientKey` describe it (never with its secret).
 *
 * @since 0.1.0
 * @category models
 */
export class ClientKeyObject extends Schema.Class<ClientKeyObject>("ClientKeyObject")({
  accountId: optionalOrNull(AccountId),
  roles: optionalOrNull(Schema.Array(Schema.String)),
  clientName: optionalOrNull(Schema.String),
  clientKeyId: optionalOrNull(KeyId),
  serviceId: optionalOrNull(Schema.String),
  isActive: optionalOrNull(Schema.Boolean)
}) {}
