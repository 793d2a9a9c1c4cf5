/**
 * Request bodies nested too deeply are refused before the API decodes them. A body of 100,000
 * nested arrays inside a field (`{"clientName": [[[[…]]]]}`) is 200 KB, well under the 1 MiB
 * limit, yet the schema checks recurse over it and would overflow the stack: the request would be
 * a 500 from a defect. Here it is a 400 with the spec's `BadRequestException` body.
 */
import type * as HttpApp from "@effect/platform/HttpApp"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import { IdentityServer } from "@katanemo/testing"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Random from "effect/Random"

/**
 * The deepest nesting of arrays and objects a request body may have. The API's bodies are at most
 * 4 levels deep (`{"tags": {"team": ["x"]}}`).
 *
 * @since 0.1.0
 */
export const maxDepth = 64

/**
 * Whether the JSON text `text` nests arrays and objects deeper than `limit`, counted without
 * parsing (brackets inside strings are skipped). Text that is not JSON is left to the API.
 *
 * @since 0.1.0
 */
export const nestsDeeperThan = (text: string, limit: number): boolean => {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c) i++ // a backslash escapes the next character
      else if (c === 0x22) inString = false
    } else if (c === 0x22) {
      inString = true
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true
    } else if (c === 0x5d || c === 0x7d) {
      depth--
    }
  }
  return false
}

const requestId = Effect.map(
  Effect.all(Array.from({ length: 16 }, () => Random.nextIntBetween(0, 16))),
  (digits) => `req_${digits.map((d) => d.toString(16)).join("")}`
)

const hasBody = new Set(["POST", "PUT", "PATCH"])

/**
 * Answers 400 to a body nested deeper than {@link maxDepth}, and hands every other request to
 * `app`. The body is read once, within the API's limit; the API reads the same (cached) text.
 *
 * @since 0.1.0
 */
export const guard = <E, R>(app: HttpApp.Default<E, R>): HttpApp.Default<E, R | HttpServerRequest.HttpServerRequest> =>
  Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const length = Number(request.headers["content-length"] ?? "0")
    if (!hasBody.has(request.method) || !(length <= IdentityServer.maxBodyBytes)) return yield* app
    const body = yield* request.text.pipe(
      Effect.option,
      HttpServerRequest.withMaxBodySize(Option.some(IdentityServer.maxBodyBytes))
    )
    if (Option.isNone(body) || !nestsDeeperThan(body.value, maxDepth)) return yield* app
    return HttpServerResponse.unsafeJson(
      { message: `The request body is nested deeper than ${maxDepth} levels`, errorCode: "VALIDATION_ERROR" },
      { status: 400, headers: { "x-request-id": yield* requestId } }
    )
  })
