/**
 * The targets the contract suite runs against: the in-memory layer, the live client over the
 * wire-level fake, and the live client against the server on a real socket over each transport.
 */
import { NodeHttpClient, NodeHttpServer } from "@effect/platform-node"
import * as HttpServer from "@effect/platform/HttpServer"
import { IdentityApi, type Transport } from "@katanemo/client"
import * as FetchTransport from "@katanemo/client/FetchTransport"
import * as HttpClientTransport from "@katanemo/client/HttpClientTransport"
import * as UndiciTransport from "@katanemo/client/UndiciTransport"
import { ContractSuite, IdentityApiMemory, IdentityHttpFake, IdentityServer, IdentityStore } from "@katanemo/testing"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Http from "node:http"

type Target = (
  options: ContractSuite.TargetOptions
) => Layer.Layer<IdentityApi | IdentityStore | ContractSuite.Wire>

const store = (options: ContractSuite.TargetOptions) => Layer.orDie(IdentityStore.layer(options))

/**
 * The in-memory service layer. It has no wire: its raw requests go to the server's handler over
 * its store.
 */
export const memory: Target = (options) =>
  ContractSuite.layerWireInProcess.pipe(Layer.provideMerge(Layer.orDie(IdentityApiMemory.layer(options))))

/**
 * The live client over the wire-level fake, through `HttpClientTransport`: no sockets. Raw requests
 * take the same way.
 */
export const wire: Target = (options) =>
  Layer.merge(
    Layer.orDie(IdentityApi.layer({ baseUrl: "http://katanemo.test", token: options.token, maxRetries: 0 })),
    ContractSuite.layerWire("http://katanemo.test")
  ).pipe(
    Layer.provide(HttpClientTransport.layer()),
    Layer.provide(IdentityHttpFake.layer()),
    Layer.provideMerge(store(options))
  )

/** A server on 127.0.0.1 with a free port, serving the store. */
export const serverLayer = IdentityServer.layer.pipe(
  Layer.provideMerge(NodeHttpServer.layer(() => Http.createServer(), { port: 0, host: "127.0.0.1" }))
)

/** The server's base URL. */
export const baseUrl = Effect.map(
  HttpServer.HttpServer,
  ({ address }) => address._tag === "TcpAddress" ? `http://127.0.0.1:${address.port}` : "http://unix-socket"
)

/** Every transport of `@katanemo/client` that reaches a socket, by the name a failure shows. */
export const transports: ReadonlyArray<readonly [string, Layer.Layer<Transport>]> = [
  ["UndiciTransport", UndiciTransport.layer()],
  ["FetchTransport", FetchTransport.layer()],
  [
    "HttpClientTransport over NodeHttpClient.layerUndici",
    HttpClientTransport.layer().pipe(
      Layer.provide(NodeHttpClient.layerUndici)
    )
  ]
]

/**
 * The live client against the server over a real socket, through `transport`; raw requests go
 * over a socket through the same transport.
 */
export const socket = (transport: Layer.Layer<Transport>): Target => (options) =>
  Layer.unwrapEffect(
    Effect.map(baseUrl, (url) =>
      Layer.merge(
        IdentityApi.layer({ baseUrl: url, token: options.token, maxRetries: 0 }),
        ContractSuite.layerWire(url)
      ))
  ).pipe(
    Layer.provide(transport),
    Layer.provide(serverLayer),
    Layer.provideMerge(store(options)),
    Layer.orDie
  )
