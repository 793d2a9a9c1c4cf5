/**
 * A failure of the page as one readable sentence, by the error's `_tag`: the SDK's errors are
 * typed, so the page says what went wrong and what to check, instead of "something failed".
 */
import type { GetClientKeyListError, GetUsersForAccountError } from "@katanemo/client"
import * as Match from "effect/Match"
import type { SessionError } from "./SessionError.js"

/** Everything the page's program can fail with. */
export type PageError = SessionError | GetClientKeyListError | GetUsersForAccountError

/** Where the page runs and which API it calls, for the messages. */
export interface Where {
  readonly apiUrl: string
  /** The page's own origin, which the API's CORS must allow. */
  readonly origin: string
}

export const describe = (error: PageError, where: Where): string =>
  Match.value(error).pipe(
    Match.tag(
      "UnauthorizedException",
      () =>
        `the token was refused by the API at ${where.apiUrl} (401 Unauthorized): the page's server handed out a token`
        + " the API does not accept (check its --token, or its API key)"
    ),
    Match.tag(
      "TransportError",
      (e) =>
        `could not reach the API at ${where.apiUrl} (is it running? does it allow this origin, ${where.origin}, CORS?):`
        + ` ${e.detail}`
    ),
    Match.orElse((e) => e.message)
  )
