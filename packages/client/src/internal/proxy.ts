/**
 * Proxy settings for the undici transport: a proxy URL checked without ever showing its text (it
 * may carry a password), the credentials turned into a `Proxy-Authorization` value, and a guard
 * that takes every form of those credentials out of the errors a proxied request fails with.
 *
 * @internal
 */
import * as ConfigError from "effect/ConfigError"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import { replacing, type Scrub } from "./scrub.js"

/** A proxy URL, checked. */
export interface ProxyUrl {
  /** The URL without its user and password. */
  readonly bare: string
  /** The URL as given (with its user and password, if any). */
  readonly full: string
  /** The user and password written in the URL, decoded; none when the URL has neither. */
  readonly credentials: Credentials | undefined
}

/** A user and password, as sent in a `Basic` `Proxy-Authorization`. */
export interface Credentials {
  readonly username: string
  readonly password: string
}

/** The text of a value that may be redacted. */
export const reveal = (value: string | URL | Redacted.Redacted<string>): string =>
  Redacted.isRedacted(value) ? Redacted.value(value) : typeof value === "string" ? value : value.href

const decode = (text: string): string => {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/**
 * Checks a proxy URL: it must parse and be `http:` or `https:`. The error is at `name` (the option
 * or the variable), says `label`, and never quotes the URL, which may hold a password.
 */
export const parseProxyUrl = (
  text: string,
  name: string,
  label: string
): Either.Either<ProxyUrl, ConfigError.ConfigError> => {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return Either.left(
      ConfigError.InvalidData(
        [name],
        `Expected a proxy URL such as http://proxy.example:3128 in ${label}; the value is not shown, since it may hold a password`
      )
    )
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return Either.left(
      ConfigError.InvalidData(
        [name],
        `Expected an http: or https: proxy URL in ${label}, got the scheme ${JSON.stringify(url.protocol)}`
      )
    )
  }
  const credentials = url.username === "" && url.password === ""
    ? undefined
    : { username: decode(url.username), password: decode(url.password) }
  const full = url.href
  url.username = ""
  url.password = ""
  return Either.right({ bare: url.href, full, credentials })
}

/** A `Basic` `Proxy-Authorization` value. */
export const basic = (credentials: Credentials): string =>
  `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`

/**
 * The shortest secret text that is scrubbed: anything shorter cannot be told apart from ordinary
 * text (scrubbing a password "ab" would mangle every message).
 */
const minimumLength = 4

/** Every form a credential may take in a text: as given, percent-encoded, base64 in a header. */
export const formsOfCredentials = (credentials: Credentials): ReadonlyArray<string> => {
  const { password, username } = credentials
  const header = basic(credentials)
  return [
    header,
    header.slice("Basic ".length),
    `${username}:${password}`,
    `${encodeURIComponent(username)}:${encodeURIComponent(password)}`,
    password,
    encodeURIComponent(password)
  ]
}

/** The forms of a `Proxy-Authorization` value: whole, and its credentials after the scheme. */
export const formsOfToken = (token: string): ReadonlyArray<string> => {
  const space = token.indexOf(" ")
  return space === -1 ? [token] : [token, token.slice(space + 1).trim()]
}

/** A scrubber of the proxy's secrets, in every form given; none when none is long enough to scrub. */
export const scrubber = (secrets: ReadonlyArray<string>): Scrub | undefined =>
  replacing(secrets.filter((form) => form.length >= minimumLength))

/** The properties of a Node or undici error that say what failed, kept in the copy. */
const facts = ["code", "errno", "syscall", "address", "port"] as const

/** How deep into `cause` and `errors` the copy goes. */
const maxDepth = 8

/**
 * A copy of an error with every secret scrubbed from its name, message and stack, keeping what
 * tells failures apart (`code`, `errno`, `syscall`, `address`, `port`), and its `cause` and
 * `errors` copied the same way. Nothing else of the original is kept: an undici error may hold
 * its request, its socket or its dispatcher's options.
 */
export const scrubError = (error: unknown, scrub: Scrub, depth = 0): unknown => {
  if (typeof error === "string") return scrub(error)
  if (typeof error !== "object" || error === null) return error
  if (depth >= maxDepth) return undefined
  const extra: Record<string, unknown> = {}
  for (const fact of facts) {
    if (!(fact in error)) continue
    const value: unknown = Reflect.get(error, fact)
    if (typeof value === "string") extra[fact] = scrub(value)
    else if (typeof value === "number") extra[fact] = value
  }
  if ("cause" in error && error.cause !== undefined) extra.cause = scrubError(error.cause, scrub, depth + 1)
  if ("errors" in error && Array.isArray(error.errors)) {
    extra.errors = error.errors.map((inner: unknown) => scrubError(inner, scrub, depth + 1))
  }
  const copy = new Error("message" in error && typeof error.message === "string" ? scrub(error.message) : "")
  copy.name = "name" in error && typeof error.name === "string" ? scrub(error.name) : "Error"
  if ("stack" in error && typeof error.stack === "string") copy.stack = scrub(error.stack)
  else delete copy.stack
  return Object.assign(copy, extra)
}
