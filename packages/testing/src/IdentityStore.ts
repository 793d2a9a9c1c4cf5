/**
 * The in-memory state of a fake Katanemo: accounts with their API keys and users, and the rules
 * the real API applies to them. The in-memory `IdentityApi` layer, the wire-level `HttpClient`
 * fake and the local HTTP server all answer from one of these, so they agree on every rule.
 *
 * A store also records every call (for assertions), injects faults, rate-limits, and checks
 * bearer tokens when given a list of valid ones. All time goes through Effect's `Clock`.
 *
 * @since 0.1.0
 */
import type { Operation } from "@katanemo/client"
import {
  AccountId,
  type ApiException,
  ApiExceptions,
  BadRequestException,
  ClientKeyObject,
  ClientKeyResponse,
  ConflictException,
  InternalServerErrorException,
  Issues,
  KeyId,
  NotFoundException,
  TooManyRequestsException,
  UnauthorizedException,
  UserId,
  UserResponse
} from "@katanemo/models"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import type { InputOf, OutputOf } from "./internal/operations.js"
import { bounded, formatPath, ruleIssues, tidy } from "./internal/seed.js"

// ---------------------------------------------------------------------------------------------
// seed
// ---------------------------------------------------------------------------------------------

const NonEmpty = Schema.NonEmptyString

/**
 * A key to start from. (Its secret is never served again after creation, so a seed has none.)
 *
 * @since 0.1.0
 * @category seed
 */
export const SeedKey = Schema.Struct({
  clientId: KeyId,
  clientName: NonEmpty,
  roles: Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] }),
  isActive: Schema.optionalWith(Schema.Boolean, { default: () => true }),
  serviceId: Schema.optional(NonEmpty)
})

/**
 * A user to start from. `token`, when given, is the user's token: the store serves it as the
 * user's `token` (a `Redacted` once decoded), so that tests can check it never shows.
 *
 * @since 0.1.0
 * @category seed
 */
export const SeedUser = Schema.Struct({
  userId: UserId,
  token: Schema.optional(NonEmpty),
  isAdmin: Schema.optionalWith(Schema.Boolean, { default: () => false }),
  isActive: Schema.optionalWith(Schema.Boolean, { default: () => false }),
  roles: Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] }),
  tags: Schema.optionalWith(Schema.Record({ key: Schema.String, value: Schema.Array(Schema.String) }), {
    default: () => ({})
  }),
  serviceId: Schema.optional(NonEmpty)
})

/**
 * An account to start from, with its keys and users in creation order.
 *
 * @since 0.1.0
 * @category seed
 */
export const SeedAccount = Schema.Struct({
  accountId: AccountId,
  keys: Schema.optionalWith(Schema.Array(SeedKey), { default: () => [] }),
  users: Schema.optionalWith(Schema.Array(SeedUser), { default: () => [] })
})

const SeedShape = Schema.Struct({
  accounts: Schema.optionalWith(Schema.Array(SeedAccount), { default: () => [] })
})

/**
 * What a store starts from: a list of accounts. The API's rules hold in a seed too: account ids
 * are unique, and within an account so are key ids, key names and user ids. A bad seed fails to
 * decode with an issue naming each bad entry, such as
 * `accounts[0].keys[1].clientName: duplicate clientName "ci-bot"`. {@link decodeSeed} reports the
 * schema's issues and the rules' together, in one go.
 *
 * @example
 * ```ts
 * import { Seed } from "@katanemo/testing"
 * import * as Schema from "effect/Schema"
 *
 * // a seed file (the local API's --seed) holds this, as JSON
 * const json: Seed = {
 *   accounts: [{
 *     accountId: "acme",
 *     keys: [{ clientId: "key-ci", clientName: "ci-bot", roles: ["admin"] }],
 *     users: [{ userId: "ada@acme.example", roles: ["developer"], isActive: true, token: "utok_ada" }]
 *   }]
 * }
 * const seed = Schema.decodeSync(Seed)(json)
 * ```
 *
 * @since 0.1.0
 * @category seed
 */
export const Seed = SeedShape.pipe(
  Schema.filter((seed) => {
    const issues = ruleIssues(seed)
    return issues.length === 0 ? true : issues
  })
).annotations({ identifier: "Seed" })

/**
 * @since 0.1.0
 * @category seed
 */
export type Seed = typeof Seed.Encoded

/**
 * A seed that breaks the rules or the schema. `issues` name each bad entry by its path, such as
 * `accounts[0].keys[1].clientId: Expected a non-empty key id, actual ""`.
 *
 * @since 0.1.0
 * @category seed
 */
export class SeedError extends Schema.TaggedError<SeedError>()("SeedError", { issues: Schema.Array(Schema.String) }) {
  override get message(): string {
    return `invalid seed:\n${this.issues.map((issue) => `  ${issue}`).join("\n")}`
  }
}

/**
 * Reads a seed (from a JSON file, say), or fails with a {@link SeedError} naming every bad entry
 * at once: what breaks the schema and what breaks the rules, in path order. Input of any shape
 * is a `SeedError`, never a defect: a value nested too deep is named, not followed, and each
 * issue line is cut at 500 characters.
 *
 * @since 0.1.0
 * @category seed
 */
export const decodeSeed = (input: unknown): Effect.Effect<typeof Seed.Type, SeedError> =>
  Effect.suspend(() => {
    let copy: unknown
    try {
      copy = bounded(input)
    } catch {
      return Effect.fail(new SeedError({ issues: ["the seed could not be read: a getter threw"] }))
    }
    const rules = ruleIssues(copy).map((issue) => `${formatPath(issue.path)}: ${issue.message}`)
    return Schema.decodeUnknown(SeedShape, { errors: "all" })(copy).pipe(
      Effect.mapError((error) => Issues.issues(error)),
      Effect.filterOrFail(() => rules.length === 0, (): ReadonlyArray<string> => []),
      Effect.mapError((schema) => new SeedError({ issues: tidy([...schema, ...rules]) }))
    )
  })

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
// implementation
// ---------------------------------------------------------------------------------------------

interface Account {
  readonly keys: ReadonlyArray<ClientKeyObject>
  readonly users: ReadonlyArray<UserResponse>
}

interface PendingFault {
  readonly fault: IdentityStore.Fault
  readonly remaining: number
}

const emptyAccount: Account = { keys: [], users: [] }

const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

const randomString = (length: number): Effect.Effect<string> =>
  Effect.map(
    Effect.all(Array.from({ length }, () => Random.nextIntBetween(0, alphabet.length))),
    (indexes) => indexes.map((i) => alphabet[i]).join("")
  )

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
    const initial = new Map<string, Account>()
    for (const account of seed.accounts) {
      const keys = account.keys.map((key) =>
        ClientKeyObject.make({
          accountId: account.accountId,
          roles: key.roles,
          clientName: key.clientName,
          clientKeyId: key.clientId,
          serviceId: key.serviceId ?? serviceId,
          isActive: key.isActive
        })
      )
      const users = account.users.map((user) =>
        UserResponse.make({
          accountId: account.accountId,
          serviceId: user.serviceId ?? serviceId,
          userId: user.userId,
          isAdmin: user.isAdmin,
          isActive: user.isActive,
          ...(user.token === undefined ? {} : { token: Redacted.make(user.token) }),
          tags: user.tags,
          roles: user.roles
        })
      )
      initial.set(account.accountId, { keys, users })
    }

    const state = yield* Ref.make<ReadonlyMap<string, Account>>(initial)
    // Every key id ever held, so that a new one is unique (and a deleted one is never reused)
    // without scanning every account on each create, which made a long run quadratic.
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
    const lock = yield* Effect.makeSemaphore(1)

    const account = (accountId: string) => Effect.map(Ref.get(state), (all) => all.get(accountId) ?? emptyAccount)
    const update = (accountId: string, f: (account: Account) => Account) =>
      Ref.update(state, (all) => new Map(all).set(accountId, f(all.get(accountId) ?? emptyAccount)))

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

    const checkToken = (token: string | undefined): Effect.Effect<void, IdentityStore.Rejection> =>
      validTokens === undefined || (token !== undefined && validTokens.has(token))
        ? Effect.void
        : Effect.fail(reject(
          new UnauthorizedException({
            message: token === undefined ? "Missing bearer token" : "Invalid bearer token",
            errorCode: "UNAUTHORIZED"
          })
        ))

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

    const notFound = (what: string) => new NotFoundException({ message: `${what} not found`, errorCode: "NOT_FOUND" })

    const handlers: { readonly [K in Operation]: (input: InputOf<K>) => Effect.Effect<OutputOf<K>, ApiException> } = {
      createClientKey: ({ accountId, clientName, defaultRoleId }) =>
        Effect.gen(function*() {
          const { keys } = yield* account(accountId)
          if (keys.some((key) => key.clientName === clientName)) {
            return yield* Effect.fail(
              new ConflictException({
                message: `A key named ${JSON.stringify(clientName)} already exists in account ${accountId}`,
                errorCode: "KEY_NAME_EXISTS"
              })
            )
          }
          let clientId = KeyId.make(`ck_${yield* randomString(20)}`)
          while (keyIds.has(clientId)) clientId = KeyId.make(`ck_${yield* randomString(20)}`)
          keyIds.add(clientId)
          const secret = Redacted.make(`cs_${yield* randomString(40)}`)
          const key = ClientKeyObject.make({
            accountId,
            roles: [defaultRoleId],
            clientName,
            clientKeyId: clientId,
            serviceId,
            isActive: true
          })
          yield* update(accountId, (a) => ({ ...a, keys: [...a.keys, key] }))
          return ClientKeyResponse.make({ clientId, clientSecret: secret })
        }),
      getClientKeyList: ({ accountId }) => Effect.map(account(accountId), (a) => a.keys),
      getClientKey: ({ accountId, keyId }) =>
        Effect.flatMap(account(accountId), (a) => {
          const found = a.keys.find((key) => key.clientKeyId === keyId)
          return found === undefined ? Effect.fail(notFound(`Key ${keyId}`)) : Effect.succeed(found)
        }),
      deleteClientKey: ({ accountId, keyId }) =>
        Effect.flatMap(account(accountId), (a) =>
          a.keys.some((key) => key.clientKeyId === keyId)
            ? Effect.as(
              update(accountId, (a) => ({ ...a, keys: a.keys.filter((key) => key.clientKeyId !== keyId) })),
              `Key ${keyId} deleted`
            )
            : Effect.fail(notFound(`Key ${keyId}`))),
      createUserForAccount: ({ accountId, roles, tags, userId }) =>
        Effect.gen(function*() {
          if (userId === undefined) {
            return yield* Effect.fail(
              new BadRequestException({ message: "userId is required to invite a user", errorCode: "VALIDATION_ERROR" })
            )
          }
          const { users } = yield* account(accountId)
          if (users.some((user) => user.userId === userId)) {
            return yield* Effect.fail(
              new ConflictException({
                message: `User ${userId} already exists in account ${accountId}`,
                errorCode: "USER_EXISTS"
              })
            )
          }
          const user = UserResponse.make({
            accountId,
            serviceId,
            userId,
            isAdmin: false,
            isActive: false,
            tags: tags ?? {},
            roles: roles ?? []
          })
          yield* update(accountId, (a) => ({ ...a, users: [...a.users, user] }))
          return user
        }),
      getUsersForAccount: ({ accountId }) => Effect.map(account(accountId), (a) => a.users),
      getUser: ({ accountId, userId }) =>
        Effect.flatMap(account(accountId), (a) => {
          const user = a.users.find((u) => u.userId === userId)
          return user === undefined ? Effect.fail(notFound(`User ${userId}`)) : Effect.succeed(user)
        }),
      updateUser: ({ accountId, roles, tags, userId }) =>
        Effect.gen(function*() {
          const { users } = yield* account(accountId)
          const current = users.find((u) => u.userId === userId)
          if (current === undefined) return yield* Effect.fail(notFound(`User ${userId}`))
          // a PUT replaces both: one left out is cleared, as an invite without it starts empty
          const updated = UserResponse.make({ ...current, roles: roles ?? [], tags: tags ?? {} })
          yield* update(accountId, (a) => ({ ...a, users: a.users.map((u) => (u.userId === userId ? updated : u)) }))
          return updated
        })
    }

    const dispatch = <K extends Operation>(operation: K, input: InputOf<K>, token: string | undefined) => {
      const handler: (input: InputOf<K>) => Effect.Effect<OutputOf<K>, ApiException> = handlers[operation]
      // 401 first, as the real API: an unauthenticated call meets no fault (and leaves it pending)
      return checkToken(token).pipe(
        Effect.zipRight(pickFault(operation)),
        Effect.flatMap((fault) => {
          const after = Option.isSome(fault) && fault.value.when === "after"
          const act = (Option.isSome(fault) && !after ? fire(fault.value) : Effect.void).pipe(
            Effect.zipRight(checkRate),
            // one call's read-check-write at a time: concurrent creates of one name cannot both pass
            Effect.zipRight(lock.withPermits(1)(Effect.mapError(handler(input), (exception) => reject(exception))))
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
    /** When given, every call must carry one of these bearer tokens. */
    readonly validTokens?: ReadonlyArray<string> | undefined
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
     * Answers one call by the API's rules: the token check first (401), then a fault that fires
     * before the store acts, the rate limit, the rules, and a fault that fires after it acted.
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
