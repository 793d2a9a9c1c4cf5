/**
 * Keeps the client's own token (and a call's own secrets, such as the client secret of a token
 * exchange) out of what it shows: a server may echo the request's
 * `Authorization` header in a body or a header (some gateways do), and whatever the server sent
 * may end up in an error's message, a log line or a span.
 *
 * @internal
 */

/** Replaces every occurrence of a secret in a text the server sent. */
export type Scrub = (text: string) => string

/** What stands for the secret. */
const placeholder = "<redacted>"

/** Scrubs nothing: a client without a token. */
export const keep: Scrub = (text) => text

/**
 * The shortest secret that is scrubbed. A shorter one (a test's `"t"`) cannot be told apart from
 * ordinary text: scrubbing it would mangle every message ("exis<redacted>s").
 */
export const minimumLength = 8

/**
 * A scrubber of exactly these forms, longest first (so that a longer form is not cut by a
 * shorter one inside it); none when there is none to scrub.
 */
export const replacing = (forms: ReadonlyArray<string>): Scrub | undefined => {
  const ordered = [...new Set(forms)].filter((form) => form !== "").sort((a, b) => b.length - a.length)
  if (ordered.length === 0) return undefined
  return (text) => {
    let out = text
    for (const form of ordered) if (out.includes(form)) out = out.split(form).join(placeholder)
    return out
  }
}

/**
 * A scrubber of each secret, as written and as JSON writes it inside a string (so that a quoted
 * excerpt of a body cannot carry it either). Secrets shorter than {@link minimumLength} are left.
 */
export const scrubber = (...secrets: ReadonlyArray<string | undefined>): Scrub =>
  replacing(
    secrets.flatMap((secret) =>
      secret === undefined || secret.length < minimumLength ? [] : [secret, JSON.stringify(secret).slice(1, -1)]
    )
  ) ?? keep

/** The longest request id an error keeps. */
const maxRequestId = 256

/**
 * A request id fit for an error, a log line or a span: the server's value, scrubbed, when it is
 * at most 256 visible ASCII characters (no control characters, no line breaks); otherwise none.
 */
export const requestId = (value: string | undefined, scrub: Scrub): string | undefined => {
  if (value === undefined) return undefined
  const text = scrub(value)
  return text.length <= maxRequestId && /^[\x21-\x7e]+$/.test(text) ? text : undefined
}
