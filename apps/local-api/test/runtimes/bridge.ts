/**
 * The client's side of a test in another runtime, bundled by esbuild for the browser (no Node
 * built-in can be reached: the bundle would not build) and loaded into Chromium or an edge VM. It
 * sets `globalThis.katanemoBridge` (see `protocol.ts`): clients over `FetchTransport`, each call
 * run there and its outcome sent back as JSON.
 */
import { IdentityApi, type IdentityError, type Operation } from "@katanemo/client"
import * as FetchTransport from "@katanemo/client/FetchTransport"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import type * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { type Bridge, CallError, type CallOutcome, type CallRequest, fromJson, toJson } from "./protocol.js"

type Client = ManagedRuntime.ManagedRuntime<IdentityApi, never>

const clients = new Map<string, Client>()
const calls = new Map<string, Fiber.RuntimeFiber<CallOutcome>>()

const isOperation = (name: string): name is Operation => Object.hasOwn(IdentityApi.endpoints, name)

// The one boundary of this file: an operation named at run time. Its input and options come off
// the wire as `unknown` (the client validates the input, as it validates any caller's), and its
// answer is encoded by the same operation's endpoint.
type AnyCall = (input: unknown, options?: IdentityApi.CallOptions) => Effect.Effect<unknown, IdentityError.Any>
type AnyEncode = (value: unknown) => Effect.Effect<unknown, ParseResult.ParseError>
const untyped = (service: IdentityApi.Service, operation: Operation, raw: boolean) => ({
  call: (raw ? service.raw[operation] : service[operation]) as AnyCall,
  encode: raw ? Effect.succeed : IdentityApi.endpoints[operation].encodeSuccess as AnyEncode
})

const run = (service: IdentityApi.Service, request: CallRequest): Effect.Effect<CallOutcome> => {
  const operation = request.operation
  if (!isOperation(operation)) return Effect.succeed({ _tag: "Die", message: `no operation ${operation}` })
  const { call, encode } = untyped(service, operation, request.raw)
  const options = fromJson(request.options) as IdentityApi.CallOptions | undefined
  const answer = call(fromJson(request.input), options).pipe(
    Effect.flatMap((value) => Effect.orDie(encode(value)))
  )
  return Effect.exit(answer).pipe(
    Effect.flatMap(Exit.match({
      onSuccess: (value) => Effect.succeed<CallOutcome>({ _tag: "Success", value: toJson(value) }),
      onFailure: (cause) =>
        Effect.succeed<CallOutcome>(
          cause._tag === "Fail"
            ? { _tag: "Failure", error: toJson(Schema.encodeSync(CallError)(cause.error)) }
            : { _tag: "Die", message: String(cause) }
        )
    }))
  )
}

const bridge: Bridge = {
  open: async (client, baseUrl, token) => {
    const layer = IdentityApi.layer({
      baseUrl,
      maxRetries: 0,
      ...(token === null ? {} : { token: Redacted.make(token) })
    }).pipe(Layer.provide(FetchTransport.layer()), Layer.orDie)
    const runtime = ManagedRuntime.make(layer)
    await runtime.runPromise(Effect.void)
    clients.set(client, runtime)
  },
  call: async (client, call, text) => {
    const runtime = clients.get(client)
    if (runtime === undefined) return JSON.stringify({ _tag: "Die", message: `no client ${client}` })
    const request: CallRequest = JSON.parse(text)
    const fiber = runtime.runFork(Effect.flatMap(IdentityApi, (service) => run(service, request)))
    calls.set(call, fiber)
    const exit = await runtime.runPromise(Fiber.await(fiber))
    calls.delete(call)
    const outcome: CallOutcome = Exit.isSuccess(exit) ? exit.value : { _tag: "Die", message: "interrupted" }
    return JSON.stringify(outcome)
  },
  abort: async (call) => {
    const fiber = calls.get(call)
    if (fiber !== undefined) await Effect.runPromise(Fiber.interrupt(fiber))
  },
  close: async (client) => {
    const runtime = clients.get(client)
    clients.delete(client)
    if (runtime !== undefined) await runtime.dispose()
  }
}

globalThis.katanemoBridge = bridge
