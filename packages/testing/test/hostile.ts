/**
 * A hostile wire for the secrets audit: tricks that the store does not play on its own (a
 * transport error, a request that never answers, an answer that echoes the request's
 * Authorization header in its body and in a header), played on the next requests either by an
 * `HttpClient` in front of the wire-level fake or by a server on a real socket in front of the
 * local API's handler. Every transport meets the same tricks.
 */
import { NodeHttpServer, NodeHttpServerRequest } from "@effect/platform-node"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpServer from "@effect/platform/HttpServer"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import { IdentityServer, type IdentityStore } from "@katanemo/testing"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Http from "node:http"

/** What the wire does for one request instead of passing it on. */
export type Trick =
  | { readonly _tag: "transport" }
  | { readonly _tag: "hang" }
  | { readonly _tag: "respond"; readonly status: number; readonly body: (authorization: string) => string }

/** An answer with `status` and `body`, and the request's Authorization header echoed in `x-echo`. */
export const respond = (status: number, body: (authorization: string) => string): Trick => ({
  _tag: "respond",
  status,
  body
})

/** The tricks still to play, in order, and how many requests have been left hanging so far. */
export interface Hostile {
  readonly tricks: Array<Trick>
  hung: number
}

export const makeHostile = (): Hostile => ({ tricks: [], hung: 0 })

const answer = (
  trick: { readonly status: number; readonly body: (authorization: string) => string },
  auth: string
) => ({
  status: trick.status,
  body: trick.body(auth),
  headers: { "content-type": "application/json", "x-echo": auth }
})

/** An `HttpClient` (over the wire-level fake) whose next request takes the first pending trick, if any. */
export const tricked = (hostile: Hostile) => (client: HttpClient.HttpClient): HttpClient.HttpClient =>
  HttpClient.transform(client, (effect, request) =>
    Effect.suspend(() => {
      const trick = hostile.tricks.shift()
      if (trick === undefined) return effect
      switch (trick._tag) {
        case "transport":
          return Effect.fail(
            new HttpClientError.RequestError({
              request,
              reason: "Transport",
              cause: Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" })
            })
          )
        case "hang":
          hostile.hung++
          return Effect.never
        case "respond": {
          const { body, headers, status } = answer(trick, request.headers.authorization ?? "")
          return Effect.succeed(HttpClientResponse.fromWeb(request, new Response(body, { status, headers })))
        }
      }
    }))

/** Waits until the socket under `request` has closed. */
const closed = (request: Http.IncomingMessage): Effect.Effect<void> =>
  Effect.async<void>((resume) => {
    const socket = request.socket
    if (socket.destroyed) return resume(Effect.void)
    const listener = () => resume(Effect.void)
    socket.once("close", listener)
    return Effect.sync(() => void socket.off("close", listener))
  })

/**
 * The local API's handler over the store in context, behind the tricks: a transport error destroys
 * the socket; a hanging request is held until the client gives up and closes it.
 */
const app = (hostile: Hostile) =>
  Effect.gen(function*() {
    const trick = hostile.tricks.shift()
    if (trick === undefined) return yield* IdentityServer.httpApp
    const request = yield* HttpServerRequest.HttpServerRequest
    const incoming = NodeHttpServerRequest.toIncomingMessage(request)
    switch (trick._tag) {
      case "transport":
        incoming.socket.destroy()
        yield* closed(incoming)
        return HttpServerResponse.empty({ status: 500 })
      case "hang":
        hostile.hung++
        yield* closed(incoming)
        return HttpServerResponse.empty({ status: 500 })
      case "respond": {
        const { body, headers, status } = answer(trick, request.headers.authorization ?? "")
        return HttpServerResponse.text(body, { status, headers, contentType: "application/json" })
      }
    }
  })

/** The hostile server on 127.0.0.1 with a free port, over the store in context. */
export const serverLayer = (hostile: Hostile): Layer.Layer<HttpServer.HttpServer, never, IdentityStore> =>
  HttpServer.serve(app(hostile)).pipe(
    Layer.provideMerge(NodeHttpServer.layer(() => Http.createServer(), { port: 0, host: "127.0.0.1" })),
    Layer.orDie
  )
