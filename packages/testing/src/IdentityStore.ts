/**
 * The in-memory state of a fake Katanemo: accounts with their API keys and users, and the rules
 * the real API applies to them. The in-memory `IdentityApi` layer, the wire-level `HttpClient`
 * fake and the local HTTP server all answer from one of these, so they agree on every rule.
 *
 * A store also records every call (for assertions), injects faults, rate-limits, issues bearer
 * tokens (`getShortTermToken`: signed JWTs with an `exp` claim), and checks bearer tokens when given
 * a list of valid ones. All time goes through Effect's `Clock`.
 *
 * @since 0.1.0
 */
import type { Operation } from "@katanemo/client"
import {
  AccountId,
  type ApiException,
  ApiExceptions,
  type ClientKeyObject,
  InternalServerErrorException,
  KeyId,
  TokenResponse,
  TooManyRequestsException,
  UnauthorizedException,
  type UserResponse
} from "@katanemo/models"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import { makeSigner } from "./internal/jwt.js"
import { endpoints, type InputOf, type OutputOf } from "./internal/operations.js"
import {
  accountOf,
  type Context as RuleContext,
  type ContextOf,
  type NewKey,
  type RuleOutputOf,
  rules
} from "./internal/rules.js"
import { emptyAccount, fromSeed, type State } from "./internal/state.js"
import { decodeSeed, type Seed, type SeedError } from "./Seed.js"

// ---------------------------------------------------------------------------------------------
// options, records, faults
// ---------------------------------------------------------------------------------------------

/**
 * The name under which {@link IdentityStore.Service.firedFaults} counts a fault: when it fired and what it did,
 * such as `before 429`, `after 500`, `after reset`, `after noAnswer`, or `before delay` for a
 * fault that only waits.
 *
 * @since 0.1.0
 * @category faults
 */
export const faultLabel = (fault: IdentityStore.FaultAction): string => {
  const what = fault.drop ?? (fault.fail === undefined ? "delay" : String(ApiExceptions.statusOf(fault.fail)))
  return `${fault.when ?? "before"} ${what}`
}

// ---------------------------------------------------------------------------------------------
// implementation: the harness (tokens, faults, rate limit, call log, key ids, signing) around the rules,
// which are pure functions (internal/rules.ts), each applied in one step over the state
// (internal/state.ts); the seed is Seed.ts
// ---------------------------------------------------------------------------------------------

interface PendingFault {
  readonly fault: IdentityStore.Fault
  readonly remaining: number
}

const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

const randomString = (length: number): Effect.Effect<string> =>
  Effect.map(
    Effect.all(Array.from({ length }, () => Random.nextIntBetween(0, alphabet.length))),
    (indexes) => indexes.map((i) => alphabet[i]).join("")
  )

/**
 * How long a token the store issues is valid, unless `tokenTtl` says otherwise: 1 hour.
 *
 * @since 0.1.0
 * @category tokens
 */
export const defaultTokenTtl: Duration.Duration = Duration.hours(1)

const reject = (
  exception: ApiException,
  retryAfter: Option.Option<Duration.Duration> = Option.none()
): IdentityStore.Rejection => ({
  exception,
  retryAfter
})

/**
 * Builds a store.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: IdentityStore.Options = {}): Effect.Effect<IdentityStore.Service, SeedError> =>
  Effect.gen(function*() {
    const serviceId = options.serviceId ?? "svc-local"
    const seed = yield* decodeSeed(options.seed ?? {})
    const initial = fromSeed(seed, serviceId)
    const state = yield* Ref.make<State>(initial)
    // Every key id ever held (or drawn by a create under way), so that a new one is unique (and a
    // deleted one is never reused) without scanning every account on each create, which made a
    // long run quadratic.
    const keyIds = new Set(Array.from(initial.values(), (a) => a.keys.map((key) => key.clientKeyId)).flat())
    // A plain array: appending to an immutable one copies it on every call (quadratic under load).
    const maxCallRecords = Math.max(0, options.maxCallRecords ?? 10_000)
    let calls: Array<IdentityStore.CallRecord> = []
    // (not `slice(-n)`: `slice(-0)` is the whole array)
    const latest = () => calls.slice(Math.max(0, calls.length - maxCallRecords))
    const record = (entry: IdentityStore.CallRecord) =>
      Effect.sync(() => {
        calls.push(entry)
        // trimmed in batches, so that recording stays constant time on average
        if (calls.length > 2 * maxCallRecords) calls = latest()
      })
    const faults = yield* Ref.make<ReadonlyArray<PendingFault>>([])
    const rateLimit = yield* Ref.make<number | undefined>(options.rateLimit)
    const recent = yield* Ref.make<ReadonlyArray<number>>([])
    const validTokens = options.validTokens === undefined ? undefined : new Set(options.validTokens)
    const tokenTtlMillis = Duration.toMillis(Duration.decode(options.tokenTtl ?? defaultTokenTtl))
    // the key the tokens this store issues are signed with, drawn now, never shown
    const signer = yield* makeSigner

    const account = (accountId: string) => Effect.map(Ref.get(state), (all) => all.get(accountId) ?? emptyAccount)

    /** Takes the first pending fault that applies to `operation`, if any. */
    const takeFault = (operation: Operation) =>
      Ref.modify(faults, (pending): [Option.Option<IdentityStore.FaultAction>, ReadonlyArray<PendingFault>] => {
        const index = pending.findIndex((p) => p.fault.operation === undefined || p.fault.operation === operation)
        const found = pending[index]
        if (found === undefined) return [Option.none(), pending]
        const rest = found.remaining > 1
          ? pending.map((p, i) => (i === index ? { ...p, remaining: p.remaining - 1 } : p))
          : pending.filter((_, i) => i !== index)
        return [Option.some(found.fault), rest]
      })

    const randomFaults = yield* Ref.make<ReadonlyArray<IdentityStore.FaultAction>>([])
    const randomProbability = yield* Ref.make(0)

    /** With the configured probability, one of the random faults. */
    const drawRandomFault: Effect.Effect<Option.Option<IdentityStore.FaultAction>> = Effect.flatMap(
      Ref.get(randomFaults),
      (actions) =>
        actions.length === 0
          ? Effect.succeedNone
          : Effect.flatMap(Effect.zip(Random.next, Ref.get(randomProbability)), ([draw, probability]) =>
            draw >= probability
              ? Effect.succeedNone
              : Effect.map(Random.nextIntBetween(0, actions.length), (i) =>
                Option.fromNullable(actions[i])))
    )

    /** The fault this call meets: a pending given one first, else perhaps a random one. */
    const pickFault = (operation: Operation): Effect.Effect<Option.Option<IdentityStore.FaultAction>> =>
      Effect.flatMap(takeFault(operation), (given) => Option.isSome(given) ? Effect.succeed(given) : drawRandomFault)

    const fired = new Map<string, number>()

    /** Counts the fault, waits its delay, then fails as it says (or lets the call go on). */
    const fire = (fault: IdentityStore.FaultAction): Effect.Effect<void, IdentityStore.Rejection> =>
      Effect.suspend(() => {
        const label = faultLabel(fault)
        fired.set(label, (fired.get(label) ?? 0) + 1)
        const { delay, drop, fail, retryAfter } = fault
        const wait = delay === undefined ? Effect.void : Effect.sleep(delay)
        if (drop !== undefined) {
          const exception = fail ?? new InternalServerErrorException({
            message: drop === "reset"
              ? "Injected fault: the connection was reset"
              : "Injected fault: no answer was sent",
            errorCode: "INJECTED_DROP"
          })
          return Effect.zipRight(wait, Effect.fail({ exception, retryAfter: Option.none(), drop }))
        }
        return fail === undefined
          ? wait
          : Effect.zipRight(
            wait,
            Effect.fail(reject(fail, Option.map(Option.fromNullable(retryAfter), Duration.decode)))
          )
      })

    const unauthorized = (message: string, errorCode: string) =>
      Effect.fail(reject(new UnauthorizedException({ message, errorCode })))

    /**
     * The bearer check. The token exchange needs none (it is how one gets one). Otherwise, with
     * no `validTokens` the store is open and admits any call, whatever it carries; with them, a
     * call is admitted when its token is one of them, or one this store issued whose signature
     * checks and whose `exp` is still ahead on the clock.
     */
    const checkToken = (
      operation: Operation,
      token: string | undefined
    ): Effect.Effect<void, IdentityStore.Rejection> => {
      if (!endpoints[operation].authenticated || validTokens === undefined) return Effect.void
      if (token === undefined) return unauthorized("Missing bearer token", "UNAUTHORIZED")
      if (validTokens.has(token)) return Effect.void
      return Effect.flatMap(signer.verify(token), (claims) =>
        Option.isNone(claims)
          ? unauthorized("Invalid bearer token", "UNAUTHORIZED")
          : Effect.flatMap(Clock.currentTimeMillis, (now) =>
            now < claims.value.exp * 1000
              ? Effect.void
              : unauthorized("The bearer token has expired", "TOKEN_EXPIRED")))
    }

    /** A sliding one-second window of admitted calls. */
    const checkRate: Effect.Effect<void, IdentityStore.Rejection> = Effect.gen(function*() {
      const limit = yield* Ref.get(rateLimit)
      if (limit === undefined) return
      const now = yield* Clock.currentTimeMillis
      const admitted = yield* Ref.modify(recent, (times): [Option.Option<number>, ReadonlyArray<number>] => {
        const window = times.filter((t) => t > now - 1000)
        return window.length < limit ? [Option.none(), [...window, now]] : [Option.some(window[0] ?? now), window]
      })
      if (Option.isSome(admitted)) {
        const wait = Duration.millis(Math.max(1, admitted.value + 1000 - now))
        return yield* Effect.fail(reject(
          new TooManyRequestsException({
            message: `Rate limit of ${limit} requests per second exceeded`,
            errorCode: "RATE_LIMITED"
          }),
          Option.some(wait)
        ))
      }
    })

    /**
     * A new key's id and secret, drawn before the rule runs (so that it stays pure). The id is
     * unique among every id the store has held, and held for this call from the moment it is drawn
     * (the check and the claim are one step), so concurrent creates never draw the same one.
     */
    const drawKey: Effect.Effect<NewKey> = Effect.gen(function*() {
      let clientId = KeyId.make(`ck_${yield* randomString(20)}`)
      while (keyIds.has(clientId)) clientId = KeyId.make(`ck_${yield* randomString(20)}`)
      keyIds.add(clientId)
      const clientSecret = Redacted.make(`cs_${yield* randomString(40)}`)
      return { serviceId, clientId, clientSecret }
    })

    const plain = <A, E>(step: (context: RuleContext) => Effect.Effect<A, E>) => step({ serviceId })

    /**
     * Runs `step` with the context of an operation's rule. A create of a key draws the key first,
     * and gives its id back when the rule refuses (a refused create takes no id).
     */
    const withContext: {
      readonly [K in Operation]: <A, E>(step: (context: ContextOf<K>) => Effect.Effect<A, E>) => Effect.Effect<A, E>
    } = {
      createClientKey: (step) =>
        Effect.flatMap(drawKey, (key) =>
          Effect.tapError(step(key), () =>
            Effect.sync(() => {
              keyIds.delete(key.clientId)
            }))),
      getClientKeyList: plain,
      getClientKey: plain,
      deleteClientKey: plain,
      createUserForAccount: plain,
      getUsersForAccount: plain,
      getUser: plain,
      updateUser: plain,
      // a token is issued now, and expires `tokenTtl` later (whole seconds, as JWTs count)
      getShortTermToken: (step) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) =>
          step({
            serviceId,
            issuedAt: Math.floor(now / 1000),
            expiresAt: Math.floor((now + tokenTtlMillis) / 1000)
          }))
    }

    /**
     * What a rule's answer becomes: itself, except for the token exchange, whose claims are
     * signed into the token (signing is asynchronous, so it is not the rule's).
     */
    const finish: { readonly [K in Operation]: (answer: RuleOutputOf<K>) => Effect.Effect<OutputOf<K>> } = {
      createClientKey: Effect.succeed,
      getClientKeyList: Effect.succeed,
      getClientKey: Effect.succeed,
      deleteClientKey: Effect.succeed,
      createUserForAccount: Effect.succeed,
      getUsersForAccount: Effect.succeed,
      getUser: Effect.succeed,
      updateUser: Effect.succeed,
      getShortTermToken: (claims) =>
        Effect.map(signer.sign(claims), (token) => TokenResponse.make({ accessToken: Redacted.make(token) }))
    }

    /**
     * Applies an operation's rule in one step over the state: reads the account, runs the rule and
     * writes the account it answers, so no other call can come in between (and no lock is needed).
     * A read or a refusal leaves the state as it was: an unknown account stays unknown.
     */
    const apply = <K extends Operation>(
      operation: K,
      input: InputOf<K>,
      context: ContextOf<K>
    ): Effect.Effect<RuleOutputOf<K>, ApiException> =>
      Effect.flatten(Ref.modify(state, (all): [Either.Either<RuleOutputOf<K>, ApiException>, State] => {
        const accountId = accountOf[operation](input, all)
        const current = (accountId === undefined ? undefined : all.get(accountId)) ?? emptyAccount
        const result = rules[operation](current, input, context)
        if (Either.isLeft(result)) return [Either.left(result.left), all]
        const { account: next, answer } = result.right
        return [
          Either.right(answer),
          next === current || accountId === undefined ? all : new Map(all).set(accountId, next)
        ]
      }))

    const dispatch = <K extends Operation>(operation: K, input: InputOf<K>, token: string | undefined) => {
      // 401 first, as the real API: an unauthenticated call meets no fault (and leaves it pending)
      return checkToken(operation, token).pipe(
        Effect.zipRight(pickFault(operation)),
        Effect.flatMap((fault) => {
          const after = Option.isSome(fault) && fault.value.when === "after"
          const act = (Option.isSome(fault) && !after ? fire(fault.value) : Effect.void).pipe(
            Effect.zipRight(checkRate),
            Effect.zipRight(
              withContext[operation]((context) =>
                apply(operation, input, context).pipe(
                  Effect.mapError((exception) => reject(exception)),
                  Effect.flatMap(finish[operation])
                )
              )
            )
          )
          // the store has acted (a create created), whatever it answered; then the fault replaces the answer
          return after ? Effect.flatMap(Effect.exit(act), (exit) => Effect.zipRight(fire(fault.value), exit)) : act
        }),
        Effect.onExit((exit) =>
          record({ operation, input, outcome: Exit.mapError(exit, (rejection) => rejection.exception) })
        )
      )
    }

    return {
      dispatch,
      snapshot: Effect.map(Ref.get(state), (all) =>
        Array.from(all, ([accountId, a]) => ({
          accountId: AccountId.make(accountId),
          keys: a.keys,
          users: a.users
        }))),
      keys: (accountId) => Effect.map(account(accountId), (a) => a.keys),
      users: (accountId) => Effect.map(account(accountId), (a) => a.users),
      calls: Effect.sync(latest),
      clearCalls: Effect.sync(() => {
        calls = []
      }),
      injectFault: (fault) =>
        (fault.times ?? 1) > 0
          ? Ref.update(faults, (all) => [...all, { fault, remaining: fault.times ?? 1 }])
          : Effect.void,
      clearFaults: Ref.set(faults, []),
      setRateLimit: (perSecond) => Ref.set(rateLimit, perSecond),
      setRandomFaults: (faults) =>
        Effect.zipRight(
          Ref.set(randomProbability, faults?.probability ?? 0),
          Ref.set(randomFaults, [
            ...(faults?.exceptions ?? []).map((fail): IdentityStore.FaultAction => ({ fail })),
            ...(faults?.faults ?? [])
          ])
        ),
      firedFaults: Effect.sync(() => Object.fromEntries(fired))
    } satisfies IdentityStore.Service
  })

/**
 * The store as a service: the in-memory layers and the server find it in context, and tests
 * `yield* IdentityStore` to seed, inspect and inject faults.
 *
 * @since 0.1.0
 * @category tags
 */
export class IdentityStore
  extends Context.Tag("@katanemo/testing/IdentityStore")<IdentityStore, IdentityStore.Service>()
{
  /** @since 0.1.0 */
  static readonly make = make
  /** @since 0.1.0 */
  static readonly layer = (options: IdentityStore.Options = {}): Layer.Layer<IdentityStore, SeedError> =>
    Layer.effect(IdentityStore, make(options))
  /** @since 0.1.0 */
  static readonly decodeSeed = decodeSeed
  /** @since 0.1.0 */
  static readonly faultLabel = faultLabel
  /** @since 0.1.0 */
  static readonly defaultTokenTtl = defaultTokenTtl
}

/**
 * The store's types, merged with its tag: `IdentityStore.Service`, `IdentityStore.Options`,
 * `IdentityStore.Fault`, …
 *
 * @since 0.1.0
 */
export declare namespace IdentityStore {
  /**
   * Options of a store.
   *
   * @since 0.1.0
   * @category options
   */
  export interface Options {
    /** What the store starts from (the wire form: validated, defaults applied). */
    readonly seed?: Seed | undefined
    /**
     * When given, auth is on: every call but the token exchange must carry one of these static
     * bearer tokens, or a token this store issued (`getShortTermToken`) that has not expired. An
     * empty list admits issued tokens only. Without it the store is open: every call is admitted,
     * whatever token it carries (an expired or foreign one included), and tokens are still issued.
     */
    readonly validTokens?: ReadonlyArray<string> | undefined
    /**
     * How long a token the store issues is valid (its `exp` claim is this much after its `iat`,
     * in whole seconds; default 1 hour). Time is Effect's `Clock`: on a `TestClock`, a test moves
     * past it with `TestClock.adjust`.
     */
    readonly tokenTtl?: Duration.DurationInput | undefined
    /** Calls allowed per second (sliding window); more fail with `TooManyRequestsException`. */
    readonly rateLimit?: number | undefined
    /** The `serviceId` of keys and users the store creates (default `svc-local`). */
    readonly serviceId?: string | undefined
    /** How many of the latest calls `calls` keeps (default 10,000): a long-running server stays bounded. */
    readonly maxCallRecords?: number | undefined
  }

  /**
   * One call the store answered: the operation, its (validated) input and its outcome.
   *
   * @since 0.1.0
   * @category inspection
   */
  export interface CallRecord {
    readonly operation: Operation
    readonly input: unknown
    readonly outcome: Exit.Exit<unknown, ApiException>
  }

  /**
   * How an injected fault ends a call instead of answering it, over a connection: `"reset"` drops
   * the connection, `"noAnswer"` keeps it open and never answers, so the client's timeout ends the
   * call. Where there is no connection (`IdentityApiMemory`), the call fails with the fault's
   * exception instead.
   *
   * @since 0.1.0
   * @category faults
   */
  export type Drop = "reset" | "noAnswer"

  /**
   * What one injected fault does, wherever it comes from (see {@link Fault} and
   * {@link Service.setRandomFaults}).
   *
   * - `when: "before"` (the default): the call fails before the store acts, so it changes nothing;
   * - `when: "after"`: the store acts first (a create creates, an update updates), then the call
   *   fails: the caller cannot tell whether it took effect, as after a real server's late failure.
   *
   * The call waits `delay`, then fails with `fail` or ends as `drop` says; with neither, it proceeds.
   *
   * @since 0.1.0
   * @category faults
   */
  export interface FaultAction {
    readonly when?: "before" | "after" | undefined
    readonly fail?: ApiException | undefined
    /** Over a connection, end the call this way instead of answering (it takes precedence over `fail`). */
    readonly drop?: Drop | undefined
    readonly delay?: Duration.DurationInput | undefined
    /** For a `TooManyRequestsException`: the `Retry-After` a server sends with it. */
    readonly retryAfter?: Duration.DurationInput | undefined
  }

  /**
   * A fault to inject: the next `times` calls (of `operation`, or of any when absent) meet it. The
   * token check comes first: a call without a valid token gets its 401 and leaves the fault pending.
   *
   * @since 0.1.0
   * @category faults
   */
  export interface Fault extends FaultAction {
    readonly operation?: Operation | undefined
    /** How many calls the fault applies to (default 1; 0 or less: none). */
    readonly times?: number | undefined
  }

  /**
   * Random faults: each call (with a valid token) meets one, with probability `probability`, picked
   * uniformly from `exceptions` (each failing the call before the store acts) and `faults`.
   *
   * @since 0.1.0
   * @category faults
   */
  export interface RandomFaults {
    readonly probability: number
    /** Exceptions that fail a call before the store acts (`{ fail: exception }` for each). */
    readonly exceptions?: ReadonlyArray<ApiException> | undefined
    readonly faults?: ReadonlyArray<FaultAction> | undefined
  }

  /**
   * Why the store refused a call: the API exception, and the `Retry-After` a server should send.
   * `drop`, when set, asks a server to end the call that way instead of answering with the exception.
   *
   * @since 0.1.0
   * @category models
   */
  export interface Rejection {
    readonly exception: ApiException
    readonly retryAfter: Option.Option<Duration.Duration>
    readonly drop?: Drop | undefined
  }

  /**
   * An account as the store holds it, in creation order.
   *
   * @since 0.1.0
   * @category inspection
   */
  export interface AccountSnapshot {
    readonly accountId: AccountId
    readonly keys: ReadonlyArray<ClientKeyObject>
    readonly users: ReadonlyArray<UserResponse>
  }

  /**
   * The store's service.
   *
   * @since 0.1.0
   * @category models
   */
  export interface Service {
    /**
     * Answers one call by the API's rules: the token check first (401; none for
     * `getShortTermToken`), then a fault that fires before the store acts, the rate limit, the
     * rules, and a fault that fires after it acted. `token` is the bearer token the call carries.
     */
    readonly dispatch: <K extends Operation>(
      operation: K,
      input: InputOf<K>,
      token: string | undefined
    ) => Effect.Effect<OutputOf<K>, Rejection>
    /** Every account, in creation order. */
    readonly snapshot: Effect.Effect<ReadonlyArray<AccountSnapshot>>
    /** One account's keys, in creation order (empty for an unknown account). */
    readonly keys: (accountId: string) => Effect.Effect<ReadonlyArray<ClientKeyObject>>
    /** One account's users, in creation order (empty for an unknown account). */
    readonly users: (accountId: string) => Effect.Effect<ReadonlyArray<UserResponse>>
    /** The calls answered so far (the latest `maxCallRecords` of them), oldest first. */
    readonly calls: Effect.Effect<ReadonlyArray<CallRecord>>
    /** Forgets the recorded calls. */
    readonly clearCalls: Effect.Effect<void>
    /** Adds a fault; faults apply in the order they were added. */
    readonly injectFault: (fault: Fault) => Effect.Effect<void>
    /** Removes every pending fault. */
    readonly clearFaults: Effect.Effect<void>
    /** Sets (or, with `undefined`, lifts) the rate limit in calls per second. */
    readonly setRateLimit: (perSecond: number | undefined) => Effect.Effect<void>
    /**
     * Makes each call with a valid token meet, with the given probability, one of the faults picked
     * at random: each of `exceptions` fails a call before it reaches the rules (a failed create
     * creates nothing); each of `faults` does what it says, before or after the store acts.
     * `undefined` stops it. The randomness is Effect's `Random`.
     */
    readonly setRandomFaults: (faults: RandomFaults | undefined) => Effect.Effect<void>
    /**
     * How many injected faults (given or random) have fired since the store was made, by
     * {@link faultLabel} (`before 429`, `after 500`, `after reset`, …): a load test checks with it
     * that each kind it asked for did fire.
     */
    readonly firedFaults: Effect.Effect<Readonly<Record<string, number>>>
  }
}
