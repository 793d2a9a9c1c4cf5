/**
 * The load run's accounting and verdict without a socket: `account` and `problems` on hand-built
 * inputs (every branch that only fires on a WRONG store), `formatProgress`, and `Load.run` over
 * the in-memory client and the wire-level fake, scripted call by call on the `TestClock`, over a
 * store or client that misbehaves, and with random faults of every kind.
 */
import { assert, describe, it } from "@effect/vitest"
import { IdentityApi } from "@katanemo/client"
import * as HttpClientTransport from "@katanemo/client/HttpClientTransport"
import {
  AccountId,
  BadRequestException,
  ClientKeyObject,
  ClientKeyResponse,
  ConflictException,
  InternalServerErrorException,
  KeyId,
  TooManyRequestsException,
  UserId,
  UserResponse
} from "@katanemo/models"
import { IdentityApiMemory, IdentityHttpFake, IdentityStore } from "@katanemo/testing"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Random from "effect/Random"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import * as Load from "../src/Load.js"

const acct0 = AccountId.make("acct-0")
const acct1 = AccountId.make("acct-1")
const key = (clientName: string | undefined, clientKeyId: string | undefined) =>
  ClientKeyObject.make({
    ...(clientName === undefined ? {} : { clientName }),
    ...(clientKeyId === undefined ? {} : { clientKeyId: KeyId.make(clientKeyId) })
  })
const user = (accountId: AccountId, userId: string | undefined) =>
  UserResponse.make({ accountId, ...(userId === undefined ? {} : { userId: UserId.make(userId) }) })
const created = (id: string): Load.CreateOutcome => ({ _tag: "Created", id })
const refused: Load.CreateOutcome = { _tag: "Refused" }
const conflict: Load.CreateOutcome = { _tag: "Conflict" }
const ambiguous = (error: string): Load.CreateOutcome => ({ _tag: "Ambiguous", error })

describe("createOutcome: what a failed create's error tells its caller", () => {
  it("409 is a conflict, 429 a refusal, a 500, reset or timeout leaves it unknown, anything else tells nothing", () => {
    assert.deepStrictEqual(Load.createOutcome("ConflictException"), conflict)
    assert.deepStrictEqual(Load.createOutcome("TooManyRequestsException"), refused)
    assert.deepStrictEqual(
      Load.createOutcome("InternalServerErrorException"),
      ambiguous("InternalServerErrorException")
    )
    assert.deepStrictEqual(Load.createOutcome("TransportError"), ambiguous("TransportError"))
    assert.deepStrictEqual(Load.createOutcome("TimeoutError"), ambiguous("TimeoutError"))
    assert.strictEqual(Load.createOutcome("BadRequestException"), undefined)
    assert.strictEqual(Load.createOutcome("defect"), undefined)
  })
})

describe("account: the store's snapshot against what each create's caller learnt", () => {
  it("a store that holds every create once, as created: nothing lost, extra or duplicated", () => {
    const creates = new Map([["acct-0/key-0", created("ck_0")], ["acct-0/ada@x", created("")]])
    assert.deepStrictEqual(
      Load.account(creates, [{ accountId: acct0, keys: [key("key-0", "ck_0")], users: [user(acct0, "ada@x")] }]),
      { lost: [], extra: [], duplicated: [], ambiguous: {} }
    )
  })

  it("a store that loses a created key and a created user: both are lost", () => {
    const creates = new Map([
      ["acct-0/key-0", created("ck_0")],
      ["acct-0/key-1", created("ck_1")],
      ["acct-1/ada@x", created("")],
      ["acct-1/bob@x", created("")]
    ])
    const snapshot: ReadonlyArray<IdentityStore.AccountSnapshot> = [
      { accountId: acct0, keys: [key("key-1", "ck_1")], users: [] },
      { accountId: acct1, keys: [], users: [user(acct1, "ada@x")] }
    ]
    assert.deepStrictEqual(Load.account(creates, snapshot), {
      lost: ["acct-0/key-0", "acct-1/bob@x"],
      extra: [],
      duplicated: [],
      ambiguous: {}
    })
  })

  it("a store that holds a name twice: duplicated, held twice (a key and a user alike)", () => {
    const creates = new Map([["acct-0/key-0", created("ck_0")], ["acct-0/ada@x", created("")]])
    const snapshot: ReadonlyArray<IdentityStore.AccountSnapshot> = [{
      accountId: acct0,
      keys: [key("key-0", "ck_0"), key("key-0", "ck_0")],
      users: [user(acct0, "ada@x"), user(acct0, "ada@x"), user(acct0, "ada@x")]
    }]
    assert.deepStrictEqual(Load.account(creates, snapshot), {
      lost: [],
      extra: [],
      duplicated: ["acct-0/key-0 (held twice)", "acct-0/ada@x (held twice)", "acct-0/ada@x (held twice)"],
      ambiguous: {}
    })
  })

  it("a key held under another id than its create returned, or with none: extra, with both ids", () => {
    const creates = new Map([["acct-0/key-0", created("ck_0")], ["acct-0/key-1", created("ck_1")]])
    const snapshot: ReadonlyArray<IdentityStore.AccountSnapshot> = [{
      accountId: acct0,
      keys: [key("key-0", "ck_other"), key("key-1", undefined)],
      users: []
    }]
    assert.deepStrictEqual(Load.account(creates, snapshot), {
      lost: [],
      extra: ["acct-0/key-0 (held as ck_other, created as ck_0)", "acct-0/key-1 (held as , created as ck_1)"],
      duplicated: [],
      ambiguous: {}
    })
  })

  it("a user is held by name only: its create's id (none) is not compared", () => {
    const creates = new Map([["acct-0/ada@x", created("")]])
    assert.deepStrictEqual(
      Load.account(creates, [{ accountId: acct0, keys: [], users: [user(acct0, "ada@x")] }]).extra,
      []
    )
  })

  it("a name whose create was refused with 429, yet held: extra (a key and a user alike)", () => {
    const creates = new Map([["acct-0/key-0", refused], ["acct-0/ada@x", refused]])
    const snapshot: ReadonlyArray<IdentityStore.AccountSnapshot> = [{
      accountId: acct0,
      keys: [key("key-0", "ck_0")],
      users: [user(acct0, "ada@x")]
    }]
    assert.deepStrictEqual(Load.account(creates, snapshot), {
      lost: [],
      extra: ["acct-0/key-0 (its create was refused with 429)", "acct-0/ada@x (its create was refused with 429)"],
      duplicated: [],
      ambiguous: {}
    })
  })

  it("a refused create the store does not hold is fine: neither lost nor extra", () => {
    assert.deepStrictEqual(
      Load.account(new Map([["acct-0/key-0", refused]]), [{ accountId: acct0, keys: [], users: [] }]),
      { lost: [], extra: [], duplicated: [], ambiguous: {} }
    )
  })

  it("a name no create ended for: extra, named by account and name (or empty names)", () => {
    const snapshot: ReadonlyArray<IdentityStore.AccountSnapshot> = [
      { accountId: acct0, keys: [key("key-9", "ck_9"), key(undefined, "ck_x")], users: [] },
      { accountId: acct1, keys: [], users: [user(acct1, "eve@x"), user(acct1, undefined)] }
    ]
    assert.deepStrictEqual(Load.account(new Map(), snapshot), {
      lost: [],
      extra: [
        "acct-0/key-9 (no create ended for it)",
        "acct-0/ (no create ended for it)",
        "acct-1/eve@x (no create ended for it)",
        "acct-1/ (no create ended for it)"
      ],
      duplicated: [],
      ambiguous: {}
    })
  })

  it("the same name in two accounts is two names", () => {
    const creates = new Map([["acct-0/key-0", created("ck_0")], ["acct-1/key-0", created("ck_1")]])
    const snapshot: ReadonlyArray<IdentityStore.AccountSnapshot> = [
      { accountId: acct0, keys: [key("key-0", "ck_0")], users: [] },
      { accountId: acct1, keys: [key("key-0", "ck_1")], users: [] }
    ]
    assert.deepStrictEqual(Load.account(creates, snapshot), { lost: [], extra: [], duplicated: [], ambiguous: {} })
  })

  it("a create answered 409 Conflict: duplicated (the request reached the server twice), held or not", () => {
    const creates = new Map([["acct-0/key-0", conflict], ["acct-0/ada@x", conflict]])
    const snapshot: ReadonlyArray<IdentityStore.AccountSnapshot> = [{
      accountId: acct0,
      keys: [key("key-0", "ck_0")],
      users: []
    }]
    assert.deepStrictEqual(Load.account(creates, snapshot), {
      lost: [],
      extra: [],
      duplicated: [
        "acct-0/key-0 (its create was answered 409 Conflict: the request reached the server twice)",
        "acct-0/ada@x (its create was answered 409 Conflict: the request reached the server twice)"
      ],
      ambiguous: {}
    })
  })

  it("creates of unknown outcome are tallied by error, with how many the store holds", () => {
    const creates = new Map([
      ["acct-0/key-0", ambiguous("InternalServerErrorException")],
      ["acct-0/key-1", ambiguous("InternalServerErrorException")],
      ["acct-0/key-2", ambiguous("InternalServerErrorException")],
      ["acct-0/ada@x", ambiguous("TransportError")],
      ["acct-0/bob@x", ambiguous("TimeoutError")],
      ["acct-0/cy@x", ambiguous("TimeoutError")]
    ])
    const snapshot: ReadonlyArray<IdentityStore.AccountSnapshot> = [{
      accountId: acct0,
      keys: [key("key-0", "ck_0"), key("key-2", "ck_2")],
      users: [user(acct0, "ada@x")]
    }]
    assert.deepStrictEqual(Load.account(creates, snapshot), {
      lost: [],
      extra: [],
      duplicated: [],
      ambiguous: {
        InternalServerErrorException: { creates: 3, held: 2 },
        TransportError: { creates: 1, held: 1 },
        TimeoutError: { creates: 2, held: 0 }
      }
    })
  })
})

const cleanSteady: NonNullable<Load.LoadReport["steady"]> = {
  operations: 10,
  gc: false,
  failures: [],
  failureCount: 0,
  rssBytes: { before: 1, after: 2 },
  heapUsedBytes: { before: 1000, after: 1000 }
}
/** A report of a run that passed, with every kind of fault: each test breaks one thing in it. */
const clean: Load.LoadReport = {
  operations: 100,
  succeeded: 90,
  failed: { InternalServerErrorException: 4, TransportError: 3, TimeoutError: 2, TooManyRequestsException: 1 },
  unexpected: [],
  lost: [],
  extra: [],
  duplicated: [],
  ambiguous: {
    InternalServerErrorException: { creates: 3, held: 1 },
    TransportError: { creates: 2, held: 1 },
    TimeoutError: { creates: 1, held: 1 }
  },
  faultKinds: Load.allFaultKinds,
  faultsFired: { "before 429": 3, "before 500": 2, "after 500": 2, "after reset": 3, "after noAnswer": 2 },
  elapsedMs: 1000,
  rssBytes: { before: 1, after: 2 },
  steady: cleanSteady
}
const steady = (change: Partial<typeof cleanSteady>): Load.LoadReport => ({
  ...clean,
  steady: { ...cleanSteady, ...change }
})
const items = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`)

describe("problems: the verdict on a run, one line per problem", () => {
  it("a run that passed has none, with or without a steady phase", () => {
    assert.deepStrictEqual(Load.problems(clean), [])
    const { steady: _, ...noSteady } = clean
    assert.deepStrictEqual(Load.problems(noSteady), [])
  })

  it("the kinds of fault, by the store's label for each", () => {
    assert.deepStrictEqual(Load.allFaultKinds, [
      "before 429",
      "before 500",
      "after 500",
      "after reset",
      "after noAnswer"
    ])
    for (const kind of Load.allFaultKinds) assert.strictEqual(IdentityStore.faultLabel(Load.faultKinds[kind]), kind)
    const injected = { message: "injected", errorCode: "LOAD" }
    assert.deepStrictEqual(Load.faultKinds, {
      "before 429": { fail: new TooManyRequestsException(injected) },
      "before 500": { fail: new InternalServerErrorException(injected) },
      "after 500": { when: "after", fail: new InternalServerErrorException(injected) },
      "after reset": { when: "after", drop: "reset" },
      "after noAnswer": { when: "after", drop: "noAnswer" }
    })
    // chai's deep equality compares errors by message only: the error code, field by field
    const failures = Object.values(Load.faultKinds).flatMap((action) =>
      "fail" in action ? [{ message: action.fail.message, errorCode: action.fail.errorCode }] : []
    )
    assert.deepStrictEqual(failures, [injected, injected, injected])
  })

  it("unexpected failures, lost, extra and duplicated: each counted, the first 10 listed", () => {
    assert.deepStrictEqual(Load.problems({ ...clean, unexpected: ["operation 3: defect boom"] }), [
      "unexpected failures (1): operation 3: defect boom"
    ])
    assert.deepStrictEqual(Load.problems({ ...clean, lost: items("acct-0/key-", 12) }), [
      `lost: created, yet not in the store (12): ${items("acct-0/key-", 10).join(", ")}`
    ])
    assert.deepStrictEqual(Load.problems({ ...clean, extra: items("x", 10) }), [
      "extra: in the store, yet no create could have made it (10): x0, x1, x2, x3, x4, x5, x6, x7, x8, x9"
    ])
    assert.deepStrictEqual(Load.problems({ ...clean, duplicated: ["a (held twice)", "b (held twice)"] }), [
      "duplicated: in the store twice, or a create answered 409 for a name only it used (2): a (held twice), b (held twice)"
    ])
    assert.deepStrictEqual(
      Load.problems({ ...clean, unexpected: ["u"], lost: ["l"], extra: ["e"], duplicated: ["d"] }),
      [
        "unexpected failures (1): u",
        "lost: created, yet not in the store (1): l",
        "extra: in the store, yet no create could have made it (1): e",
        "duplicated: in the store twice, or a create answered 409 for a name only it used (1): d"
      ],
      "in this order"
    )
  })

  it("succeeded + failed must be the operations run (failures of every tag counted)", () => {
    assert.deepStrictEqual(Load.problems({ ...clean, succeeded: 89 }), [
      "89 succeeded + 10 failed is not the 100 operations run"
    ])
    assert.deepStrictEqual(Load.problems({ ...clean, succeeded: 91 }), [
      "91 succeeded + 10 failed is not the 100 operations run"
    ])
    assert.deepStrictEqual(
      Load.problems({ ...clean, succeeded: 88, failed: { ...clean.failed, defect: 1, ConflictException: 1 } }),
      []
    )
  })

  it("each kind asked for must have fired (by its label), and been seen by the client with its tag", () => {
    assert.deepStrictEqual(Load.problems({ ...clean, faultsFired: { ...clean.faultsFired, "before 429": 0 } }), [
      "no \"before 429\" fault fired"
    ])
    assert.deepStrictEqual(
      Load.problems({ ...clean, faultsFired: { "before 429": 1, "after 500": 1, "after reset": 1 } }),
      ["no \"before 500\" fault fired", "no \"after noAnswer\" fault fired"],
      "a kind missing from the store's counts did not fire"
    )
    assert.deepStrictEqual(
      Load.problems({
        ...clean,
        faultKinds: ["before 429", "after reset"],
        faultsFired: {},
        failed: {},
        succeeded: 100
      }),
      [
        "no \"before 429\" fault fired",
        "no \"after reset\" fault fired",
        "no operation failed with TransportError, as a create that meets a \"after reset\" fault does"
      ],
      "only the kinds asked for are judged; a 429 is retried, so the client need not see it"
    )
    assert.deepStrictEqual(
      Load.problems({ ...clean, faultKinds: [], faultsFired: {}, failed: {}, succeeded: 100, ambiguous: {} }),
      []
    )
  })

  it("a kind that fired but whose error no operation failed with", () => {
    const { TimeoutError: _, ...noTimeout } = clean.failed
    assert.deepStrictEqual(Load.problems({ ...clean, failed: noTimeout, succeeded: 92 }), [
      "no operation failed with TimeoutError, as a create that meets a \"after noAnswer\" fault does"
    ])
    assert.deepStrictEqual(
      Load.problems({ ...clean, failed: { ...clean.failed, InternalServerErrorException: 0 }, succeeded: 94 }),
      [
        "no operation failed with InternalServerErrorException, as a create that meets a \"before 500\" fault does",
        "no operation failed with InternalServerErrorException, as a create that meets a \"after 500\" fault does"
      ]
    )
    assert.deepStrictEqual(
      Load.problems({ ...clean, failed: { ...clean.failed, TooManyRequestsException: 0 }, succeeded: 91 }),
      [],
      "a 429 is retried: no tag is asked of \"before 429\""
    )
  })

  it("an after-write kind none of whose failed creates the store holds did not let the store act", () => {
    assert.deepStrictEqual(
      Load.problems({ ...clean, ambiguous: { ...clean.ambiguous, TransportError: { creates: 2, held: 0 } } }),
      ["no create that failed with TransportError is in the store: \"after reset\" faults did not let the store act"]
    )
    assert.deepStrictEqual(Load.problems({ ...clean, ambiguous: {} }), [
      "no create that failed with InternalServerErrorException is in the store: \"after 500\" faults did not let the store act",
      "no create that failed with TransportError is in the store: \"after reset\" faults did not let the store act",
      "no create that failed with TimeoutError is in the store: \"after noAnswer\" faults did not let the store act"
    ])
    assert.deepStrictEqual(
      Load.problems({ ...clean, faultKinds: ["before 500", "before 429"], ambiguous: {} }),
      [],
      "a before-write fault leaves nothing held"
    )
  })

  it("steady phase: its failures, counted, the first 10 listed", () => {
    assert.deepStrictEqual(Load.problems(steady({ failures: ["read 1: x", "read 2: y"], failureCount: 25 })), [
      "steady phase: 25 failures with no faults injected (2): read 1: x, read 2: y"
    ])
    assert.deepStrictEqual(Load.problems(steady({ failures: items("r", 20), failureCount: 20 })), [
      `steady phase: 20 failures with no faults injected (20): ${items("r", 10).join(", ")}`
    ])
  })

  it("steady phase: after a GC the heap may grow by 10%, not more; without a GC the figures do not judge", () => {
    const afterGc = (before: number, after: number) => steady({ gc: true, heapUsedBytes: { before, after } })
    assert.strictEqual(Load.maxSteadyHeapGrowth, 0.1)
    assert.deepStrictEqual(Load.problems(afterGc(1000, 1100)), [], "exactly 10%")
    assert.deepStrictEqual(Load.problems(afterGc(1000, 500)), [], "it shrank")
    assert.deepStrictEqual(Load.problems(afterGc(1000, 1101)), [
      "steady phase: the heap grew by 10.1% (at most 10.0%) after GC: 1000 -> 1101 bytes"
    ])
    assert.deepStrictEqual(Load.problems(afterGc(2000, 3000)), [
      "steady phase: the heap grew by 50.0% (at most 10.0%) after GC: 2000 -> 3000 bytes"
    ])
    // uncollected garbage: a 42% swing in 50 reads was seen in CI (vitest runs without --expose-gc)
    assert.deepStrictEqual(Load.problems(steady({ gc: false, heapUsedBytes: { before: 1000, after: 3000 } })), [])
  })
})

describe("formatProgress", () => {
  it("one line: phase, done of total with its share, rate, failures, seconds", () => {
    assert.strictEqual(
      Load.formatProgress({
        phase: "load",
        done: 12000,
        total: 100000,
        rate: 411.6,
        failed: 1180,
        unexpected: 0,
        elapsedMs: 29400
      }),
      "load 12000/100000 (12.0%), 412 ops/s, 1180 failed (0 unexpected), 29 s"
    )
    assert.strictEqual(
      Load.formatProgress({ phase: "steady", done: 1, total: 3, rate: 0.4, failed: 2, unexpected: 1, elapsedMs: 1500 }),
      "steady 1/3 (33.3%), 0 ops/s, 2 failed (1 unexpected), 2 s"
    )
    assert.strictEqual(
      Load.formatProgress({ phase: "load", done: 0, total: 0, rate: 0, failed: 0, unexpected: 0, elapsedMs: 0 }),
      "load 0/0 (0.0%), 0 ops/s, 0 failed (0 unexpected), 0 s",
      "no NaN for an empty run"
    )
  })
})

const boom = new InternalServerErrorException({ message: "injected 500" })
const tooMany = new TooManyRequestsException({ message: "slow down" })
const taken = new ConflictException({ message: "taken" })
const bad = new BadRequestException({ message: "bad" })

/**
 * The live client over the wire-level fake and a fresh store: no socket, no retries, 1.5 s per
 * attempt, and a `TestClock` that only the test moves. `patch` changes what calls do.
 */
const wire = (patch: (api: IdentityApi.Service) => IdentityApi.Service = (api) => api) =>
  Layer.effect(IdentityApi, Effect.map(IdentityApi, patch)).pipe(
    Layer.provide(IdentityApi.layer({ baseUrl: "http://katanemo.test", maxRetries: 0, timeout: "1500 millis" })),
    Layer.provide(HttpClientTransport.layer()),
    Layer.provide(IdentityHttpFake.layer({ advanceTestClock: false })),
    Layer.provideMerge(IdentityStore.layer()),
    Layer.orDie
  )

/** The in-memory client over a store whose service `patchStore` changes, and whose own calls `patchApi` changes. */
const memory = (
  patchStore: (store: IdentityStore["Type"]) => IdentityStore["Type"],
  patchApi: (api: IdentityApi.Service) => IdentityApi.Service = (api) => api
) =>
  Layer.effect(IdentityApi, Effect.map(IdentityApi, patchApi)).pipe(
    Layer.provide(IdentityApiMemory.layerFromStore()),
    Layer.provideMerge(Layer.effect(IdentityStore, Effect.map(IdentityStore.make(), patchStore))),
    Layer.orDie
  )

const collect = () => {
  const reports: Array<Load.Progress> = []
  return { reports, onProgress: (p: Load.Progress) => Effect.sync(() => void reports.push(p)) }
}

/** What a report says, without the process's memory figures (which no test can predict). */
const figures = ({ rssBytes: _, steady: s, ...rest }: Load.LoadReport) => {
  if (s === undefined) return rest
  const { heapUsedBytes: _h, rssBytes: _r, ...steadyRest } = s
  return { ...rest, steady: steadyRest }
}

const delay = "1100 millis"

/** The input of a `getClientKey` call, as the store records it. */
const KeyRead = Schema.Struct({ accountId: Schema.String, keyId: Schema.String })

describe("Load.run, scripted call by call on the TestClock (concurrency 1)", () => {
  it.effect(
    "every outcome of an operation is counted, accounted and reported, then steady reads of the created keys",
    () =>
      Effect.gen(function*() {
        const identity = yield* IdentityApi
        const store = yield* IdentityStore
        // times are since the run's start, not the clock's
        yield* TestClock.adjust("1 minute")
        // a fault that fired before the run is not the run's
        yield* store.injectFault({ fail: boom })
        yield* Effect.flip(identity.getClientKeyList({ accountId: acct0 }))
        // each call meets the next of these (they come before random faults); each lasts 1.1 s but op 8
        const script: ReadonlyArray<IdentityStore.Fault> = [
          { delay }, // op 0: key-0 created, at 1.1 s
          { delay, fail: tooMany }, // op 1: user-1 refused
          { delay }, // op 2: keys listed
          { delay, fail: boom }, // op 3: users not listed
          { delay, when: "after", drop: "reset" }, // op 4: key-4 created, TransportError
          { delay, fail: taken }, // op 5: user-5 answered 409
          { delay, fail: bad }, // op 6: keys not listed, unexpectedly
          { delay }, // op 7: users listed, then the client dies (patched below)
          { when: "after", drop: "noAnswer" }, // op 8: key-8 created, TimeoutError at 1.5 s
          { delay, when: "after", fail: boom }, // op 9: user-9 created, 500
          { delay }, // op 10: keys listed
          { delay, fail: tooMany }, // op 11: users not listed
          { delay }, // op 12: key-12 created
          { delay }, // op 13: user-13 created; the load phase ends at 15.8 s
          { delay }, // steady read 0 (the warm-up)
          { delay }, // read 1
          { delay, fail: boom }, // read 2
          { delay }, // read 3, then the client dies (patched below)
          { delay } // read 4; reads 5 to 11 meet no fault and take no time
        ]
        for (const fault of script) yield* store.injectFault(fault)
        const progress = collect()
        // moved in the background, so that a reporter left running after the run would show
        const clock = yield* Effect.fork(TestClock.adjust("40 seconds"))
        const report = yield* Load.run({
          operations: 14,
          concurrency: 1,
          accounts: 2,
          // every call would meet a 500, were the script's faults not first and random ones not lifted for the steady phase
          faultProbability: 1,
          faults: ["before 500"],
          steadyOperations: 12,
          onProgress: progress.onProgress
        })
        yield* Fiber.join(clock)

        assert.deepStrictEqual(figures(report), {
          operations: 14,
          succeeded: 5,
          failed: {
            TooManyRequestsException: 2,
            InternalServerErrorException: 2,
            TransportError: 1,
            ConflictException: 1,
            BadRequestException: 1,
            defect: 1,
            TimeoutError: 1
          },
          unexpected: ["operation 6: BadRequestException", "operation 7: defect boom"],
          lost: [],
          extra: [],
          duplicated: [
            "acct-1/user-5@load.example (its create was answered 409 Conflict: the request reached the server twice)"
          ],
          ambiguous: {
            TransportError: { creates: 1, held: 1 },
            TimeoutError: { creates: 1, held: 1 },
            InternalServerErrorException: { creates: 1, held: 1 }
          },
          faultKinds: ["before 500"],
          faultsFired: {
            "before 500": 1,
            "before delay": 6,
            "before 429": 2,
            "after reset": 1,
            "before 409": 1,
            "before 400": 1,
            "after noAnswer": 1,
            "after 500": 1
          },
          elapsedMs: 15800,
          steady: {
            operations: 12,
            gc: typeof Reflect.get(globalThis, "gc") === "function",
            failures: ["read 2: injected 500", "read 3: gone"],
            failureCount: 2
          }
        })
        assert.isAbove(report.rssBytes.before, 0)
        assert.isAbove(report.rssBytes.after, 0)
        assert.isAbove(report.steady?.heapUsedBytes.before ?? 0, 0)
        assert.isAbove(report.steady?.heapUsedBytes.after ?? 0, 0)
        assert.isAbove(report.steady?.rssBytes.before ?? 0, 0)
        assert.isAbove(report.steady?.rssBytes.after ?? 0, 0)

        // every 5 s (the default), from the start of the run; none after it
        assert.deepStrictEqual(progress.reports, [
          { phase: "load", done: 4, total: 14, rate: 4 / 5, failed: 2, unexpected: 0, elapsedMs: 5000 },
          { phase: "load", done: 8, total: 14, rate: 4 / 5, failed: 6, unexpected: 2, elapsedMs: 10000 },
          { phase: "load", done: 13, total: 14, rate: 5 / 5, failed: 9, unexpected: 2, elapsedMs: 15000 },
          // the steady phase began at 15.8 s and counts its own reads and failures
          { phase: "steady", done: 3, total: 12, rate: 3 / 4.2, failed: 1, unexpected: 1, elapsedMs: 20000 }
        ])

        // the store: what the operations made, by name, account and role
        const snapshot = yield* store.snapshot
        assert.deepStrictEqual(
          snapshot.map(({ accountId, keys, users }) => ({
            accountId,
            keys: keys.map((k) => [k.clientName, k.roles]),
            users: users.map((u) => String(u.userId))
          })),
          [
            {
              accountId: acct0,
              keys: [["key-0", ["r"]], ["key-4", ["r"]], ["key-8", ["r"]], ["key-12", ["r"]]],
              users: []
            },
            { accountId: acct1, keys: [], users: ["user-9@load.example", "user-13@load.example"] }
          ]
        )
        // the steady reads go round the keys created (not the users, not the ambiguous ones)
        const ids = new Map(snapshot[0]?.keys.map((k) => [k.clientKeyId, k.clientName]))
        const reads = (yield* store.calls).flatMap((call) => call.operation === "getClientKey" ? [call.input] : []).map(
          (input) => {
            const { accountId, keyId } = Schema.decodeUnknownSync(KeyRead)(input)
            return `${accountId}/${ids.get(KeyId.make(keyId)) ?? keyId}`
          }
        )
        assert.deepStrictEqual(
          reads,
          Array.from({ length: 12 }, (_, i) => i % 2 === 0 ? "acct-0/key-0" : "acct-0/key-12")
        )
      }).pipe(Effect.provide(wire((api) => {
        let users = 0
        let keys = 0
        return {
          ...api,
          getUsersForAccount: (input) =>
            Effect.suspend(() =>
              ++users === 2
                ? Effect.zipRight(api.getUsersForAccount(input), Effect.die("boom"))
                : api.getUsersForAccount(input)
            ),
          getClientKey: (input) =>
            Effect.suspend(() =>
              ++keys === 4 ? Effect.zipRight(api.getClientKey(input), Effect.die("gone")) : api.getClientKey(input)
            )
        }
      })))
  )
})

/** A run with no random faults, over one account. */
const quiet = { concurrency: 4, accounts: 1, faultProbability: 0, faults: [] } as const

describe("Load.run over a store or client that misbehaves: the verdict names it", () => {
  it.effect("a store whose snapshot drops a created key: lost", () =>
    Effect.gen(function*() {
      const report = yield* Load.run({ ...quiet, operations: 8 })
      assert.deepStrictEqual(report.lost, ["acct-0/key-0"])
      assert.isFalse("steady" in report, "no steady phase asked for")
      assert.deepStrictEqual(Load.problems(report), ["lost: created, yet not in the store (1): acct-0/key-0"])
    }).pipe(Effect.provide(memory((store) => ({
      ...store,
      snapshot: Effect.map(store.snapshot, (accounts) => accounts.map((a) => ({ ...a, keys: a.keys.slice(1) })))
    })))))

  it.effect("a client whose invite answers success without reaching the store: lost", () =>
    Effect.gen(function*() {
      const report = yield* Load.run({ ...quiet, operations: 8 })
      assert.deepStrictEqual(Load.problems(report), [
        "lost: created, yet not in the store (2): acct-0/user-1@load.example, acct-0/user-5@load.example"
      ])
    }).pipe(Effect.provide(memory((store) => store, (api) => ({
      ...api,
      createUserForAccount: (input) =>
        Effect.succeed(
          UserResponse.make({
            accountId: AccountId.make(input.accountId),
            ...(input.userId === undefined ? {} : { userId: UserId.make(input.userId) })
          })
        )
    })))))

  it.effect("a client that answers a key's create without its id: extra, held as the store's id, created as ?", () =>
    Effect.gen(function*() {
      const store = yield* IdentityStore
      const report = yield* Load.run({ ...quiet, operations: 1 })
      const held = (yield* store.keys("acct-0")).map((k) => k.clientKeyId)
      assert.strictEqual(held.length, 1)
      assert.deepStrictEqual(report.extra, [`acct-0/key-0 (held as ${held[0]}, created as ?)`])
    }).pipe(Effect.provide(memory((store) => store, (api) => ({
      ...api,
      createClientKey: (input) => Effect.as(api.createClientKey(input), ClientKeyResponse.make({}))
    })))))

  it.effect("a store that holds each user twice: duplicated", () =>
    Effect.gen(function*() {
      const report = yield* Load.run({ ...quiet, operations: 8 })
      assert.deepStrictEqual(Load.problems(report), [
        "duplicated: in the store twice, or a create answered 409 for a name only it used (2): "
        + "acct-0/user-1@load.example (held twice), acct-0/user-5@load.example (held twice)"
      ])
    }).pipe(Effect.provide(memory((store) => ({
      ...store,
      snapshot: Effect.map(
        store.snapshot,
        (accounts) => accounts.map((a) => ({ ...a, users: [...a.users, ...a.users] }))
      )
    })))))

  it.effect("a client that sends each key's create twice (the second meets 409): duplicated, not unexpected", () =>
    Effect.gen(function*() {
      const report = yield* Load.run({ ...quiet, operations: 8 })
      assert.deepStrictEqual(report.failed, { ConflictException: 2 })
      assert.deepStrictEqual(Load.problems(report), [
        "duplicated: in the store twice, or a create answered 409 for a name only it used (2): "
        + "acct-0/key-0 (its create was answered 409 Conflict: the request reached the server twice), "
        + "acct-0/key-4 (its create was answered 409 Conflict: the request reached the server twice)"
      ])
    }).pipe(Effect.provide(memory((store) => store, (api) => ({
      ...api,
      createClientKey: (input) => Effect.zipRight(api.createClientKey(input), api.createClientKey(input))
    })))))

  it.effect("a client that dies on every list of users: each defect counted as a failure, and unexpected", () =>
    Effect.gen(function*() {
      const report = yield* Load.run({ ...quiet, operations: 8 })
      assert.deepStrictEqual(report.failed, { defect: 2 })
      assert.strictEqual(report.succeeded, 6)
      assert.deepStrictEqual(Load.problems(report), [
        "unexpected failures (2): operation 3: defect Error: boom, operation 7: defect Error: boom"
      ])
    }).pipe(Effect.provide(memory((store) => store, (api) => ({
      ...api,
      getUsersForAccount: () => Effect.die(new Error("boom"))
    })))))

  it.effect("a client whose key reads all fail in the steady phase: each counted, the first 20 kept, by message", () =>
    Effect.gen(function*() {
      const report = yield* Load.run({ ...quiet, concurrency: 1, operations: 8, steadyOperations: 25 })
      assert.deepStrictEqual(report.steady?.failures, Array.from({ length: 20 }, (_, i) => `read ${i}: down`))
      assert.strictEqual(report.steady?.failureCount, 25)
      assert.deepStrictEqual(Load.problems(report), [
        `steady phase: 25 failures with no faults injected (20): ${
          Array.from({ length: 10 }, (_, i) => `read ${i}: down`).join(", ")
        }`
      ])
    }).pipe(Effect.provide(memory((store) => store, (api) => ({
      ...api,
      getClientKey: () => Effect.fail(new InternalServerErrorException({ message: "down" }))
    })))))

  it.effect("no key created: the steady phase reads nothing", () =>
    Effect.gen(function*() {
      const store = yield* IdentityStore
      const report = yield* Load.run({
        ...quiet,
        operations: 8,
        faultProbability: 1,
        faults: ["before 500"],
        steadyOperations: 5
      })
      assert.strictEqual(report.succeeded, 0)
      assert.strictEqual(report.steady?.failureCount, 0)
      assert.deepStrictEqual((yield* store.calls).filter((call) => call.operation === "getClientKey"), [])
    }).pipe(Effect.provide(memory((store) => store))))
})

describe("Load.run: concurrency and progress on the TestClock", () => {
  it.effect("operations and steady reads run `concurrency` at a time; progress counts each phase", () =>
    Effect.gen(function*() {
      const store = yield* IdentityStore
      yield* TestClock.adjust("1 minute")
      yield* store.injectFault({ delay: "1 second", times: 100 })
      const progress = collect()
      const clock = yield* Effect.fork(TestClock.adjust("10 seconds"))
      const report = yield* Load.run({
        operations: 8,
        concurrency: 4,
        faultProbability: 0,
        faults: [],
        steadyOperations: 8,
        onProgress: progress.onProgress,
        progressEvery: "1250 millis"
      })
      yield* Fiber.join(clock)
      assert.strictEqual(report.elapsedMs, 2000, "two rounds of four operations")
      assert.deepStrictEqual(progress.reports, [
        { phase: "load", done: 4, total: 8, rate: 4 / 1.25, failed: 0, unexpected: 0, elapsedMs: 1250 },
        // the steady phase began at 2 s: its rate is since then
        { phase: "steady", done: 0, total: 8, rate: 0, failed: 0, unexpected: 0, elapsedMs: 2500 },
        { phase: "steady", done: 4, total: 8, rate: 4 / 1.25, failed: 0, unexpected: 0, elapsedMs: 3750 }
      ])
    }).pipe(Effect.provide(IdentityApiMemory.layer())))
})

describe("Load.run: the steady phase's heap figures", () => {
  it.effect("are measured after a GC when the process allows one (node --expose-gc): one before the measured reads, one after", () =>
    Effect.gen(function*() {
      const original: unknown = Reflect.get(globalThis, "gc")
      let collections = 0
      const report = yield* Effect.acquireUseRelease(
        Effect.sync(() => Reflect.set(globalThis, "gc", () => void collections++)),
        () => Load.run({ ...quiet, operations: 8, steadyOperations: 5 }),
        // as it was: absent (vitest runs without --expose-gc), or the process's own
        () =>
          Effect.sync(() =>
            original === undefined ? Reflect.deleteProperty(globalThis, "gc") : Reflect.set(globalThis, "gc", original)
          )
      )
      assert.strictEqual(collections, 2)
      assert.isTrue(report.steady?.gc)
      assert.strictEqual(report.steady?.failureCount, 0)
    }).pipe(Effect.provide(memory((store) => store))))
})

describe("Load.run with random faults of every kind over the live client's wire (no socket)", () => {
  it.effect(
    "nothing lost, extra or duplicated; every kind fired and was seen; progress reported; a clean steady phase",
    () =>
      Effect.gen(function*() {
        const store = yield* IdentityStore
        const progress = collect()
        const operations = 300
        const report = yield* Load.run({
          operations,
          concurrency: 20,
          faultProbability: 0.2,
          steadyOperations: 50,
          onProgress: progress.onProgress,
          progressEvery: "250 millis"
        })
        assert.deepStrictEqual(Load.problems(report), [], JSON.stringify(report))
        assert.deepStrictEqual(report.faultKinds, Load.allFaultKinds, "all kinds by default")
        assert.deepStrictEqual(report.unexpected, [])
        assert.strictEqual(report.steady?.operations, 50)
        assert.strictEqual(report.steady?.failureCount, 0)
        assert.deepStrictEqual(report.steady?.failures, [])
        // 20 accounts by default: creates are operations 0 and 1 of every 4
        assert.deepStrictEqual(
          (yield* store.snapshot).map((a) => a.accountId).sort(),
          ["acct-0", "acct-1", "acct-12", "acct-13", "acct-16", "acct-17", "acct-4", "acct-5", "acct-8", "acct-9"]
        )
        // the clock moves when every call in flight waits for it (a timeout, a retry's backoff)
        assert.isAbove(progress.reports.length, 0)
        let elapsed = 0
        for (const p of progress.reports) {
          assert.isTrue(p.phase === "load" || p.phase === "steady", JSON.stringify(p))
          assert.strictEqual(p.total, p.phase === "load" ? operations : 50, JSON.stringify(p))
          assert.isTrue(p.done >= 0 && p.done <= p.total, JSON.stringify(p))
          assert.isTrue(p.rate >= 0 && Number.isFinite(p.rate), JSON.stringify(p))
          assert.isTrue(p.failed >= 0 && p.failed <= p.done, JSON.stringify(p))
          assert.strictEqual(p.unexpected, 0, JSON.stringify(p))
          assert.isAbove(p.elapsedMs, elapsed, JSON.stringify(p))
          elapsed = p.elapsedMs
        }
        // the random faults were lifted after the run
        const fired = yield* store.firedFaults
        yield* Effect.forEach(
          Array.from({ length: 50 }),
          () => IdentityApi.pipe(Effect.flatMap((identity) => identity.getClientKeyList({ accountId: acct0 })))
        )
        assert.deepStrictEqual(yield* store.firedFaults, fired)
      }).pipe(
        Effect.provide(
          IdentityHttpFake.layerClient({
            client: {
              timeout: "1 second",
              retrySchedule: Schedule.exponential("5 millis").pipe(Schedule.intersect(Schedule.recurs(5)))
            }
          }).pipe(Layer.orDie)
        ),
        Effect.withRandom(Random.make("load accounting"))
      ),
    60_000
  )
})
