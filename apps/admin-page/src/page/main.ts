/**
 * The admin page, an Effect program in the browser: asks its own backend for a session (the API's
 * URL, the account, a token), then lists the account's API keys and users concurrently over the
 * SDK's fetch transport (no @effect/platform, no Node built-in) and renders them, or a readable
 * error by the error's `_tag`.
 */
import { IdentityApi } from "@katanemo/client"
import * as FetchTransport from "@katanemo/client/FetchTransport"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import * as Describe from "./Describe.js"
import * as LoadSession from "./LoadSession.js"
import { SessionError } from "./SessionError.js"
import * as View from "./View.js"

/** The API at the session's URL with its token, over `fetch`; a URL the client refuses is the session's fault. */
const identityLayer = (apiUrl: string, token: Redacted.Redacted<string>) =>
  IdentityApi.layer({ baseUrl: apiUrl, token }).pipe(
    Layer.provide(FetchTransport.layer()),
    Layer.catchAll((error) => Layer.fail(new SessionError({ message: `the session's API URL ${apiUrl}: ${error}` })))
  )

/** The account's keys and users, both calls at once. */
const list = (accountId: string) =>
  Effect.gen(function*() {
    const identity = yield* IdentityApi
    return yield* Effect.all({
      keys: identity.getClientKeyList({ accountId }),
      users: identity.getUsersForAccount({ accountId })
    }, { concurrency: "unbounded" })
  })

const program = Effect.gen(function*() {
  View.progress("Loading the session…")
  const { accountId, apiUrl, token } = yield* LoadSession.load
  View.progress(`Loading keys and users of ${accountId}…`)
  yield* list(accountId).pipe(
    Effect.provide(identityLayer(apiUrl, token)),
    Effect.match({
      onSuccess: ({ keys, users }) => View.ready(accountId, keys, users),
      onFailure: (error) => View.failure(Describe.describe(error, { apiUrl, origin: location.origin }))
    })
  )
}).pipe(
  // the session could not be loaded: there is no API to name yet
  Effect.catchAll((error) => Effect.sync(() => View.failure(error.message))),
  Effect.catchAllDefect((defect) => Effect.sync(() => View.failure(`the page failed: ${String(defect)}`)))
)

Effect.runFork(program)
