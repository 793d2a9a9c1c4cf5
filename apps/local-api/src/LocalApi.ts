/**
 * The local Katanemo Identity API: an {@link IdentityStore} served over HTTP exactly as the vendor
 * spec says, plus `/openapi.json`, Swagger UI at `/docs` and `/healthz`, with CORS for browser
 * clients and one log line per request. `bin.ts` runs it from the command line; the demo and tests
 * start it in process.
 */
import { NodeHttpServer } from "@effect/platform-node"
import * as HttpServer from "@effect/platform/HttpServer"
import type * as HttpServerError from "@effect/platform/HttpServerError"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import { IdentityServer, IdentityStore, type SeedError } from "@katanemo/testing"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Http from "node:http"
import * as Cors from "./Cors.js"
import * as Docs from "./Docs.js"
import * as Health from "./Health.js"
import * as RequestLog from "./RequestLog.js"

export interface Options extends IdentityStore.Options {
  /** The interface to listen on (default 127.0.0.1). */
  readonly host?: string | undefined
  /** The port (default 4010; 0 picks a free one). */
  readonly port?: number | undefined
  /**
   * The origins a browser app may call from (`*`: any); by default localhost ones
   * (`http://localhost:*`, `http://127.0.0.1:*`, `http://[::1]:*`).
   */
  readonly corsOrigins?: ReadonlyArray<string> | undefined
}

/** The server's base URL, from the `HttpServer` in context. */
export const url: Effect.Effect<string, never, HttpServer.HttpServer> = Effect.map(
  HttpServer.HttpServer,
  ({ address }) =>
    address._tag === "TcpAddress"
      ? `http://${address.hostname.includes(":") ? `[${address.hostname}]` : address.hostname}:${address.port}`
      : `unix:${address.path}`
)

/** The readiness check and the documentation routes first, then the API. */
const app = Effect.gen(function*() {
  const request = yield* HttpServerRequest.HttpServerRequest
  const pathname = request.url.split(/[?#]/, 1)[0] ?? ""
  const extra = Health.route(request.method, pathname) ?? Docs.route(request.method, pathname, yield* url)
  return yield* extra ?? IdentityServer.httpApp
})

/**
 * Serves the API on the `HttpServer` and `IdentityStore` in context, with CORS for `corsOrigins`
 * and one log line per request (`validTokens` are blanked out of it).
 */
export const serveWith = (
  options: Pick<Options, "corsOrigins" | "validTokens"> = {}
): Layer.Layer<never, never, HttpServer.HttpServer | IdentityStore> => {
  const cors = Cors.middleware(options.corsOrigins)
  return HttpServer.serve(RequestLog.logged(options.validTokens)(cors(app)))
}

/** Serves the API on the `HttpServer` and `IdentityStore` in context, with the default CORS origins. */
export const serve: Layer.Layer<never, never, HttpServer.HttpServer | IdentityStore> = serveWith()

/**
 * The whole local API on Node: a fresh store with `options`, served on `host:port`. The store is
 * in the layer's output, to seed, inspect or inject faults while it runs.
 */
export const layer = (
  options: Options = {}
): Layer.Layer<IdentityStore | HttpServer.HttpServer, SeedError | HttpServerError.ServeError> =>
  serveWith(options).pipe(
    Layer.provideMerge(
      NodeHttpServer.layer(() => Http.createServer(), { port: options.port ?? 4010, host: options.host ?? "127.0.0.1" })
    ),
    Layer.provideMerge(IdentityStore.layer(options))
  )
