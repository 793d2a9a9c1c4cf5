/**
 * One log line per request: `GET /org/acme/keys 200 3ms req_0123456789abcdef`, that is the method,
 * the path (never the query string), the status, the time taken and the request id (`-` when the
 * answer has none). Nothing from the request's headers is logged, and any bearer token the request
 * carried or the server accepts (of {@link minSecretLength} characters or more) is blanked out
 * should it appear in the path, as written or percent-encoded.
 */
import type * as HttpApp from "@effect/platform/HttpApp"
import * as HttpServerError from "@effect/platform/HttpServerError"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"

/** The longest path logged; a longer one is cut (Node allows 16 KiB of headers). */
const maxPathLength = 200

/** Control and non-ASCII characters are shown as `\xNN`/`\uNNNN`: a path cannot forge a log line. */
const printable = (text: string): string =>
  text.replace(
    /[^\x20-\x7e]/g,
    (c) => {
      const code = c.charCodeAt(0)
      return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`
    }
  )

/**
 * The shortest secret blanked out of a log line: shorter ones would blank ordinary path segments.
 * The same rule as the client's scrubber (`minimumLength` in `packages/client/src/internal/scrub.ts`),
 * so that a token is hidden from both or from neither.
 *
 * @since 0.1.0
 */
export const minSecretLength = 8

/** Hex digits matching either case: `%5f` and `%5F` are the same byte. */
const anyCaseHex = (byte: number): string =>
  byte.toString(16).toUpperCase().padStart(2, "0").replace(/[A-F]/g, (d) => `[${d}${d.toLowerCase()}]`)

/**
 * A pattern for `secret` in a raw URL path: each character as written or percent-encoded (its
 * UTF-8 bytes, hex in either case), so `tok%5Flocal` is found as well as `tok_local`. Matching the
 * encoded forms, rather than decoding the path, cannot fail on a bad escape such as `%E0%A4%A`.
 */
const secretPattern = (secret: string): RegExp =>
  new RegExp(
    Array.from(secret, (c) => {
      const literal = c.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&")
      const encoded = Array.from(new TextEncoder().encode(c), (byte) => `%${anyCaseHex(byte)}`).join("")
      return `(?:${literal}|${encoded})`
    }).join(""),
    "g"
  )

const bearerOf = (authorization: string | undefined): string | undefined => {
  const match = authorization === undefined ? null : /^\s*bearer\s+(\S+)/i.exec(authorization)
  return match?.[1]
}

/**
 * The log line for one answered request (exported for tests).
 *
 * @since 0.1.0
 */
export const line = (entry: {
  readonly method: string
  readonly url: string
  readonly status: number
  readonly millis: number
  readonly requestId: string | undefined
  /** Why the answer is a 500, for a defect: its first line is logged. */
  readonly detail?: string | undefined
  readonly secrets: ReadonlyArray<string>
}): string => {
  const patterns = entry.secrets.filter((secret) => secret.length >= minSecretLength).map(secretPattern)
  const redact = (text: string) => patterns.reduce((redacted, pattern) => redacted.replace(pattern, "<redacted>"), text)
  const cut = (text: string, length: number) => text.length > length ? `${text.slice(0, length)}...` : text
  const path = cut(redact(entry.url.split(/[?#]/, 1)[0] ?? ""), maxPathLength)
  const requestId = entry.requestId === undefined || entry.requestId === "" ? "-" : cut(entry.requestId, 100)
  const detail = entry.detail === undefined ? "" : ` (${cut(redact(entry.detail.split("\n", 1)[0] ?? ""), 200)})`
  return printable(
    `${cut(entry.method, 20)} ${path} ${entry.status} ${Math.round(entry.millis)}ms ${redact(requestId)}${detail}`
  )
}

/**
 * Logs one line per request the app answers, at `Info` below 500 and `Error` from 500 up. A
 * defect (a bug, or input the API failed to refuse) adds its one-line reason to the line, and the
 * client gets a 500 with the spec's `{ code, message }` body: never a stack, never an empty body.
 * It wraps the app itself, inside the server, so that the defect's answer is still its own.
 *
 * @since 0.1.0
 */
export const logged =
  (validTokens: ReadonlyArray<string> = []) =>
  <E, R>(app: HttpApp.Default<E, R>): HttpApp.Default<E, R | HttpServerRequest.HttpServerRequest> =>
    Effect.gen(function*() {
      const request = yield* HttpServerRequest.HttpServerRequest
      const [took, exit] = yield* Effect.timed(Effect.exit(app))
      const defect = Exit.isFailure(exit) && !Cause.isInterruptedOnly(exit.cause) && Cause.isDie(exit.cause)
        ? Option.some(Cause.squash(exit.cause))
        : Option.none()
      const response = Exit.isSuccess(exit)
        ? exit.value
        : Option.isSome(defect)
        ? HttpServerResponse.unsafeJson(
          { code: 500, message: "The local API failed on this request (its log says why)" },
          { status: 500 }
        )
        : HttpServerError.causeResponseStripped(exit.cause)[0]
      const bearer = bearerOf(request.headers["authorization"])
      const text = line({
        method: request.method,
        url: request.url,
        status: response.status,
        millis: Duration.toMillis(took),
        requestId: response.headers["x-request-id"],
        detail: Option.getOrUndefined(
          Option.map(defect, (d) => d instanceof Error ? `${d.name}: ${d.message}` : String(d))
        ),
        secrets: bearer === undefined ? validTokens : [bearer, ...validTokens]
      })
      yield* response.status >= 500 ? Effect.logError(text) : Effect.log(text)
      return Option.isSome(defect) ? response : yield* exit
    })
