/**
 * `GET /healthz`: a readiness check for scripts, containers and test harnesses. It needs no token,
 * is not rate limited and touches no store: a 200 means the server accepts connections and answers.
 */
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"

/**
 * The path of the readiness check.
 *
 * @since 0.1.0
 */
export const path = "/healthz"

/**
 * Answers `GET` (and `HEAD`) `/healthz` with 200 `{"status":"ok"}`, another method there with 405,
 * and nothing for any other path.
 *
 * @since 0.1.0
 */
export const route = (
  method: string,
  pathname: string
): Effect.Effect<HttpServerResponse.HttpServerResponse> | undefined => {
  if (pathname !== path) return undefined
  if (method === "GET" || method === "HEAD") {
    return Effect.succeed(
      HttpServerResponse.unsafeJson({ status: "ok" }, { headers: { "cache-control": "no-store" } })
    )
  }
  return Effect.succeed(
    HttpServerResponse.unsafeJson(
      { code: 405, message: `${method} is not allowed on ${path}` },
      { status: 405, headers: { allow: "GET, HEAD" } }
    )
  )
}
