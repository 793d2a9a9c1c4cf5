/**
 * The Identity API for code that does not use Effect: a class whose async methods mirror the
 * nine operations of `IdentityApi`, over the same service. A failed call rejects with the error
 * the Effect API fails with (`NotFoundException`, `TimeoutError`, …: `instanceof`, `_tag` and
 * `message` work on it), each call takes an `AbortSignal`, and `close()` (or `await using`)
 * releases the client's sockets.
 *
 * @example
 * ```ts
 * import { NotFoundException } from "@katanemo/client"
 * import { KatanemoIdentity } from "@katanemo/client/KatanemoIdentity"
 *
 * export async function main() {
 *   await using identity = new KatanemoIdentity({ baseUrl: "http://127.0.0.1:4010", token: "tok_local" })
 *   try {
 *     return await identity.getUser({ accountId: "acme", userId: "ada@acme.example" })
 *   } catch (error) {
 *     if (error instanceof NotFoundException) return undefined
 *     throw error
 *   }
 * }
 * ```
 *
 * @since 0.1.0
 */
// `AsyncDisposable` and `Symbol.asyncDispose` in the declarations: kept in them, so that a project
// whose `lib` lacks them (a browser project on ES2022 and DOM, without @types/node) compiles.
/// <reference lib="esnext.disposable" preserve="true" />
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import * as Record from "effect/Record"
import * as Redacted from "effect/Redacted"
import * as FetchTransport from "./FetchTransport.js"
import { endpoints, IdentityApi, type Operation } from "./IdentityApi.js"
import * as IdentityApiConfig from "./IdentityApiConfig.js"
import type { RawResponse } from "./RawResponse.js"
import type { Transport } from "./Transport.js"
import type * as UndiciTransport from "./UndiciTransport.js"

/**
 * The client's options: those of `IdentityApi.layer` (with `token` also as a plain string), the
 * transport, the log level and, instead of a token, an API key's client credentials.
 *
 * @since 0.1.0
 * @category options
 */
export interface Options extends Omit<IdentityApi.Options, "token" | "clientSecret"> {
  /**
   * Sent as `Authorization: Bearer <token>`. A plain string is wrapped in `Redacted` at once, so
   * it prints as `<redacted>` from then on. Not together with `clientId`.
   */
  readonly token?: Redacted.Redacted<string> | string | undefined
  /** The API key's secret, with `clientId`; a plain string is wrapped in `Redacted` at once. */
  readonly clientSecret?: Redacted.Redacted<string> | string | undefined
  /**
   * What carries the requests. The default depends on the runtime: on Node (where
   * `process.versions.node` is set: Node, Bun, Deno; not workerd, which sets it under
   * `nodejs_compat`) `UndiciTransport.layer()`, loaded on first use, so a program that passes
   * another transport never loads undici; elsewhere (a browser, an edge runtime)
   * `FetchTransport.layer()`. A bundler for the browser leaves undici out by itself: the
   * package's `browser` field maps `UndiciTransport` to nothing, and then `fetch` is taken too.
   */
  readonly transport?: Layer.Layer<Transport> | undefined
  /**
   * The least level of the SDK's log lines that are printed (default: `KATANEMO_LOG` when
   * `process.env` exists, else `"Info"`). `KATANEMO_LOG=debug` turns on the debug lines.
   */
  readonly logLevel?: LogLevel.Literal | undefined
}

/**
 * Options of one call: the second argument of every method, those of the Effect API plus the
 * call's `AbortSignal`.
 *
 * @since 0.1.0
 * @category options
 */
export interface CallOptions extends IdentityApi.CallOptions {
  /**
   * Aborts the call: the request in flight is aborted and the promise rejects with
   * `signal.reason`, as `fetch` does (a `DOMException` named `AbortError` unless the reason was
   * given). Already aborted: the call rejects at once and sends nothing.
   */
  readonly signal?: AbortSignal | undefined
}

/**
 * The input of an operation.
 *
 * @since 0.1.0
 * @category models
 */
export type Input<K extends Operation> = Parameters<IdentityApi.Service[K]>[0]

/**
 * What an operation answers.
 *
 * @since 0.1.0
 * @category models
 */
export type Success<K extends Operation> = Effect.Effect.Success<ReturnType<IdentityApi.Service[K]>>

/**
 * What an operation's promise rejects with: the errors of its Effect (the same classes).
 *
 * @since 0.1.0
 * @category models
 */
export type Failure<K extends Operation> = Effect.Effect.Error<ReturnType<IdentityApi.Service[K]>>

/**
 * One method per operation of `IdentityApi`, by its name: the same input, a promise of the same
 * answer. Mapped over `Operation`, so each operation has its method.
 *
 * @since 0.1.0
 * @category models
 */
export type Methods = {
  readonly [K in Operation]: Method<K>
}

/**
 * The method of one operation: its input and per-call options, a promise of its answer.
 *
 * @since 0.1.0
 * @category models
 */
export type Method<K extends Operation> = (input: Input<K>, options?: CallOptions) => Promise<Success<K>>

/**
 * The raw method of one operation: its input and per-call options, a promise of the response.
 *
 * @since 0.1.0
 * @category models
 */
export type RawMethod<K extends Operation> = (input: Input<K>, options?: CallOptions) => Promise<RawResponse>

/**
 * `raw`: every operation, answering the response as it arrived (status, headers, body text).
 *
 * @since 0.1.0
 * @category models
 */
export type RawMethods = {
  readonly [K in Operation]: RawMethod<K>
}

/** The service's calls as a mapped type, so that one call can be picked by a generic name. */
type RawCalls = {
  readonly [K in Operation]: IdentityApi.RawCall<Input<K>>
}
type Calls = {
  readonly [K in Operation]: (
    input: Input<K>,
    options?: IdentityApi.CallOptions
  ) => Effect.Effect<Success<K>, Failure<K>>
}

/**
 * One value per operation, the keys taken from `IdentityApi.endpoints`: `make` is called with
 * each operation's name. The caller states the object's type `F`, whose value at `K` must be
 * what `make(K)` returns (TypeScript cannot check a generic function's result against `F[K]`).
 */
const perOperation = <F extends { readonly [K in Operation]: unknown }>(
  make: <K extends Operation>(operation: K) => unknown
): F => {
  const built: Partial<Record<Operation, unknown>> = {}
  for (const operation of Record.keys(endpoints)) built[operation] = make(operation)
  // the loop set every operation's key; `test/KatanemoIdentity.test.ts` checks the keys and calls each
  return built as F
}

const levels: ReadonlyArray<LogLevel.LogLevel> = LogLevel.allLevels

/**
 * The globals that only some runtimes have, each optional: Node's `process` (not in a browser
 * or an edge runtime) and `navigator` (not in Node 20).
 */
const globals = (): {
  readonly process?: {
    readonly env?: Record<string, string | undefined>
    readonly versions?: { readonly node?: string | undefined }
  }
  readonly navigator?: { readonly userAgent?: string }
} => globalThis

/**
 * `KATANEMO_LOG`'s level, when set to a level's name in any case: `all`, `trace`, `debug`,
 * `info`, `warning`, `error`, `fatal` or `none` (the names the CLI's `--log-level` takes).
 */
const envLogLevel = (): LogLevel.LogLevel | undefined => {
  const text = globals().process?.env?.["KATANEMO_LOG"]?.trim().toLowerCase()
  return text === undefined ? undefined : levels.find((level) => level._tag.toLowerCase() === text)
}

const redacted = (value: Redacted.Redacted<string> | string): Redacted.Redacted<string> =>
  typeof value === "string" ? Redacted.make(value) : value

/**
 * Node, Bun or Deno: `process.versions.node` is set. Cloudflare's workerd sets it too under
 * `nodejs_compat`, but has no sockets for undici: its `navigator.userAgent` tells it apart.
 */
const onNode = (): boolean => {
  const { navigator, process } = globals()
  return typeof process?.versions?.node === "string" && navigator?.userAgent !== "Cloudflare-Workers"
}

/**
 * The default: on Node, undici, loaded only when no transport is given; elsewhere `fetch`, and
 * also where a bundler mapped `UndiciTransport` to an empty module (the package's `browser` field).
 */
const defaultTransport: Layer.Layer<Transport> = Layer.unwrapEffect(
  Effect.suspend(() =>
    onNode()
      ? Effect.promise(() =>
        import("./UndiciTransport.js").then((module: Partial<typeof UndiciTransport>) =>
          module.layer?.() ?? FetchTransport.layer()
        )
      )
      : Effect.succeed(FetchTransport.layer())
  )
)

/** The options as `IdentityApi.layer` takes them: the secrets `Redacted`, without the facade's own. */
const apiOptions = (options: Options): IdentityApi.Options => {
  const { clientSecret, logLevel: _logLevel, token, transport: _transport, ...rest } = options
  return {
    ...rest,
    ...(token === undefined ? {} : { token: redacted(token) }),
    ...(clientSecret === undefined ? {} : { clientSecret: redacted(clientSecret) })
  }
}

/** The service's layer for the options: by token, or by client credentials. */
const serviceLayer = (options: Options): Layer.Layer<IdentityApi> =>
  IdentityApi.layer(apiOptions(options)).pipe(Layer.orDie, Layer.provide(options.transport ?? defaultTransport))

/**
 * Options that cannot work, found when the client is made: those `IdentityApi.layer` refuses (a
 * token and client credentials both, half of the credentials, a bad URL or duration), and a log
 * level that is none.
 */
const check = (options: Options): void => {
  const problem = IdentityApiConfig.validate(apiOptions(options))
  if (problem._tag === "Left") {
    throw new TypeError(`KatanemoIdentity: ${String(problem.left)}`, { cause: problem.left })
  }
  const logLevel = options.logLevel
  if (logLevel !== undefined && !levels.some((level) => level._tag === logLevel)) {
    throw new TypeError(`KatanemoIdentity: logLevel must be one of ${levels.map((l) => l._tag).join(", ")}`)
  }
}

/** Why calls reject after `close()`. */
const closed = () => new Error("KatanemoIdentity: the client is closed (close() was called); make a new one")

/** What runs the calls of one client, and `close()`'s signal to those in flight. */
interface Runner {
  readonly runtime: ManagedRuntime.ManagedRuntime<IdentityApi, never>
  readonly closing: AbortController
}

/**
 * Runs one call: resolves with its answer, rejects with its error (or defect) itself, never a
 * `FiberFailure`; with the signal's reason when aborted, and with an error saying so once the
 * client is closed.
 */
const run = <A, E>(
  { closing, runtime }: Runner,
  effect: Effect.Effect<A, E, IdentityApi>,
  signal: AbortSignal | undefined
): Promise<A> => {
  if (signal?.aborted === true) return Promise.reject(signal.reason)
  if (closing.signal.aborted) return Promise.reject(closed())
  // one signal for the run, aborted by the caller's or by close(): it interrupts the call's fiber,
  // which aborts the request in flight
  const controller = new AbortController()
  const abort = () => controller.abort()
  signal?.addEventListener("abort", abort, { once: true })
  closing.signal.addEventListener("abort", abort, { once: true })
  return runtime.runPromiseExit(effect, { signal: controller.signal }).then((exit) => {
    signal?.removeEventListener("abort", abort)
    closing.signal.removeEventListener("abort", abort)
    if (Exit.isSuccess(exit)) return exit.value
    const failure = Cause.failureOption(exit.cause)
    if (Option.isSome(failure)) throw failure.value
    const defect = Cause.dieOption(exit.cause)
    if (Option.isSome(defect)) throw defect.value
    if (signal?.aborted === true) throw signal.reason
    if (closing.signal.aborted) throw closed()
    throw new Error(`KatanemoIdentity: the call was interrupted\n${Cause.pretty(exit.cause)}`)
  })
}

const methods = (runner: Runner): Methods =>
  perOperation<Methods>(<K extends Operation>(operation: K): Method<K> => (input, { signal, ...options } = {}) =>
    run(
      runner,
      Effect.flatMap(IdentityApi, (service) => {
        const calls: Calls = service
        return calls[operation](input, options)
      }),
      signal
    )
  )

const rawMethods = (runner: Runner): RawMethods =>
  perOperation<RawMethods>(<K extends Operation>(operation: K): RawMethod<K> => (input, { signal, ...options } = {}) =>
    run(
      runner,
      Effect.flatMap(IdentityApi, (service) => {
        const calls: RawCalls = service.raw
        return calls[operation](input, options)
      }),
      signal
    )
  )

/**
 * The class the client extends: its instance holds the methods it is given, and `raw`. Typed as
 * holding the methods, which the constructor's copy makes true (TypeScript cannot see through
 * `Object.assign`).
 */
const WithMethods = class {
  readonly raw: RawMethods
  constructor(methods: Methods, raw: RawMethods) {
    Object.assign(this, methods)
    this.raw = raw
  }
} as new(methods: Methods, raw: RawMethods) => Methods & { readonly raw: RawMethods }

/**
 * The Identity API with promises. Constructed with the options of `IdentityApi.layer`, it has
 * one async method per operation ({@link Methods}: `getUser(input, options?)`, …, the same input
 * object, and a second argument of per-call options with a `signal`) and `raw` for undecoded
 * responses. A thin layer over the Effect
 * service: a `ManagedRuntime` of `IdentityApi.layer` runs each call.
 *
 * - A failed call rejects with the Effect API's error itself: `instanceof NotFoundException`,
 *   `error._tag` and `error.message` work. A defect rejects with the defect.
 * - An aborted call rejects with the signal's `reason`, and its request is aborted.
 * - `close()` (or leaving an `await using` block) aborts the calls in flight, closes the
 *   transport's connections and makes later calls reject.
 *
 * Bad options throw a `TypeError` here, naming the option.
 *
 * @since 0.1.0
 * @category models
 */
export class KatanemoIdentity extends WithMethods implements Methods, AsyncDisposable {
  /**
   * The same operations, answering the response as it arrived instead of decoding it. Retries
   * and timeouts still apply; no status is an error.
   *
   * @since 0.1.0
   */
  declare readonly raw: RawMethods

  /** @internal */
  readonly #runner: Runner
  /**
   * `close()`'s promise, once called.
   *
   * @internal
   */
  #closed: Promise<void> | undefined

  /** @since 0.1.0 */
  constructor(options: Options = {}) {
    check(options)
    const level = options.logLevel === undefined
      ? envLogLevel() ?? LogLevel.Info
      : LogLevel.fromLiteral(options.logLevel)
    const runner: Runner = {
      runtime: ManagedRuntime.make(Layer.merge(serviceLayer(options), Logger.minimumLogLevel(level))),
      closing: new AbortController()
    }
    super(methods(runner), rawMethods(runner))
    this.#runner = runner
  }

  /**
   * Closes the client: aborts the calls in flight (they reject saying the client is closed),
   * closes the transport's connections, and makes later calls reject. Calling it again waits for
   * the same close.
   *
   * @since 0.1.0
   */
  close(): Promise<void> {
    if (this.#closed === undefined) {
      this.#runner.closing.abort()
      this.#closed = this.#runner.runtime.dispose()
    }
    return this.#closed
  }

  /**
   * `close()`, for `await using identity = new KatanemoIdentity(...)`.
   *
   * @since 0.1.0
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }
}
