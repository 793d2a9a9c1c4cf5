/**
 * The server side of the contract: answers HTTP requests from an {@link IdentityStore} exactly as
 * the vendor spec says (paths, bodies, statuses). It runs in process behind the wire-level
 * `HttpClient` fake, and over a real socket as `httpApp` (the local API server).
 *
 * @since 0.1.0
 */
import * as HttpServer from "@effect/platform/HttpServer"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import type { Endpoint, Operation } from "@katanemo/client"
import { ApiException, ApiExceptions, ErrorBody } from "@katanemo/models"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { IdentityStore } from "./IdentityStore.js"
import { nestsDeeperThan } from "./internal/nesting.js"
import { endpoints, type InputOf, operations, type OutputOf } from "./internal/operations.js"

/**
 * A request as the server sees it: the raw request target (path and query, percent-encoding
 * intact), lower-case headers and the body text.
 *
 * @since 0.1.0
 * @category models
 */
export interface Request {
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly body: string
}

/**
 * The server's answer.
 *
 * @since 0.1.0
 * @category models
 */
export interface Response {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  /**
   * Set when an injected fault drops the answer: a transport resets the connection or never
   * answers. One that cannot (no socket) sends the response as it is (a 500 saying so).
   */
  readonly drop?: IdentityStore.Drop | undefined
}

/**
 * The largest request body the server reads: 1 MiB. A larger one is refused with 413.
 *
 * @since 0.1.0
 * @category limits
 */
export const maxBodyBytes = 1024 * 1024

/**
 * The deepest nesting of arrays and objects a request body may have: 64 levels. A deeper one is
 * refused with 400 before it is parsed. The API's bodies are at most 3 levels deep
 * (`{"tags": {"team": ["x"]}}`), but a body of 100,000 nested arrays inside a field is only
 * 200 KB, and the checks after parsing recurse over it.
 *
 * @since 0.1.0
 * @category limits
 */
export const maxDepth = 64

const requestId = Effect.map(
  Effect.all(Array.from({ length: 16 }, () => Random.nextIntBetween(0, 16))),
  (digits) => `req_${digits.map((d) => d.toString(16)).join("")}`
)

const replyText = (status: number, body: string, headers: Record<string, string> = {}): Effect.Effect<Response> =>
  Effect.map(requestId, (id) => ({
    status,
    headers: { "content-type": "application/json", "x-request-id": id, ...headers },
    body
  }))

const reply = (status: number, body: unknown, headers: Record<string, string> = {}): Effect.Effect<Response> =>
  replyText(status, JSON.stringify(body), headers)

/** An answer with the spec's `default` body, `{ code, message }`. */
const errorBody = (status: number, message: string, headers: Record<string, string> = {}) =>
  reply(status, Schema.encodeSync(ErrorBody)(ErrorBody.make({ code: status, message })), headers)

/** A 400 with the spec's `BadRequestException` body. */
const badRequest = (message: string) => reply(400, { message, errorCode: "VALIDATION_ERROR" })

const encodeTagged = Schema.encodeSync(ApiException)

/** An exception's wire body, as JSON text: `message` and `errorCode` when set, nothing else. */
const wireBody = (exception: ApiException): string => {
  const { errorCode, message } = encodeTagged(exception)
  return JSON.stringify({
    ...(message === undefined ? {} : { message }),
    ...(errorCode === undefined ? {} : { errorCode })
  })
}

/**
 * The answer to a store's rejection: the exception's status and wire body, and `Retry-After`
 * (whole seconds) when the store gave one.
 */
const rejection = ({ drop, exception, retryAfter }: IdentityStore.Rejection): Effect.Effect<Response> =>
  Effect.map(
    replyText(
      ApiExceptions.statusOf(exception),
      wireBody(exception),
      Option.match(retryAfter, {
        onNone: () => ({}),
        onSome: (wait) => ({ "retry-after": String(Math.max(1, Math.ceil(Duration.toSeconds(wait)))) })
      })
    ),
    (response) => (drop === undefined ? response : { ...response, drop })
  )

/** What the server needs of a Node socket to drop an answer. */
interface Socket {
  readonly destroyed: boolean
  readonly destroy: () => void
  readonly once: (event: "close", listener: () => void) => unknown
  readonly off: (event: "close", listener: () => void) => unknown
}

const isSocket = (u: unknown): u is Socket =>
  typeof u === "object" && u !== null && typeof Reflect.get(u, "destroyed") === "boolean"
  && ["destroy", "once", "off"].every((method) => typeof Reflect.get(u, method) === "function")

/** The socket under a Node request (`IncomingMessage.socket`), when the platform's request has one. */
const socketOf = (source: unknown): Option.Option<Socket> => {
  const socket: unknown = typeof source === "object" && source !== null ? Reflect.get(source, "socket") : undefined
  return isSocket(socket) ? Option.some(socket) : Option.none()
}

/** Waits until the socket has closed (the client gave up, or the server destroyed it). */
const closed = (socket: Socket): Effect.Effect<void> =>
  Effect.async<void>((resume) => {
    if (socket.destroyed) return resume(Effect.void)
    const listener = () => resume(Effect.void)
    socket.once("close", listener)
    return Effect.sync(() => void socket.off("close", listener))
  })

/**
 * The answer to one operation's outcome: 200 with the encoded model, or the rejection.
 *
 * @since 0.1.0
 * @category encoding
 */
export const respond = <In, A, NotFound>(
  endpoint: Endpoint.Endpoint<In, A, NotFound>,
  outcome: Effect.Effect<A, IdentityStore.Rejection>
): Effect.Effect<Response> =>
  Effect.matchEffect(outcome, {
    onFailure: rejection,
    onSuccess: (value) =>
      Effect.matchEffect(endpoint.encodeSuccess(value), {
        onFailure: () => reply(500, { message: "The answer could not be encoded", errorCode: "INTERNAL" }),
        onSuccess: (body) => reply(200, body)
      })
  })

interface Route {
  readonly operation: Operation
  readonly segments: ReadonlyArray<Endpoint.Segment>
}

/** The routes, from the same segments the client builds its paths from. */
const routes: ReadonlyArray<Route> = operations.map((operation) => ({
  operation,
  segments: endpoints[operation].segments
}))

/** Matches a raw path against a route: the decoded parameters, or none. */
const match = (route: Route, parts: ReadonlyArray<string>): Option.Option<Record<string, string>> => {
  if (parts.length !== route.segments.length) return Option.none()
  const params: Record<string, string> = {}
  for (const [i, segment] of route.segments.entries()) {
    const part = parts[i] ?? ""
    if ("literal" in segment) {
      if (part !== segment.literal) return Option.none()
    } else {
      if (part === "") return Option.none()
      params[segment.param] = part
    }
  }
  return Option.some(params)
}

const tokenOf = (headers: Request["headers"]): string | undefined => {
  const header = headers["authorization"]
  if (header === undefined) return undefined
  // anything but a bearer token counts as none
  return /^Bearer\s+(.+)$/i.exec(header)?.[1]
}

const decodeJson = Schema.decodeUnknownOption(Schema.parseJson())

type Serve = (params: Record<string, string>, request: Request) => Effect.Effect<Response, never, IdentityStore>

/** Reads one operation's input from the path parameters and the body, then dispatches it. */
const serve = <K extends Operation, NotFound>(
  operation: K,
  endpoint: Endpoint.Endpoint<InputOf<K>, OutputOf<K>, NotFound>
): Serve => {
  const ast = endpoint.ast.body
  const decodeBody = ast === undefined ? undefined : Schema.decodeUnknown(Schema.make(ast), { errors: "all" })
  return (params, request) =>
    Effect.gen(function*() {
      let fields: Record<string, unknown> = {}
      if (decodeBody !== undefined) {
        if (request.body.trim() === "") return yield* badRequest("A JSON request body is required")
        if (nestsDeeperThan(request.body, maxDepth)) {
          return yield* badRequest(`The request body is nested deeper than ${maxDepth} levels`)
        }
        const json = decodeJson(request.body)
        if (Option.isNone(json)) return yield* badRequest("The request body is not valid JSON")
        if (typeof json.value !== "object" || json.value === null || Array.isArray(json.value)) {
          return yield* badRequest("The request body must be a JSON object")
        }
        const body = yield* Effect.either(decodeBody(json.value))
        if (body._tag === "Left") return yield* badRequest(body.left.message)
        fields = { ...json.value }
        for (const [name, value] of Object.entries(params)) {
          if (name in fields && fields[name] !== value) {
            return yield* badRequest(
              `${name} in the body (${JSON.stringify(fields[name])}) does not match the path (${JSON.stringify(value)})`
            )
          }
        }
      }
      const input = yield* Effect.either(endpoint.decodeInput({ ...fields, ...params }))
      if (input._tag === "Left") return yield* badRequest(input.left.message)
      const store = yield* IdentityStore
      return yield* respond(endpoint, store.dispatch(operation, input.right, tokenOf(request.headers)))
    })
}

const servers: { readonly [K in Operation]: Serve } = {
  createClientKey: serve("createClientKey", endpoints.createClientKey),
  getClientKeyList: serve("getClientKeyList", endpoints.getClientKeyList),
  getClientKey: serve("getClientKey", endpoints.getClientKey),
  deleteClientKey: serve("deleteClientKey", endpoints.deleteClientKey),
  createUserForAccount: serve("createUserForAccount", endpoints.createUserForAccount),
  getUsersForAccount: serve("getUsersForAccount", endpoints.getUsersForAccount),
  getUser: serve("getUser", endpoints.getUser),
  updateUser: serve("updateUser", endpoints.updateUser),
  getShortTermToken: serve("getShortTermToken", endpoints.getShortTermToken)
}

/**
 * Answers one request.
 *
 * @since 0.1.0
 * @category handlers
 */
export const handle = (request: Request): Effect.Effect<Response, never, IdentityStore> =>
  Effect.gen(function*() {
    if (Buffer.byteLength(request.body, "utf8") > maxBodyBytes) {
      return yield* errorBody(413, `Request bodies are limited to ${maxBodyBytes} bytes`)
    }
    const path = request.url.split(/[?#]/, 1)[0] ?? ""
    const parts = path.split("/").slice(1)
    const allowed: Array<string> = []
    for (const route of routes) {
      const params = match(route, parts)
      if (Option.isNone(params)) continue
      const endpoint = endpoints[route.operation]
      if (endpoint.method !== request.method.toUpperCase()) {
        allowed.push(endpoint.method)
        continue
      }
      const decoded: Record<string, string> = {}
      for (const [name, raw] of Object.entries(params.value)) {
        try {
          decoded[name] = decodeURIComponent(raw)
        } catch {
          return yield* badRequest(`The path parameter ${name} is not valid percent-encoding`)
        }
      }
      return yield* servers[route.operation](decoded, request)
    }
    return allowed.length > 0
      ? yield* errorBody(405, `${request.method} is not allowed on ${path}`, { allow: allowed.join(", ") })
      : yield* errorBody(404, `No operation at ${request.method} ${path}`)
  })

/**
 * Reads a request body: its text, or none when it is longer than {@link maxBodyBytes}. A longer
 * body is still read to its end (and dropped: memory stays bounded), for stopping early would
 * close the socket under a client that is still sending, which would then never see the 413.
 */
const readBody = <E>(stream: Stream.Stream<Uint8Array, E>): Effect.Effect<Option.Option<string>, E> =>
  Effect.suspend(() => {
    const parts: Array<Uint8Array> = []
    let bytes = 0
    return Stream.runForEach(stream, (part) =>
      Effect.sync(() => {
        bytes += part.length
        if (bytes <= maxBodyBytes) parts.push(part)
        else parts.length = 0
      })).pipe(
        Effect.map(() => bytes > maxBodyBytes ? Option.none() : Option.some(Buffer.concat(parts).toString("utf8")))
      )
  })

const tooLarge = errorBody(413, `Request bodies are limited to ${maxBodyBytes} bytes`)

/**
 * The server as an `@effect/platform` HTTP app: serve it with any `HttpServer` (the local API
 * uses Node's). A body over {@link maxBodyBytes} is refused with 413: at once, unread, when its
 * `Content-Length` says so; after reading it to its end (keeping none of the excess) when it comes
 * chunked. An injected `noAnswer` fault holds the request until the client closes it; a `reset`
 * one destroys the socket (on Node; elsewhere the 500 is sent).
 *
 * @since 0.1.0
 * @category handlers
 */
export const httpApp: Effect.Effect<
  HttpServerResponse.HttpServerResponse,
  never,
  HttpServerRequest.HttpServerRequest | IdentityStore
> = Effect.gen(function*() {
  const request = yield* HttpServerRequest.HttpServerRequest
  const length = Number(request.headers["content-length"] ?? "0")
  const response = length > maxBodyBytes ? yield* tooLarge : yield* Effect.matchEffect(readBody(request.stream), {
    onFailure: () => badRequest("The request body could not be read"),
    onSuccess: Option.match({
      onNone: () => tooLarge,
      onSome: (body) => handle({ method: request.method, url: request.url, headers: request.headers, body })
    })
  })
  // An injected fault after the store acted. Over a Node socket: a reset destroys it; no answer
  // waits until the client gives up and closes it. Either way the answer then goes nowhere, and
  // this fiber ends (the platform's own interruption on a closed connection did not end it).
  // Without a socket, no answer is never to answer, and a reset is the 500.
  if (response.drop !== undefined) {
    const socket = socketOf(request.source)
    if (Option.isSome(socket)) {
      if (response.drop === "reset") socket.value.destroy()
      yield* closed(socket.value)
    } else if (response.drop === "noAnswer") {
      return yield* Effect.never
    }
  }
  return HttpServerResponse.text(response.body, {
    status: response.status,
    headers: response.headers,
    contentType: response.headers["content-type"] ?? "application/json"
  })
})

/**
 * Serves {@link httpApp} on the `HttpServer` in context (Node's, in the local API).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<never, never, HttpServer.HttpServer | IdentityStore> = HttpServer.serve(httpApp)
