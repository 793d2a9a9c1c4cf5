/**
 * A real HTTP server on 127.0.0.1 with scripted behaviour, for testing the live client over real
 * sockets. Each test scripts its answers; the server records every request it receives.
 */
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as FiberId from "effect/FiberId"
import * as Ref from "effect/Ref"
import type * as Scope from "effect/Scope"
import { listen } from "katanemo-testkit/Http"
import * as Http from "node:http"
import * as Https from "node:https"
import type * as Net from "node:net"

/** A request as the server saw it. */
export interface Received {
  readonly method: string
  /** The raw request target, exactly as sent (percent-encoding intact). */
  readonly url: string
  readonly headers: Http.IncomingHttpHeaders
  readonly body: string
  /** The address the request came from (a proxy's own, when it came through one). */
  readonly remoteAddress: string
}

/** Answers the `n`th request (from 1). Write to `response` directly for unusual behaviour. */
export type Script = (request: Received, response: Http.ServerResponse, n: number) => void

export interface TestServer {
  readonly url: string
  readonly received: Effect.Effect<ReadonlyArray<Received>>
  /** Waits until the server has received at least `n` requests. */
  readonly awaitRequests: (n: number) => Effect.Effect<void>
  /** Waits until the connection of the `n`th request has closed. */
  readonly awaitClosed: (n: number) => Effect.Effect<void>
  /** How many connections the server has accepted. */
  readonly connections: Effect.Effect<number>
  /** Waits until every connection accepted so far has closed (a kept-alive one: by the client). */
  readonly allClosed: Effect.Effect<void>
}

/** Answers with a JSON body. */
export const json = (
  response: Http.ServerResponse,
  status: number,
  body: unknown,
  headers: Http.OutgoingHttpHeaders = {}
) => {
  response.writeHead(status, { "content-type": "application/json", ...headers })
  response.end(JSON.stringify(body))
}

/** Answers with a text body. */
export const text = (
  response: Http.ServerResponse,
  status: number,
  body: string,
  headers: Http.OutgoingHttpHeaders = {}
) => {
  response.writeHead(status, { "content-type": "text/plain", ...headers })
  response.end(body)
}

/** Options of {@link make}. */
export interface Options {
  /** Serve HTTPS with this key and certificate (in PEM), on `https://127.0.0.1:<port>`. */
  readonly tls?: { readonly key: string; readonly cert: string } | undefined
  /** How long an idle connection is kept open (Node's default: 5 s), and advertised in `Keep-Alive`. */
  readonly keepAliveTimeout?: number | undefined
}

/** Starts a server for the scope of a test. */
export const make = (script: Script, options: Options = {}): Effect.Effect<TestServer, never, Scope.Scope> =>
  Effect.gen(function*() {
    const received = yield* Ref.make<ReadonlyArray<Received>>([])
    const arrivals: Array<Deferred.Deferred<void>> = []
    const closures: Array<Deferred.Deferred<void>> = []
    const slot = (list: Array<Deferred.Deferred<void>>, n: number): Deferred.Deferred<void> => {
      for (;;) {
        const deferred = list[n - 1]
        if (deferred !== undefined) return deferred
        list.push(Deferred.unsafeMake<void>(FiberId.none))
      }
    }
    let count = 0
    const listener: Http.RequestListener = (request, response) => {
      const chunks: Array<Buffer> = []
      request.on("data", (chunk: Buffer) => chunks.push(chunk))
      request.on("end", () => {
        const n = ++count
        const entry: Received = {
          method: request.method ?? "",
          url: request.url ?? "",
          headers: request.headers,
          body: Buffer.concat(chunks).toString("utf8"),
          remoteAddress: request.socket.remoteAddress ?? ""
        }
        Effect.runSync(Ref.update(received, (all) => [...all, entry]))
        response.on("close", () => Deferred.unsafeDone(slot(closures, n), Effect.void))
        Deferred.unsafeDone(slot(arrivals, n), Effect.void)
        script(entry, response, n)
      })
    }
    const server = options.tls === undefined
      ? Http.createServer(listener)
      : Https.createServer({ key: options.tls.key, cert: options.tls.cert }, listener)
    if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout
    const ended: Array<Promise<void>> = []
    server.on("connection", (socket: Net.Socket) => {
      ended.push(new Promise((resolve) => socket.on("close", () => resolve())))
    })
    const { port } = yield* listen(server)
    return {
      url: `${options.tls === undefined ? "http" : "https"}://127.0.0.1:${port}`,
      received: Ref.get(received),
      awaitRequests: (n) => Effect.suspend(() => Deferred.await(slot(arrivals, n))),
      awaitClosed: (n) => Effect.suspend(() => Deferred.await(slot(closures, n))),
      connections: Effect.sync(() => ended.length),
      allClosed: Effect.promise(() => Promise.all([...ended])).pipe(Effect.asVoid)
    }
  })
