/**
 * A load run: many operations at high concurrency through the live client against the local
 * API, with random 429 and 500 faults injected, then a check that nothing was lost or duplicated.
 * The tests run a small one; `soak.ts` (pnpm soak) the full 100,000.
 */
import { IdentityApi } from "@katanemo/client"
import { AccountId, InternalServerErrorException, KeyId, TooManyRequestsException, UserId } from "@katanemo/models"
import { IdentityStore } from "@katanemo/testing"
import * as Effect from "effect/Effect"

export interface LoadOptions {
  readonly operations: number
  readonly concurrency: number
  /** The share of calls that fail with an injected 429 or 500. */
  readonly faultProbability: number
  /** Accounts the operations spread over (keeps lists short). */
  readonly accounts?: number | undefined
  /**
   * After the main run, this many reads of single keys (the store no longer grows), with the
   * memory measured before and after: a leak shows as growth here. Default 0.
   */
  readonly steadyOperations?: number | undefined
}

export interface LoadReport {
  readonly operations: number
  readonly succeeded: number
  /** Typed failures the run accounts for, by tag: injected faults that outlasted the retries. */
  readonly failed: Readonly<Record<string, number>>
  /** Failures that are not an injected fault's: there should be none. */
  readonly unexpected: ReadonlyArray<string>
  /** Keys and users whose create succeeded but that the store does not hold. */
  readonly lost: ReadonlyArray<string>
  /** Keys and users the store holds more than once, or that no successful create made. */
  readonly extra: ReadonlyArray<string>
  readonly elapsedMs: number
  readonly rssBytes: { readonly before: number; readonly after: number }
  /** Memory around the steady phase (after a GC when the process allows one). */
  readonly steady?: {
    readonly operations: number
    readonly rssBytes: { readonly before: number; readonly after: number }
    readonly heapUsedBytes: { readonly before: number; readonly after: number }
  }
}

const expectedFailures = new Set(["TooManyRequestsException", "InternalServerErrorException"])

/** Runs the load against the `IdentityApi` in context, whose store is the `IdentityStore` in context. */
export const run = (options: LoadOptions): Effect.Effect<LoadReport, never, IdentityApi | IdentityStore> =>
  Effect.gen(function*() {
    const identity = yield* IdentityApi
    const store = yield* IdentityStore
    const accounts = options.accounts ?? 20
    yield* store.setRandomFaults({
      probability: options.faultProbability,
      exceptions: [
        new TooManyRequestsException({ message: "injected", errorCode: "LOAD" }),
        new InternalServerErrorException({ message: "injected", errorCode: "LOAD" })
      ]
    })
    const createdKeys = new Map<string, Set<string>>()
    const createdUsers = new Map<string, Set<string>>()
    const failed: Record<string, number> = {}
    const unexpected: Array<string> = []
    let succeeded = 0
    const remember = (map: Map<string, Set<string>>, account: string, name: string) => {
      const set = map.get(account) ?? new Set<string>()
      set.add(name)
      map.set(account, set)
    }

    const operation = (i: number): Effect.Effect<void> => {
      const account = `acct-${i % accounts}`
      const accountId = AccountId.make(account)
      const call: Effect.Effect<void, { readonly _tag: string }> = i % 4 === 0
        ? Effect.map(
          identity.createClientKey({ accountId, clientName: `key-${i}`, defaultRoleId: "r" }),
          // a key is known by the id its create answered, and its name
          (key) => remember(createdKeys, account, `${key.clientId ?? "?"}:key-${i}`)
        )
        : i % 4 === 1
        ? Effect.map(
          identity.createUserForAccount({ accountId, userId: UserId.make(`user-${i}@load.example`) }),
          () => remember(createdUsers, account, `user-${i}@load.example`)
        )
        : i % 4 === 2
        ? Effect.asVoid(identity.getClientKeyList({ accountId }))
        : Effect.asVoid(identity.getUsersForAccount({ accountId }))
      return call.pipe(
        Effect.match({
          onSuccess: () => void succeeded++,
          onFailure: (error) => {
            failed[error._tag] = (failed[error._tag] ?? 0) + 1
            if (!expectedFailures.has(error._tag)) unexpected.push(`operation ${i}: ${error._tag}`)
          }
        }),
        Effect.catchAllDefect((defect) =>
          Effect.sync(() => void unexpected.push(`operation ${i}: defect ${String(defect)}`))
        )
      )
    }

    const rssBefore = process.memoryUsage().rss
    const start = performance.now()
    yield* Effect.forEach(Array.from({ length: options.operations }, (_, i) => i), operation, {
      concurrency: options.concurrency,
      discard: true
    }).pipe(Effect.ensuring(store.setRandomFaults(undefined)))
    const elapsedMs = performance.now() - start

    // the store's end state against what the successful calls say it must be
    const lost: Array<string> = []
    const extra: Array<string> = []
    for (const { accountId, keys, users } of yield* store.snapshot) {
      const check = (held: ReadonlyArray<string>, expected: Set<string> | undefined) => {
        const seen = new Set<string>()
        for (const name of held) {
          if (seen.has(name) || !(expected?.has(name) ?? false)) extra.push(`${accountId}/${name}`)
          seen.add(name)
        }
        for (const name of expected ?? []) if (!seen.has(name)) lost.push(`${accountId}/${name}`)
      }
      check(keys.map((key) => `${key.clientKeyId ?? "?"}:${key.clientName ?? ""}`), createdKeys.get(accountId))
      check(users.map((user) => user.userId ?? ""), createdUsers.get(accountId))
    }
    for (const [account, names] of [...createdKeys, ...createdUsers]) {
      if (!(yield* store.snapshot).some((a) => a.accountId === account)) {
        for (const name of names) lost.push(`${account}/${name}`)
      }
    }
    const steadyOperations = options.steadyOperations ?? 0
    let steady: LoadReport["steady"]
    if (steadyOperations > 0) {
      const ids = [...createdKeys].flatMap(([account, keys]) =>
        [...keys].map((entry) => ({ accountId: AccountId.make(account), keyId: KeyId.make(entry.split(":")[0] ?? "") }))
      )
      const gc: unknown = Reflect.get(globalThis, "gc") // present under node --expose-gc
      const measure = () => {
        if (typeof gc === "function") gc()
        return process.memoryUsage()
      }
      const before = measure()
      yield* Effect.forEach(
        Array.from({ length: steadyOperations }, (_, i) => ids[i % Math.max(1, ids.length)]),
        (id) => (id === undefined ? Effect.void : Effect.ignore(identity.getClientKey(id))),
        { concurrency: options.concurrency, discard: true }
      )
      const after = measure()
      steady = {
        operations: steadyOperations,
        rssBytes: { before: before.rss, after: after.rss },
        heapUsedBytes: { before: before.heapUsed, after: after.heapUsed }
      }
    }
    return {
      ...(steady === undefined ? {} : { steady }),
      operations: options.operations,
      succeeded,
      failed,
      unexpected,
      lost,
      extra,
      elapsedMs,
      rssBytes: { before: rssBefore, after: process.memoryUsage().rss }
    }
  })
