/**
 * `GET /session`: what the page's own backend hands the page so that it can call the API: where
 * the API is, which account to show, and the bearer token to call it with. The token is a
 * development token (local) or a short-term token the backend obtained with an API key (production);
 * never the key's secret. Shared by the server (which encodes it) and the page (which decodes it).
 */
import * as Schema from "effect/Schema"

/** The path the page asks for its session. */
export const path = "/session"

/** The session: on the wire `{ apiUrl, accountId, token }`; decoded, the token is a `Redacted`. */
export const Session = Schema.Struct({
  apiUrl: Schema.String,
  accountId: Schema.NonEmptyString,
  token: Schema.Redacted(Schema.NonEmptyString)
})

export type Session = typeof Session.Type
