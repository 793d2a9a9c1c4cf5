/**
 * The client's side of a test in another runtime, bundled by esbuild for the browser (no Node
 * built-in can be reached: the bundle would not build) and loaded into Chromium, workerd or an
 * edge VM. It sets `globalThis.katanemoBridge` (see `protocol.ts`): clients over `FetchTransport`,
 * each call run there and its outcome sent back as JSON; and a check of the Promise API with its
 * default transport.
 */
import { IdentityApi, type IdentityError, NotFoundException, type Operation } from "@katanemo/client"
import * as FetchTransport from "@katanemo/client/FetchTransport"
import { KatanemoIdentity } from "@katanemo/client/KatanemoIdentity"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import type * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { type Bridge, CallError, CallOutcome, CallRequest, fromJson, toJson } from "./protocol.js"

type Client = ManagedRuntime.ManagedRuntime<IdentityApi, never>
type Outcome = typeof CallOutcome.Type

const clients = new Map<string, Client>()
const calls = new Map<string, Fiber.RuntimeFiber<Outcome>>()
/** Calls aborted before they started: a runtime reached over HTTP may see the abort first. */
const aborted = new Set<string>()

const isOperation = (name: string): name is Operation => Object.hasOwn(IdentityApi.endpoints, name)

// The one boundary of this file: an operation named at run time. Its input and options come off
// the wire as `unknown` (the client validates the input, as it validates any caller's, and the
// options are what `toJson` was given), and its answer is encoded by the same operation's endpoint.
type AnyCall = (input: unknown, options?: IdentityApi.CallOptions) => Effect.Effect<unknown, IdentityError.Any>
type AnyEncode = (value: unknown) => Effect.Effect<unknown, ParseResult.ParseError>
const untyped = (service: IdentityApi.Service, operation: Operation, request: typeof CallRequest.Type) => ({
  call: (request.raw ? service.raw[operation] : service[operation]) as AnyCall,
  encode: request.raw ? Effect.succeed : IdentityApi.endpoints[operation].encodeSuccess as AnyEncode,
  options: fromJson(request.options) as IdentityApi.CallOptions | undefined
})

const run = (service: IdentityApi.Service, request: typeof CallRequest.Type): Effect.Effect<Outcome> => {
  const operation = request.operation
  if (!isOperation(operation)) return Effect.succeed({ _tag: "Die", message: `no operation ${operation}` })
  const { call, encode, options } = untyped(service, operation, request)
  return call(fromJson(request.input), options).pipe(
    Effect.flatMap((value) => Effect.orDie(encode(value))),
    Effect.map((value): Outcome => ({ _tag: "Success", value: toJson(value) })),
    Effect.catchAll((error) =>
      Effect.sync((): Outcome => ({ _tag: "Failure", error: toJson(Schema.encodeSync(CallError)(error)) }))
    ),
    Effect.catchAllCause((cause) => Effect.succeed<Outcome>({ _tag: "Die", message: Cause.pretty(cause) }))
  )
}

const facade: Bridge["facade"] = async (baseUrl, token) => {
  const identity = new KatanemoIdentity({ baseUrl, token, maxRetries: 0 })
  try {
    await identity.createUserForAccount({ accountId: "acme", userId: "ada@acme.example", roles: ["admin"] })
    const users = await identity.getUsersForAccount({ accountId: "acme" })
    const missing = await identity.getUser({ accountId: "acme", userId: "nobody@acme.example" }).then(
      () => "found",
      (error: unknown) => error instanceof NotFoundException ? error._tag : String(error)
    )
    return { users: users.map((user) => user.userId ?? ""), missing }
  } finally {
    await identity.close()
  }
}

const bridge: Bridge = {
  open: async (client, baseUrl, token) => {
    const layer = IdentityApi.layer({
      baseUrl,
      maxRetries: 0,
      ...(token === null ? {} : { token: Redacted.make(token) })
    }).pipe(Layer.provide(FetchTransport.layer()), Layer.orDie)
    const runtime = ManagedRuntime.make(layer)
    try {
      await runtime.runPromise(Effect.void)
    } catch (error) {
      await runtime.dispose()
      throw error
    }
    clients.set(client, runtime)
  },
  call: async (client, call, text) => {
    const runtime = clients.get(client)
    if (runtime === undefined || aborted.delete(call)) {
      const message = runtime === undefined ? `no client ${client}` : "aborted before it started"
      return Schema.encodeSync(CallOutcome)({ _tag: "Die", message })
    }
    const request = Schema.decodeUnknownSync(CallRequest)(text)
    const fiber = runtime.runFork(Effect.flatMap(IdentityApi, (service) => run(service, request)))
    calls.set(call, fiber)
    const exit = await runtime.runPromise(Fiber.await(fiber))
    calls.delete(call)
    return Schema.encodeSync(CallOutcome)(
      Exit.isSuccess(exit) ? exit.value : { _tag: "Die", message: Cause.pretty(exit.cause) }
    )
  },
  abort: async (call) => {
    const fiber = calls.get(call)
    if (fiber === undefined) aborted.add(call)
    else await Effect.runPromise(Fiber.interrupt(fiber))
  },
  close: async (client) => {
    const runtime = clients.get(client)
    clients.delete(client)
    if (runtime !== undefined) await runtime.dispose()
  },
  facade
}

globalThis.katanemoBridge = bridge
