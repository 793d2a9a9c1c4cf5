/**
 * The token exchange: the body and the answer of `getShortTermToken` (`POST /token`), which
 * trades an API key's id and secret for a short-lived bearer token.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { KeyId } from "./Ids.js"

/**
 * Body of `getShortTermToken` (`POST /token`): an API key's id (`clientId`, from
 * `createClientKey`) and its secret. The vendor's contract marks neither field required; the API
 * cannot answer a token without both, so both are required and non-empty here. The secret is a
 * `Redacted`: it shows as `<redacted>` in logs, spans and `JSON.stringify`, and is sent in clear
 * only in the request body.
 *
 * @example
 * ```ts
 * import { KeyId, TokenRequest } from "@katanemo/models"
 * import * as Redacted from "effect/Redacted"
 *
 * const request = TokenRequest.make({
 *   clientId: KeyId.make("ck_ci_bot"),
 *   clientSecret: Redacted.make("cs_s3cret")
 * })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export class TokenRequest extends Schema.Class<TokenRequest>("TokenRequest")({
  clientId: KeyId,
  clientSecret: Schema.Redacted(Schema.NonEmptyString)
}) {}

/**
 * Answer of `getShortTermToken`: the short-lived bearer token, as a `Redacted`. The contract marks
 * `accessToken` optional, but an answer without one is of no use: a 200 without it (or with an
 * empty one) does not decode, and the client fails with `ResponseDecodeError`. The answer says
 * nothing of when the token expires; the API issues JWTs, whose `exp` claim says it.
 *
 * @since 0.1.0
 * @category models
 */
export class TokenResponse extends Schema.Class<TokenResponse>("TokenResponse")({
  accessToken: Schema.Redacted(Schema.NonEmptyString)
}) {}
