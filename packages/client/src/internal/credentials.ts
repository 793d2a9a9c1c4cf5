/**
 * Client credentials: the bearer token of a client on an API key's id and secret. It is obtained
 * from the token exchange on first use and cached; traded again before it expires (its JWT `exp`
 * claim, less the refresh margin) and after a 401; and however many calls need a new one at once,
 * one exchange runs and they all wait on it.
 *
 * @internal
 */
import type { TokenResponse } from "@katanemo/models"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as FiberId from "effect/FiberId"
import * as Redacted from "effect/Redacted"
import type { Call } from "../Endpoint.js"
import { type CommonError, CredentialsError } from "../Errors.js"
import type { Scrub } from "./scrub.js"

/** What a request is authenticated with: its token, the headers every request starts from, and the scrubber of the token. */
export interface Auth {
  readonly token: string | undefined
  readonly headers: Readonly<Record<string, string>>
  readonly scrub: Scrub
}

/** The token source of a client on client credentials. */
export interface Credentials {
  /** What to send now: the cached token's `Auth`, or, when there is none or it is due, a new one's. */
  readonly current: (call: Call) => Effect.Effect<Auth, CredentialsError>
  /** After `used` met a 401: a new token, unless another call has already replaced `used`. */
  readonly renew: (call: Call, used: Auth) => Effect.Effect<Auth, CredentialsError>
}

/** A token as held, with the time (ms since the epoch) from which it is traded for a new one. */
interface Held {
  readonly auth: Auth
  readonly refreshAt: number
}

/** Decodes base64url text (a JWT's segment) to a string, without Node's `Buffer`. */
const base64Url = (segment: string): string => {
  const base64 = segment.replace(/-/g, "+").replace(/_/g, "/")
  const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4))
  return new TextDecoder().decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)))
}

/**
 * When a token expires, in ms since the epoch: its `exp` claim, when it is a JWT (three
 * base64url segments, the second a JSON object with a numeric `exp`, in seconds); otherwise none.
 * The signature is not checked: the API checks it, and the client only plans its refresh by it.
 */
export const expiryOf = (token: string): number | undefined => {
  const parts = token.split(".")
  const payload = parts[1]
  if (parts.length !== 3 || payload === undefined) return undefined
  try {
    const claims: unknown = JSON.parse(base64Url(payload))
    return typeof claims === "object" && claims !== null && "exp" in claims && typeof claims.exp === "number"
        && Number.isFinite(claims.exp)
      ? claims.exp * 1000
      : undefined
  } catch {
    return undefined
  }
}

/** Failures of the exchange that are the credentials' fault: asking again will not help. */
const rejected = new Set(["BadRequestException", "UnauthorizedException", "ConflictException", "InvalidRequestError"])

/** Makes the token source over `exchange`, one `POST /token` of the key's id and secret. */
export const make = (options: {
  readonly clientId: string
  readonly exchange: Effect.Effect<TokenResponse, CommonError>
  readonly refreshMarginMillis: number
  readonly authOf: (token: string) => Auth
}): Credentials => {
  let held: Held | undefined
  let inflight: Deferred.Deferred<Held, CommonError> | undefined

  const failure = (call: Call, cause: CommonError) =>
    new CredentialsError({
      operation: call.operation,
      method: call.method,
      path: call.path,
      clientId: options.clientId,
      reason: rejected.has(cause._tag) ? "Rejected" : "Unavailable",
      cause
    })

  /** The token an exchange answered, held until it is due: its expiry less the margin, or half its life when that is shorter. */
  const hold = (response: TokenResponse) =>
    Effect.clockWith((clock) =>
      Effect.sync((): Held => {
        const token = Redacted.value(response.accessToken)
        const now = clock.unsafeCurrentTimeMillis()
        const expiry = expiryOf(token)
        const refreshAt = expiry === undefined
          ? Number.POSITIVE_INFINITY
          : expiry - Math.min(options.refreshMarginMillis, Math.max(0, (expiry - now) / 2))
        held = { auth: options.authOf(token), refreshAt }
        return held
      })
    )

  /**
   * One exchange, however many calls ask: the first starts it in a fiber of its own (so that no
   * caller's interruption cancels it for the others), and every caller waits on its result. Only
   * the wait can be interrupted: claiming the exchange and starting its fiber are one step, so a
   * caller interrupted in between cannot leave the claim without an exchange behind it.
   */
  const obtain = (call: Call): Effect.Effect<Auth, CredentialsError> =>
    Effect.uninterruptibleMask((restore) =>
      Effect.suspend(() => {
        const running = inflight
        if (running !== undefined) return restore(awaitHeld(call, running))
        const started = Deferred.unsafeMake<Held, CommonError>(FiberId.none)
        inflight = started
        const run = Effect.flatMap(options.exchange, hold).pipe(
          Effect.onExit((exit) =>
            Effect.suspend(() => {
              inflight = undefined
              return Deferred.done(started, exit)
            })
          )
        )
        return Effect.zipRight(Effect.forkDaemon(restore(run)), restore(awaitHeld(call, started)))
      })
    )

  const awaitHeld = (call: Call, deferred: Deferred.Deferred<Held, CommonError>) =>
    Effect.mapBoth(Deferred.await(deferred), { onFailure: (cause) => failure(call, cause), onSuccess: (h) => h.auth })

  return {
    current: (call) =>
      Effect.clockWith((clock) => {
        const now = held
        return now !== undefined && clock.unsafeCurrentTimeMillis() < now.refreshAt
          ? Effect.succeed(now.auth)
          : obtain(call)
      }),
    renew: (call, used) =>
      Effect.suspend(() => {
        if (held !== undefined && held.auth !== used) return Effect.succeed(held.auth)
        held = undefined
        return obtain(call)
      })
  }
}
