/**
 * `GET /session` from the page's own backend (same origin): where the API is, the account, and
 * the token to call it with.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Session from "../shared/Session.js"
import { SessionError } from "./SessionError.js"

/** The body's `message`, when the backend sent one (`{ "message": "…" }`). */
const messageOf = (body: unknown): string | undefined =>
  typeof body === "object" && body !== null && "message" in body && typeof body.message === "string"
    ? body.message
    : undefined

export const load: Effect.Effect<Session.Session, SessionError> = Effect.gen(function*() {
  const response = yield* Effect.tryPromise({
    try: (signal) => fetch(Session.path, { signal, headers: { accept: "application/json" } }),
    catch: (error) =>
      new SessionError({ message: `the page's server did not answer ${Session.path}: ${String(error)}` })
  })
  const body: unknown = yield* Effect.tryPromise({
    try: () => response.json(),
    catch: () =>
      new SessionError({ message: `the page's server answered ${Session.path} with ${response.status}, not JSON` })
  })
  if (!response.ok) {
    return yield* new SessionError({
      message: `the page's server answered ${Session.path} with ${response.status}: ${messageOf(body) ?? "no message"}`
    })
  }
  return yield* Schema.decodeUnknown(Session.Session)(body).pipe(
    Effect.mapError((error) => new SessionError({ message: `${Session.path} is not a session: ${error.message}` }))
  )
})
