/**
 * The page could not get its session from its own backend (`GET /session`): the backend is down,
 * answered an error (say, the token exchange failed), or sent something that is not a session.
 */
import * as Data from "effect/Data"

export class SessionError extends Data.TaggedError("SessionError")<{ readonly message: string }> {}
