/**
 * A real HTTP proxy on 127.0.0.1 (the `proxy` package: `CONNECT` tunnels and forwarded requests),
 * for testing the transport behind a proxy. It records every request it is asked to pass on, and
 * opens its own connections from {@link outgoingAddress}, so that a server can tell a request
 * that came through it from one that came directly (from 127.0.0.1).
 */
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"
import type * as Scope from "effect/Scope"
import { listen } from "katanemo-testkit/Http"
import * as Http from "node:http"
import { createProxy } from "proxy"

/** The address the proxy connects from. */
export const outgoingAddress = "127.0.0.2"

/** A request as the proxy saw it. */
export interface Seen {
  /** `CONNECT` for a tunnel; the method of a forwarded request otherwise. */
  readonly method: string
  /** The tunnel's `host:port`, or the forwarded request's URL. */
  readonly target: string
  readonly proxyAuthorization: string | undefined
}

export interface LoopbackProxy {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string
  /** `127.0.0.1:<port>`, for a URL with credentials. */
  readonly host: string
  readonly seen: Effect.Effect<ReadonlyArray<Seen>>
  /** How many connections from clients are open now. */
  readonly openConnections: Effect.Effect<number>
}

/** Options of {@link make}. */
export interface Options {
  /** Refuse (407) every request whose `Proxy-Authorization` is not this. */
  readonly requireAuthorization?: string | undefined
}

/** Starts a proxy for the scope of a test; its finalizer closes it and every connection it has. */
export const make = (options: Options = {}): Effect.Effect<LoopbackProxy, never, Scope.Scope> =>
  Effect.gen(function*() {
    const seen = yield* Ref.make<ReadonlyArray<Seen>>([])
    const server = createProxy(Http.createServer())
    server.localAddress = outgoingAddress
    server.authenticate = (request) => {
      const proxyAuthorization = request.headers["proxy-authorization"]
      Effect.runSync(Ref.update(seen, (all) => [...all, {
        method: request.method ?? "",
        target: request.url ?? "",
        proxyAuthorization
      }]))
      return options.requireAuthorization === undefined || proxyAuthorization === options.requireAuthorization
    }
    const { openSockets, port } = yield* listen(server)
    return {
      url: `http://127.0.0.1:${port}`,
      host: `127.0.0.1:${port}`,
      seen: Ref.get(seen),
      openConnections: openSockets
    }
  })
