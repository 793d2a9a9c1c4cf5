/**
 * The admin page's own backend: serves the page (`dist/public/`, bundled by esbuild) and
 * `GET /session`, the API's URL, the account and a bearer token for the page (see
 * `TokenSource.ts`). The page then calls the API itself, from the browser.
 */
import { NodeHttpServer } from "@effect/platform-node"
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServer from "@effect/platform/HttpServer"
import type * as HttpServerError from "@effect/platform/HttpServerError"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import { IdentityApi } from "@katanemo/client"
import * as UndiciTransport from "@katanemo/client/UndiciTransport"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as Http from "node:http"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as Session from "./shared/Session.js"
import * as TokenSource from "./TokenSource.js"

export interface Options {
  /** The interface to listen on. */
  readonly host: string
  /** The port; 0 picks a free one. */
  readonly port: number
  /** The API the page calls (its CORS must allow the page's origin). */
  readonly apiUrl: string
  /** The account whose keys and users the page shows. */
  readonly accountId: string
  readonly tokens: TokenSource.TokenSource
}

/** The bundled page: `dist/public/`, beside this file once built. */
const publicDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "public")

const noStore = { "cache-control": "no-store" }

/** The server's base URL, from the `HttpServer` in context. */
export const url: Effect.Effect<string, never, HttpServer.HttpServer> = Effect.map(
  HttpServer.HttpServer,
  ({ address }) => address._tag === "TcpAddress" ? `http://${address.hostname}:${address.port}` : `unix:${address.path}`
)

/**
 * `GET /session`: `{ apiUrl, accountId, token }`. A failed token exchange is a 502 whose message is
 * the SDK's (which never holds the secret).
 */
const session = (options: Options) =>
  TokenSource.token(options.tokens).pipe(
    Effect.flatMap((token) =>
      Schema.encode(Session.Session)({ apiUrl: options.apiUrl, accountId: options.accountId, token })
    ),
    Effect.map((body) => HttpServerResponse.unsafeJson(body, { headers: noStore })),
    Effect.catchAll((error) =>
      Effect.as(
        Effect.logWarning(`GET ${Session.path}: no token for the page: ${error.message}`),
        HttpServerResponse.unsafeJson({ message: `no token for the page: ${error.message}` }, {
          status: 502,
          headers: noStore
        })
      )
    )
  )

/** The routes: the page, its script, and the session. Nothing else is served. */
const router = (options: Options) =>
  HttpRouter.empty.pipe(
    HttpRouter.get("/", HttpServerResponse.file(path.join(publicDir, "index.html"))),
    HttpRouter.get("/main.js", HttpServerResponse.file(path.join(publicDir, "main.js"))),
    HttpRouter.get(Session.path, session(options))
  )

/**
 * The admin server on Node, listening on `host:port`. With client credentials it needs the SDK
 * (over undici) for the token exchange; with a development token it never calls the API.
 */
export const layer = (
  options: Options
): Layer.Layer<HttpServer.HttpServer, HttpServerError.ServeError | ConfigError.ConfigError> =>
  HttpServer.serve(router(options)).pipe(
    Layer.provideMerge(NodeHttpServer.layer(() => Http.createServer(), { port: options.port, host: options.host })),
    Layer.provide(IdentityApi.layer({ baseUrl: options.apiUrl }).pipe(Layer.provide(UndiciTransport.layer())))
  )
