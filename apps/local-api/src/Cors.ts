/**
 * CORS for the local API, so that a web app on a dev server (say `http://localhost:5173`) can call
 * it with the SDK's `FetchTransport`. By default only localhost origins are allowed; `--cors-origin` (or the
 * layer's `corsOrigins`) names others.
 */
import type * as HttpApp from "@effect/platform/HttpApp"
import * as HttpMiddleware from "@effect/platform/HttpMiddleware"
import * as Option from "effect/Option"

/**
 * The request headers a browser may send: the SDK's own (`user-agent`, `accept`, `authorization`,
 * `content-type` on bodies), the trace context the SDK's span sends (`traceparent`), and what an
 * `HttpClient` with its own tracing on propagates (`traceparent`, `b3`).
 *
 * @since 0.1.0
 */
export const allowedHeaders: ReadonlyArray<string> = [
  "accept",
  "authorization",
  "content-type",
  "user-agent",
  "traceparent",
  "b3"
]

/**
 * The response headers a browser client may read: without them it loses request ids and cannot
 * honour `Retry-After`.
 *
 * @since 0.1.0
 */
export const exposedHeaders: ReadonlyArray<string> = ["x-request-id", "retry-after"]

const localHosts: ReadonlySet<string> = new Set(["localhost", "127.0.0.1", "[::1]"])

/**
 * Whether `origin` is a localhost origin (`http://localhost:*`, `http://127.0.0.1:*`,
 * `http://[::1]:*`, or the same over https): the default. False for `*` and for anything that is
 * not an origin; it never throws (it runs on every request's `Origin` header).
 *
 * @since 0.1.0
 */
export const isLocalhost = (origin: string): boolean =>
  Option.match(parseOrigin(origin), {
    onNone: () => false,
    onSome: (parsed) => {
      // `*` is a pattern, not an origin: `new URL("*")` would throw
      if (!URL.canParse(parsed)) return false
      const url = new URL(parsed)
      return localHosts.has(url.hostname) && (url.protocol === "http:" || url.protocol === "https:")
    }
  })

/**
 * An origin in its normal form (`http://localhost:5173/` → `http://localhost:5173`), or `*` for any
 * origin; none when `input` is not an http(s) origin (a path, a query, no scheme).
 *
 * @since 0.1.0
 */
export const parseOrigin = (input: string): Option.Option<string> => {
  const trimmed = input.trim()
  if (trimmed === "*") return Option.some("*")
  if (!URL.canParse(trimmed)) return Option.none()
  const url = new URL(trimmed)
  const bare = url.pathname === "/" && url.search === "" && url.hash === "" && url.username === ""
    && url.password === ""
  return bare && (url.protocol === "http:" || url.protocol === "https:") ? Option.some(url.origin) : Option.none()
}

/**
 * The origins a CORS request may come from: the given ones (`*` for any), or localhost ones when
 * none are given. An origin outside them gets no `access-control-allow-origin`, so the browser
 * refuses the call.
 *
 * @since 0.1.0
 */
export const allowOrigin = (origins: ReadonlyArray<string> | undefined): (origin: string | undefined) => boolean => {
  if (origins === undefined || origins.length === 0) {
    return (origin) => typeof origin === "string" && isLocalhost(origin)
  }
  const allowed = new Set(origins.flatMap((origin) => Option.toArray(parseOrigin(origin))))
  return (origin) =>
    typeof origin === "string"
    && (allowed.has("*") || Option.match(parseOrigin(origin), { onNone: () => false, onSome: (o) => allowed.has(o) }))
}

/**
 * The CORS middleware: answers preflight `OPTIONS` requests (204) and adds the allow and expose
 * headers to every other response from an allowed origin.
 *
 * @since 0.1.0
 */
export const middleware = (
  origins: ReadonlyArray<string> | undefined
): <E, R>(app: HttpApp.Default<E, R>) => HttpApp.Default<E, R> =>
  HttpMiddleware.cors({
    // a predicate, also for one origin: a disallowed origin then gets no allow-origin header at all
    allowedOrigins: allowOrigin(origins),
    allowedMethods: ["GET", "HEAD", "POST", "PUT", "DELETE"],
    allowedHeaders,
    exposedHeaders,
    maxAge: 600
  })
