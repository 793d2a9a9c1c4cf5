/**
 * The targets the contract suite runs against: the in-memory layer, the live client over the
 * wire-level fake, and the live client against the server on a real socket over each transport.
 */
import { NodeHttpClient, NodeHttpServer } from "@effect/platform-node"
import * as HttpServer from "@effect/platform/HttpServer"
import { IdentityApi, IdentityError, type Operation, type RawError, type Transport } from "@katanemo/client"
import * as FetchTransport from "@katanemo/client/FetchTransport"
import * as HttpClientTransport from "@katanemo/client/HttpClientTransport"
import {
  type Failure,
  type Input,
  KatanemoIdentity,
  type Methods,
  type Success
} from "@katanemo/client/KatanemoIdentity"
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

/**
 * A rejection of the Promise API, back in the error channel: the SDK's own errors and the API's
 * exceptions are failures, as the Effect service fails with them; anything else (a
 * `FiberFailure` wrapping one) is a defect, which no case expects.
 */
const isFailure = <K extends Operation>(_operation: K, error: unknown): error is Failure<K> =>
  IdentityError.isApiException(error) || IdentityError.isSdkError(error)

const rejected = (operation: Operation) => (error: unknown) =>
  new Error(`KatanemoIdentity.${operation} rejected with something other than an SDK error: ${String(error)}`)

/** One operation of the Promise API as the Effect service's method; interruption aborts the call. */
const lift = <K extends Operation>(identity: KatanemoIdentity, operation: K) =>
(
  input: Input<K>,
  options?: IdentityApi.CallOptions
): Effect.Effect<Success<K>, Failure<K>> => {
  const methods: Methods = identity
  return Effect.tryPromise({
    try: (signal) => methods[operation](input, { ...options, signal }),
    catch: (error) => error
  }).pipe(
    Effect.catchAll((error) =>
      isFailure(operation, error) ? Effect.fail(error) : Effect.die(rejected(operation)(error))
    )
  )
}

const isRawFailure = (error: unknown): error is RawError => IdentityError.isSdkError(error)

/** One raw operation of the Promise API as the Effect service's raw method. */
const liftRaw =
  <K extends Operation>(identity: KatanemoIdentity, operation: K): IdentityApi.RawCall<Input<K>> => (input, options) =>
    Effect.tryPromise({
      try: (signal) => identity.raw[operation](input, { ...options, signal }),
      catch: (error) => error
    }).pipe(
      Effect.catchAll((error) => isRawFailure(error) ? Effect.fail(error) : Effect.die(rejected(operation)(error)))
    )

/**
 * The Effect service over the Promise API: each method runs the facade's and maps its rejection
 * back (`Effect.tryPromise`, whose signal the fiber's interruption aborts).
 */
const fromPromises = (identity: KatanemoIdentity): IdentityApi.Service => ({
  createClientKey: lift(identity, "createClientKey"),
  getClientKeyList: lift(identity, "getClientKeyList"),
  getClientKey: lift(identity, "getClientKey"),
  deleteClientKey: lift(identity, "deleteClientKey"),
  createUserForAccount: lift(identity, "createUserForAccount"),
  getUsersForAccount: lift(identity, "getUsersForAccount"),
  getUser: lift(identity, "getUser"),
  updateUser: lift(identity, "updateUser"),
  getShortTermToken: lift(identity, "getShortTermToken"),
  raw: {
    createClientKey: liftRaw(identity, "createClientKey"),
    getClientKeyList: liftRaw(identity, "getClientKeyList"),
    getClientKey: liftRaw(identity, "getClientKey"),
    deleteClientKey: liftRaw(identity, "deleteClientKey"),
    createUserForAccount: liftRaw(identity, "createUserForAccount"),
    getUsersForAccount: liftRaw(identity, "getUsersForAccount"),
    getUser: liftRaw(identity, "getUser"),
    updateUser: liftRaw(identity, "updateUser"),
    getShortTermToken: liftRaw(identity, "getShortTermToken")
  }
})

/**
 * The Promise API (`KatanemoIdentity`, with its default transport) against the server over a
 * real socket, seen through `IdentityApi` by the suite; raw requests over undici. The client is
 * closed with the case.
 */
export const promises: Target = (options) =>
  Layer.unwrapEffect(
    Effect.map(baseUrl, (url) =>
      Layer.merge(
        Layer.scoped(
          IdentityApi,
          Effect.map(
            Effect.acquireRelease(
              Effect.sync(() => new KatanemoIdentity({ baseUrl: url, token: options.token, maxRetries: 0 })),
              (identity) => Effect.promise(() => identity.close())
            ),
            fromPromises
          )
        ),
        ContractSuite.layerWire(url).pipe(Layer.provide(UndiciTransport.layer()))
      ))
  ).pipe(
    Layer.provide(serverLayer),
    Layer.provideMerge(store(options)),
    Layer.orDie
  )
