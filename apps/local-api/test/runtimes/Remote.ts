/**
 * `IdentityApi` in Node whose calls run in another runtime: each method sends its operation, input
 * and options over a {@link Bridge} to a client on `FetchTransport` there (Chromium, an edge VM),
 * which calls the local API over a real socket, and turns the outcome back into the same answer or
 * the same error class. The contract suite's cases run unchanged in Node, on its `TestClock`,
 * beside the local API's store, while every request, its CORS preflight, its validation and the
 * decoding of its answer happen in the other runtime.
 *
 * It also bundles the bridge (`bridge.ts`) with esbuild for the browser platform, with no
 * externals, so a Node built-in reached from the client's code fails the bundle.
 */
import { IdentityApi, type IdentityError, type Operation, type RawResponse } from "@katanemo/client"
import type { Failure, Input, Success } from "@katanemo/client/KatanemoIdentity"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Esbuild from "esbuild"
import { fileURLToPath } from "node:url"
import { type Bridge, CallError, CallOutcome, CallRequest, fromJson, RawCallError, toJson } from "./protocol.js"

/**
 * An entry bundled for the browser platform: `bridge.ts` as an IIFE that sets
 * `globalThis.katanemoBridge` (Chromium, an edge VM), or `worker.ts` as a module Worker, with the
 * conditions a Workers bundler adds (workerd).
 * esbuild resolves `@katanemo/client` through its package exports, so the bundle holds the built
 * package, as a user's bundler would; `inputs` are the files it holds.
 */
export const bundle = (
  entry: "bridge.ts" | "worker.ts"
): Effect.Effect<{ readonly code: string; readonly inputs: ReadonlyArray<string> }, Error> =>
  Effect.tryPromise({
    try: () =>
      Esbuild.build({
        entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
        bundle: true,
        write: false,
        platform: "browser",
        ...(entry === "worker.ts" ? { format: "esm", conditions: ["workerd", "worker"] } : { format: "iife" }),
        target: "es2022",
        metafile: true,
        logLevel: "silent"
      }),
    catch: (cause) => new Error(`${entry} does not bundle for the browser: ${String(cause)}`, { cause })
  }).pipe(
    Effect.map((result) => ({
      code: result.outputFiles[0]?.text ?? "",
      inputs: Object.keys(result.metafile.inputs)
    }))
  )

/**
 * Sends a call to the other side: its answer as JSON, its error decoded by `errors` into an
 * instance of its class, a defect there a defect here.
 */
const send = <E, I>(
  bridge: Bridge,
  client: string,
  request: { readonly operation: Operation; readonly raw: boolean; readonly input: unknown; readonly options: unknown },
  errors: Schema.Schema<E, I>
): Effect.Effect<unknown, E> =>
  Effect.tryPromise({
    try: (signal) => {
      const call = crypto.randomUUID()
      // the other side may be gone by then (the page closed): the call's own rejection says so
      signal.addEventListener("abort", () => void bridge.abort(call).catch(() => undefined))
      return bridge.call(
        client,
        call,
        Schema.encodeSync(CallRequest)({ ...request, input: toJson(request.input), options: toJson(request.options) })
      )
    },
    catch: (cause) => new Error(`the bridge failed on ${request.operation}: ${String(cause)}`, { cause })
  }).pipe(
    Effect.orDie,
    Effect.flatMap((text) => Effect.orDie(Schema.decodeUnknown(CallOutcome)(text))),
    Effect.flatMap((outcome) => {
      switch (outcome._tag) {
        case "Success":
          return Effect.succeed(outcome.value)
        case "Failure":
          return Effect.flatMap(Effect.orDie(Schema.decodeUnknown(errors)(outcome.error)), Effect.fail)
        case "Die":
          return Effect.die(new Error(`${request.operation} died in the other runtime: ${outcome.message}`))
      }
    })
  )

// The one boundary of this file: the answer and error types of an operation named by a type
// parameter. The values are the ones its endpoint decodes and its error channel carries, in the
// other runtime; TypeScript cannot follow `K` through the endpoint table.
const decodeAnswer = (operation: Operation, json: unknown): Effect.Effect<unknown> => {
  const decode: (text: string) => Effect.Effect<unknown, ParseResult.ParseError> =
    IdentityApi.endpoints[operation].decode
  return Effect.orDie(decode(JSON.stringify(json)))
}
const asSuccess = <K extends Operation>(value: unknown): Success<K> => value as Success<K>
const asFailure = <K extends Operation>(error: IdentityError.Any): Failure<K> => error as Failure<K>

const lift = <K extends Operation>(bridge: Bridge, client: string, operation: K) =>
(
  input: Input<K>,
  options?: IdentityApi.CallOptions
): Effect.Effect<Success<K>, Failure<K>> =>
  send(bridge, client, { operation, raw: false, input, options }, CallError).pipe(
    Effect.flatMap((json) => decodeAnswer(operation, json)),
    Effect.map(asSuccess<K>),
    Effect.mapError(asFailure<K>)
  )

const RawAnswer = Schema.Struct({
  status: Schema.Number,
  headers: Schema.Record({ key: Schema.String, value: Schema.String }),
  body: Schema.String,
  requestId: Schema.UndefinedOr(Schema.String)
})

const liftRaw = <K extends Operation>(bridge: Bridge, client: string, operation: K): IdentityApi.RawCall<Input<K>> =>
(
  input,
  options
) =>
  send(bridge, client, { operation, raw: true, input, options }, RawCallError).pipe(
    Effect.flatMap((json): Effect.Effect<RawResponse> => Effect.orDie(Schema.decodeUnknown(RawAnswer)(fromJson(json))))
  )

const service = (bridge: Bridge, client: string): IdentityApi.Service => ({
  createClientKey: lift(bridge, client, "createClientKey"),
  getClientKeyList: lift(bridge, client, "getClientKeyList"),
  getClientKey: lift(bridge, client, "getClientKey"),
  deleteClientKey: lift(bridge, client, "deleteClientKey"),
  createUserForAccount: lift(bridge, client, "createUserForAccount"),
  getUsersForAccount: lift(bridge, client, "getUsersForAccount"),
  getUser: lift(bridge, client, "getUser"),
  updateUser: lift(bridge, client, "updateUser"),
  getShortTermToken: lift(bridge, client, "getShortTermToken"),
  raw: {
    createClientKey: liftRaw(bridge, client, "createClientKey"),
    getClientKeyList: liftRaw(bridge, client, "getClientKeyList"),
    getClientKey: liftRaw(bridge, client, "getClientKey"),
    deleteClientKey: liftRaw(bridge, client, "deleteClientKey"),
    createUserForAccount: liftRaw(bridge, client, "createUserForAccount"),
    getUsersForAccount: liftRaw(bridge, client, "getUsersForAccount"),
    getUser: liftRaw(bridge, client, "getUser"),
    updateUser: liftRaw(bridge, client, "updateUser"),
    getShortTermToken: liftRaw(bridge, client, "getShortTermToken")
  }
})

/**
 * `IdentityApi` over a client opened in the other runtime against `baseUrl` (without retries, as
 * the contract suite wants), closed with the layer.
 */
export const layer = (
  bridge: Bridge,
  options: { readonly baseUrl: string; readonly token: Redacted.Redacted<string> | undefined }
): Layer.Layer<IdentityApi> =>
  Layer.scoped(
    IdentityApi,
    Effect.acquireRelease(
      Effect.promise(async () => {
        const client = crypto.randomUUID()
        await bridge.open(client, options.baseUrl, options.token === undefined ? null : Redacted.value(options.token))
        return client
      }),
      (client) => Effect.promise(() => bridge.close(client))
    ).pipe(Effect.map((client) => service(bridge, client)))
  )
