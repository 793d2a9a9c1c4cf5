/**
 * A load run: many operations at high concurrency through the live client against the local
 * API, with random faults injected before and after the store acts, then an accounting of the
 * store against what every call answered: nothing lost, nothing duplicated, nothing extra, and
 * every kind of fault asked for did fire. `account` is that accounting (pure: what each create's
 * caller learnt against the store's snapshot), `problems` the verdict; the tests run a small run
 * and `soak.ts` (pnpm soak) the full 100,000, with the same verdict.
 */
import { IdentityApi } from "@katanemo/client"
import { AccountId, InternalServerErrorException, KeyId, TooManyRequestsException, UserId } from "@katanemo/models"
import { IdentityStore } from "@katanemo/testing"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Schedule from "effect/Schedule"

const injected = { message: "injected", errorCode: "LOAD" }

/**
 * The kinds of fault a run can inject, by the store's label for each (`IdentityStore.faultLabel`). Before the write the store
 * has not acted; after it, it has (a create created) and the caller cannot tell.
 */
export const faultKinds = {
  "before 429": { fail: new TooManyRequestsException(injected) },
  "before 500": { fail: new InternalServerErrorException(injected) },
  "after 500": { when: "after", fail: new InternalServerErrorException(injected) },
  "after reset": { when: "after", drop: "reset" },
  "after noAnswer": { when: "after", drop: "noAnswer" }
} as const satisfies Record<string, IdentityStore.FaultAction>

export type FaultKind = keyof typeof faultKinds

/** Every kind: what the tests and the soak inject. */
export const allFaultKinds: ReadonlyArray<FaultKind> = Object.keys(faultKinds).filter((kind): kind is FaultKind =>
  kind in faultKinds
)

/**
 * The error a caller sees when a kind of fault meets a create (a POST is never retried on it),
 * so a run can check that the client saw each kind too. A 429 is retried, so it has none.
 */
const seenAs: Readonly<Record<FaultKind, string | undefined>> = {
  "before 429": undefined,
  "before 500": "InternalServerErrorException",
  "after 500": "InternalServerErrorException",
  "after reset": "TransportError",
  "after noAnswer": "TimeoutError"
}

export interface LoadOptions {
  readonly operations: number
  readonly concurrency: number
  /** The share of calls that meet an injected fault. */
  readonly faultProbability: number
  /** The kinds of fault injected, picked at random for each faulted call (default: all). */
  readonly faults?: ReadonlyArray<FaultKind> | undefined
  /** Accounts the operations spread over (keeps lists short). */
  readonly accounts?: number | undefined
  /**
   * After the main run, this many reads of single keys with no faults (the store no longer
   * grows), with the heap measured (after a GC, when the process allows one) once the first
   * tenth has warmed up, and at the end: a leak shows as growth here (judged only after a GC,
   * which needs node --expose-gc). Default 0.
   */
  readonly steadyOperations?: number | undefined
  /** Called every `progressEvery` (default 5 s) while the run goes on. */
  readonly onProgress?: ((progress: Progress) => Effect.Effect<void>) | undefined
  readonly progressEvery?: Duration.DurationInput | undefined
}

/** Where a run is: for a progress line. */
export interface Progress {
  readonly phase: "load" | "steady"
  readonly done: number
  readonly total: number
  /** Operations per second since the last progress report. */
  readonly rate: number
  /** Operations that failed so far (injected faults' typed errors included), and those unexpected. */
  readonly failed: number
  readonly unexpected: number
  readonly elapsedMs: number
}

export interface LoadReport {
  readonly operations: number
  readonly succeeded: number
  /** Failures of the main run by tag: injected faults that outlasted the retries. */
  readonly failed: Readonly<Record<string, number>>
  /** Failures that are not an injected fault's: there should be none. */
  readonly unexpected: ReadonlyArray<string>
  /** Keys and users whose create succeeded but that the store does not hold (as created). */
  readonly lost: ReadonlyArray<string>
  /** Keys and users the store holds though no create could have made them. */
  readonly extra: ReadonlyArray<string>
  /**
   * Keys and users the store holds twice, or whose create was answered 409 Conflict though no
   * other operation used the name: the sign that the request reached the server twice.
   */
  readonly duplicated: ReadonlyArray<string>
  /**
   * Creates whose outcome the caller could not know, by the error it got (a 500, a reset
   * connection's `TransportError`, a `TimeoutError`): the store may hold each at most once.
   * `held` of them it does.
   */
  readonly ambiguous: Readonly<Record<string, { readonly creates: number; readonly held: number }>>
  /** The kinds of fault the run injected. */
  readonly faultKinds: ReadonlyArray<FaultKind>
  /** The faults the store fired, by kind (`IdentityStore.firedFaults`). */
  readonly faultsFired: Readonly<Record<string, number>>
  readonly elapsedMs: number
  readonly rssBytes: { readonly before: number; readonly after: number }
  readonly steady?: {
    readonly operations: number
    /** Whether the heap was measured after a forced GC (node --expose-gc). */
    readonly gc: boolean
    /** Failures of the steady phase (there are no faults in it): the first 20. */
    readonly failures: ReadonlyArray<string>
    readonly failureCount: number
    readonly rssBytes: { readonly before: number; readonly after: number }
    readonly heapUsedBytes: { readonly before: number; readonly after: number }
  }
}

/** The heap may grow by at most this share over the steady phase. */
export const maxSteadyHeapGrowth = 0.1

const expectedFailures = new Set([
  "TooManyRequestsException",
  "InternalServerErrorException",
  "TransportError",
  "TimeoutError"
])

/** After these, the caller cannot know whether a create took effect. */
const ambiguousFailures = new Set(["InternalServerErrorException", "TransportError", "TimeoutError"])

/**
 * What a create's caller learnt: it created the key (with this id) or the user (id `""`); it was
 * refused with a 429 after the retries (the store cannot have acted); it failed in a way that
 * leaves the outcome unknown (by the error's tag); or it was answered 409 Conflict.
 */
export type CreateOutcome =
  | { readonly _tag: "Created"; readonly id: string }
  | { readonly _tag: "Refused" }
  | { readonly _tag: "Ambiguous"; readonly error: string }
  | { readonly _tag: "Conflict" }

/** What a failed create's error (by tag) tells its caller; `undefined` for an error that tells nothing of the store. */
export const createOutcome = (tag: string): CreateOutcome | undefined =>
  tag === "ConflictException"
    ? { _tag: "Conflict" }
    : tag === "TooManyRequestsException"
    ? { _tag: "Refused" }
    : ambiguousFailures.has(tag)
    ? { _tag: "Ambiguous", error: tag }
    : undefined

/** The store's end state against what each create's caller learnt: the fields of a {@link LoadReport} it fills. */
export type Accounting = Pick<LoadReport, "lost" | "extra" | "duplicated" | "ambiguous">

/**
 * Accounts the store's `snapshot` against `creates`, what each create's caller learnt by
 * `account/name` (a key's `clientName`, a user's `userId`; each name used by one create only).
 * A name the store holds twice is duplicated, and so is one whose create was answered 409; one
 * held though its create was refused, or no create ended for it, or held under another key id
 * than its create returned, is extra; one created but not held is lost. An ambiguous create
 * may be held or not: they are tallied by error, with how many are held.
 */
export const account = (
  creates: ReadonlyMap<string, CreateOutcome>,
  snapshot: ReadonlyArray<IdentityStore.AccountSnapshot>
): Accounting => {
  const lost: Array<string> = []
  const extra: Array<string> = []
  const duplicated: Array<string> = []
  const seen = new Set<string>()
  const ambiguous: Record<string, { creates: number; held: number }> = {}
  const tally = (error: string, field: "creates" | "held") => {
    const entry = ambiguous[error] ?? { creates: 0, held: 0 }
    entry[field]++
    ambiguous[error] = entry
  }
  const check = (name: string, id: string | undefined) => {
    const outcome = creates.get(name)
    if (seen.has(name)) duplicated.push(`${name} (held twice)`)
    seen.add(name)
    if (outcome === undefined) extra.push(`${name} (no create ended for it)`)
    else if (outcome._tag === "Refused") extra.push(`${name} (its create was refused with 429)`)
    else if (outcome._tag === "Created" && id !== undefined && id !== outcome.id) {
      extra.push(`${name} (held as ${id}, created as ${outcome.id})`)
    } else if (outcome._tag === "Ambiguous") tally(outcome.error, "held")
  }
  for (const { accountId, keys, users } of snapshot) {
    for (const key of keys) check(`${accountId}/${key.clientName ?? ""}`, key.clientKeyId ?? "")
    for (const user of users) check(`${accountId}/${user.userId ?? ""}`, undefined)
  }
  for (const [name, outcome] of creates) {
    if (outcome._tag === "Created" && !seen.has(name)) lost.push(name)
    if (outcome._tag === "Conflict") {
      duplicated.push(`${name} (its create was answered 409 Conflict: the request reached the server twice)`)
    }
    if (outcome._tag === "Ambiguous") tally(outcome.error, "creates")
  }
  return { lost, extra, duplicated, ambiguous }
}

const share = (part: number, whole: number) => `${(100 * part / Math.max(1, whole)).toFixed(1)}%`

/**
 * What is wrong with a run, one line each; none when it passed. The tests and the soak both
 * judge a run by this.
 */
export const problems = (report: LoadReport): ReadonlyArray<string> => {
  const out: Array<string> = []
  const list = (what: string, items: ReadonlyArray<string>) => {
    if (items.length > 0) out.push(`${what} (${items.length}): ${items.slice(0, 10).join(", ")}`)
  }
  list("unexpected failures", report.unexpected)
  list("lost: created, yet not in the store", report.lost)
  list("extra: in the store, yet no create could have made it", report.extra)
  list("duplicated: in the store twice, or a create answered 409 for a name only it used", report.duplicated)
  const failed = Object.values(report.failed).reduce((a, b) => a + b, 0)
  if (report.succeeded + failed !== report.operations) {
    out.push(`${report.succeeded} succeeded + ${failed} failed is not the ${report.operations} operations run`)
  }
  for (const kind of report.faultKinds) {
    if ((report.faultsFired[IdentityStore.faultLabel(faultKinds[kind])] ?? 0) === 0) {
      out.push(`no "${kind}" fault fired`)
    }
    const tag = seenAs[kind]
    if (tag !== undefined && (report.failed[tag] ?? 0) === 0) {
      out.push(`no operation failed with ${tag}, as a create that meets a "${kind}" fault does`)
    }
  }
  for (const kind of report.faultKinds) {
    // a create that failed with a 500 or a reset is held only if an after-write fault let it act
    // (a timeout can also be the machine's, so it proves less, but one must be held too)
    const tag = seenAs[kind]
    if (kind.startsWith("after") && tag !== undefined && (report.ambiguous[tag]?.held ?? 0) === 0) {
      out.push(`no create that failed with ${tag} is in the store: "${kind}" faults did not let the store act`)
    }
  }
  const steady = report.steady
  if (steady !== undefined) {
    list(`steady phase: ${steady.failureCount} failures with no faults injected`, steady.failures)
    // Without a forced GC the figures include garbage not yet collected: a young generation's
    // worth swings them by tens of percent in either direction, so only figures after a GC judge.
    const { after, before } = steady.heapUsedBytes
    if (steady.gc && after > before * (1 + maxSteadyHeapGrowth)) {
      out.push(
        `steady phase: the heap grew by ${share(after - before, before)} (at most ${
          share(maxSteadyHeapGrowth, 1)
        }) after GC: ${before} -> ${after} bytes`
      )
    }
  }
  return out
}

/**
 * Runs the load against the `IdentityApi` in context, whose store is the `IdentityStore` in context.
 * Times (elapsed, rates, when progress is reported) are read from Effect's `Clock`: on a `TestClock`
 * they are exact.
 */
export const run = (options: LoadOptions): Effect.Effect<LoadReport, never, IdentityApi | IdentityStore> =>
  Effect.gen(function*() {
    const identity = yield* IdentityApi
    const store = yield* IdentityStore
    const accounts = options.accounts ?? 20
    const kinds = options.faults ?? allFaultKinds
    const firedBefore = yield* store.firedFaults
    yield* store.setRandomFaults({ probability: options.faultProbability, faults: kinds.map((k) => faultKinds[k]) })

    // what each create's caller learnt, by `account/name`: the names are unique to one operation
    const creates = new Map<string, CreateOutcome>()
    const failed: Record<string, number> = {}
    const unexpected: Array<string> = []
    let succeeded = 0
    let failures = 0
    let done = 0

    const operation = (i: number): Effect.Effect<void> => {
      const accountName = `acct-${i % accounts}`
      const accountId = AccountId.make(accountName)
      const name = i % 4 === 0 ? `${accountName}/key-${i}` : `${accountName}/user-${i}@load.example`
      const call: Effect.Effect<string | undefined, { readonly _tag: string }> = i % 4 === 0
        ? Effect.map(
          identity.createClientKey({ accountId, clientName: `key-${i}`, defaultRoleId: "r" }),
          (key) => key.clientId ?? "?"
        )
        : i % 4 === 1
        ? Effect.as(identity.createUserForAccount({ accountId, userId: UserId.make(`user-${i}@load.example`) }), "")
        : i % 4 === 2
        ? Effect.as(identity.getClientKeyList({ accountId }), undefined)
        : Effect.as(identity.getUsersForAccount({ accountId }), undefined)
      const isCreate = i % 4 < 2
      return call.pipe(
        Effect.match({
          onSuccess: (id) => {
            succeeded++
            if (isCreate) creates.set(name, { _tag: "Created", id: id ?? "" })
          },
          onFailure: (error) => {
            failures++
            failed[error._tag] = (failed[error._tag] ?? 0) + 1
            const outcome = isCreate ? createOutcome(error._tag) : undefined
            if (outcome !== undefined) creates.set(name, outcome)
            // a 409 is judged by the accounting (a duplicate), every other surprise here
            if (!expectedFailures.has(error._tag) && outcome?._tag !== "Conflict") {
              unexpected.push(`operation ${i}: ${error._tag}`)
            }
          }
        }),
        Effect.catchAllDefect((defect) =>
          Effect.sync(() => {
            failures++
            failed["defect"] = (failed["defect"] ?? 0) + 1
            unexpected.push(`operation ${i}: defect ${String(defect)}`)
          })
        ),
        Effect.ensuring(Effect.sync(() => void done++))
      )
    }

    const start = yield* Clock.currentTimeMillis
    let phase: Progress["phase"] = "load"
    let total = options.operations
    let last = { at: start, done: 0 }
    let steadyFailures = 0
    const report = (onProgress: (progress: Progress) => Effect.Effect<void>) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        const rate = (done - last.done) / Math.max(0.001, (now - last.at) / 1000)
        last = { at: now, done }
        return onProgress({
          phase,
          done,
          total,
          rate,
          failed: phase === "load" ? failures : steadyFailures,
          unexpected: phase === "load" ? unexpected.length : steadyFailures,
          elapsedMs: now - start
        })
      })
    const reporter = options.onProgress === undefined ? undefined : yield* Effect.fork(
      Effect.repeat(report(options.onProgress), Schedule.spaced(options.progressEvery ?? "5 seconds")).pipe(
        Effect.delay(options.progressEvery ?? "5 seconds")
      )
    )

    const rssBefore = process.memoryUsage().rss
    yield* Effect.forEach(Array.from({ length: options.operations }, (_, i) => i), operation, {
      concurrency: options.concurrency,
      discard: true
    }).pipe(Effect.ensuring(store.setRandomFaults(undefined)))
    const elapsedMs = (yield* Clock.currentTimeMillis) - start
    const rssAfter = process.memoryUsage().rss
    const firedAfter = yield* store.firedFaults
    const faultsFired = Object.fromEntries(
      Object.entries(firedAfter).map(([label, n]) => [label, n - (firedBefore[label] ?? 0)])
    )

    // the store's end state against what each create's caller learnt
    const { ambiguous, duplicated, extra, lost } = account(creates, yield* store.snapshot)

    const steadyOperations = options.steadyOperations ?? 0
    let steady: LoadReport["steady"]
    if (steadyOperations > 0) {
      const ids = [...creates].flatMap(([name, outcome]) => {
        const [accountName, keyName] = name.split("/")
        return outcome._tag === "Created" && keyName?.startsWith("key-") === true
          ? [{ accountId: AccountId.make(accountName ?? ""), keyId: KeyId.make(outcome.id) }]
          : []
      })
      const gc: unknown = Reflect.get(globalThis, "gc") // present under node --expose-gc
      const measure = () => {
        if (typeof gc === "function") gc()
        return process.memoryUsage()
      }
      const steadyFailureSamples: Array<string> = []
      const read = (i: number) => {
        const id = ids[i % Math.max(1, ids.length)]
        return id === undefined ? Effect.void : identity.getClientKey(id).pipe(
          Effect.matchCause({
            onSuccess: () => {},
            onFailure: (cause) => {
              steadyFailures++
              if (steadyFailureSamples.length < 20) {
                const error = Cause.squash(cause)
                steadyFailureSamples.push(`read ${i}: ${error instanceof Error ? error.message : String(error)}`)
              }
            }
          }),
          Effect.ensuring(Effect.sync(() => void done++))
        )
      }
      phase = "steady"
      done = 0
      total = steadyOperations
      last = { at: yield* Clock.currentTimeMillis, done: 0 }
      // a tenth first, so that what warms up once (compiled code, pools, caches) is not counted
      const warmUp = Math.floor(steadyOperations / 10)
      const reads = (from: number, to: number) =>
        Effect.forEach(Array.from({ length: to - from }, (_, i) => from + i), read, {
          concurrency: options.concurrency,
          discard: true
        })
      yield* reads(0, warmUp)
      const before = measure()
      yield* reads(warmUp, steadyOperations)
      const after = measure()
      steady = {
        operations: steadyOperations,
        gc: typeof gc === "function",
        failures: steadyFailureSamples,
        failureCount: steadyFailures,
        rssBytes: { before: before.rss, after: after.rss },
        heapUsedBytes: { before: before.heapUsed, after: after.heapUsed }
      }
    }
    if (reporter !== undefined) yield* Fiber.interrupt(reporter)
    return {
      ...(steady === undefined ? {} : { steady }),
      operations: options.operations,
      succeeded,
      failed,
      unexpected,
      lost,
      extra,
      duplicated,
      ambiguous,
      faultKinds: kinds,
      faultsFired,
      elapsedMs,
      rssBytes: { before: rssBefore, after: rssAfter }
    }
  })

/** A progress line: `load 12000/100000 (12.0%), 412 ops/s, 1180 failed (0 unexpected), 29 s`. */
export const formatProgress = (p: Progress): string =>
  `${p.phase} ${p.done}/${p.total} (${share(p.done, p.total)}), ${
    p.rate.toFixed(0)
  } ops/s, ${p.failed} failed (${p.unexpected} unexpected), ${(p.elapsedMs / 1000).toFixed(0)} s`
