/**
 * Where the admin server gets the bearer token it hands the page with each session:
 *
 * - `Development`: a development token given to the server (`--token`, `KATANEMO_API_TOKEN`), such
 *   as the local API's `tok_local`. For local work only.
 * - `ClientCredentials`: the production pattern. The server holds an API key's id and secret
 *   (`KATANEMO_CLIENT_ID`, `KATANEMO_CLIENT_SECRET`) and trades them with the SDK's
 *   `getShortTermToken` for a short-lived token, which is all the page gets. The secret stays in
 *   this process: it is sent only to the API's `POST /token`.
 */
import { type GetShortTermTokenError, IdentityApi } from "@katanemo/client"
import * as Effect from "effect/Effect"
import type * as Redacted from "effect/Redacted"

export type TokenSource =
  | { readonly _tag: "Development"; readonly token: Redacted.Redacted<string> }
  | {
    readonly _tag: "ClientCredentials"
    readonly clientId: string
    readonly clientSecret: Redacted.Redacted<string>
  }

/** What the server says when it starts: which kind of token the page gets (never the token). */
export const describe = (source: TokenSource): string =>
  source._tag === "Development"
    ? "the page gets the development token given to the server"
    : `the page gets short-term tokens of the API key ${source.clientId} (its secret stays on the server)`

/**
 * The token for one session. With client credentials, each session gets a fresh short-term token
 * (valid for an hour): the page asks again when it is reloaded.
 */
export const token = (
  source: TokenSource
): Effect.Effect<Redacted.Redacted<string>, GetShortTermTokenError, IdentityApi> => {
  switch (source._tag) {
    case "Development":
      return Effect.succeed(source.token)
    case "ClientCredentials":
      return Effect.flatMap(IdentityApi, (identity) =>
        Effect.map(
          identity.getShortTermToken({ clientId: source.clientId, clientSecret: source.clientSecret }),
          (answer) => answer.accessToken
        ))
  }
}
