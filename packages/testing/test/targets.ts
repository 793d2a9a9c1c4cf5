/** The three targets the contract suite runs against. */
import { NodeHttpClient, NodeHttpServer } from "@effect/platform-node"
import * as HttpServer from "@effect/platform/HttpServer"
import { IdentityApi } from "@katanemo/client"
import { ContractSuite, IdentityApiMemory, IdentityHttpFake, IdentityServer, IdentityStore } from "@katanemo/testing"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Http from "node:http"

type Target = (
  options: ContractSuite.TargetOptions
) => Layer.Layer<IdentityApi | IdentityStore | ContractSuite.Wire>

const store = (options: ContractSuite.TargetOptions) => Layer.orDie(IdentityStore.layer(options))

/**
 * (1) The in-memory service layer. It has no wire: its raw requests go to the server's handler
 * over its store.
 */
export const memory: Target = (options) =>
  ContractSuite.layerWireInProcess.pipe(Layer.provideMerge(Layer.orDie(IdentityApiMemory.layer(options))))

/** (2) The live client over the wire-level fake: no sockets. Raw requests go through the same fake. */
export const wire: Target = (options) =>
  Layer.merge(
    Layer.orDie(IdentityApi.layer({ baseUrl: "http://katanemo.test", token: options.token, maxRetries: 0 })),
    ContractSuite.layerWire("http://katanemo.test")
  ).pipe(
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

/** (3) The live client against the server over a real socket; raw requests go over a socket too. */
export const socket: Target = (options) =>
  Layer.unwrapEffect(
    Effect.map(baseUrl, (url) =>
      Layer.merge(
        IdentityApi.layer({ baseUrl: url, token: options.token, maxRetries: 0 }),
        ContractSuite.layerWire(url)
      ))
  ).pipe(
    Layer.provide(NodeHttpClient.layerUndici),
    Layer.provide(serverLayer),
    Layer.provideMerge(store(options)),
    Layer.orDie
  )
