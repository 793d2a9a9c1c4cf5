/**
 * The store's rules, called directly through `dispatch`: each answer word for word, lookups that
 * find the right one of several entries, the rate limiter's window, and how given and random
 * faults count down. The contract suite checks the same rules through the three targets; these
 * pin what it does not reach (exact texts, edges of the window, fault bookkeeping).
 */
import { assert, describe, it } from "@effect/vitest"
import type { Operation } from "@katanemo/client"
import {
  AccountId,
  type ApiException,
  ConflictException,
  InternalServerErrorException,
  KeyId,
  NotFoundException,
  TooManyRequestsException,
  UserId
} from "@katanemo/models"
import { IdentityStore, Seed } from "@katanemo/testing"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"

const acme = AccountId.make("acme")

const seeded = (options: IdentityStore.Options = {}) =>
  IdentityStore.make({
    seed: {
      accounts: [{
        accountId: "acme",
        keys: [{ clientId: "k1", clientName: "ci" }, { clientId: "k2", clientName: "deploy", roles: ["ops"] }],
        users: [{ userId: "ada", roles: ["dev"] }, { userId: "bob", roles: ["ops"] }]
      }]
    },
    ...options
  }).pipe(Effect.orDie)

/** What a rejection says: the exception's tag, message and code, and the drop and Retry-After. */
const said = (rejection: IdentityStore.Rejection) => ({
  tag: rejection.exception._tag as string,
  message: rejection.exception.message,
  errorCode: rejection.exception.errorCode,
  drop: rejection.drop,
  retryAfterMs: Option.getOrUndefined(Option.map(rejection.retryAfter, Duration.toMillis))
})

/** A call that the store must refuse: what the refusal says. */
const refused = <A>(call: Effect.Effect<A, IdentityStore.Rejection>) => Effect.map(Effect.flip(call), said)

const listUsers = (store: IdentityStore.Service, token?: string) =>
  store.dispatch("getUsersForAccount", { accountId: acme }, token)

describe("the store's answers, word for word", () => {
  it.effect("conflicts, a missing userId, and each not-found", () =>
    Effect.gen(function*() {
      const store = yield* seeded()
      const answers = yield* Effect.all([
        refused(
          store.dispatch("createClientKey", { accountId: acme, clientName: "ci", defaultRoleId: "r" }, undefined)
        ),
        refused(store.dispatch("createUserForAccount", { accountId: acme, userId: UserId.make("ada") }, undefined)),
        refused(store.dispatch("createUserForAccount", { accountId: acme }, undefined)),
        refused(store.dispatch("getClientKey", { accountId: acme, keyId: KeyId.make("k9") }, undefined)),
        refused(store.dispatch("deleteClientKey", { accountId: acme, keyId: KeyId.make("k9") }, undefined)),
        refused(store.dispatch("getUser", { accountId: acme, userId: UserId.make("eve") }, undefined)),
        refused(store.dispatch("updateUser", { accountId: acme, userId: UserId.make("eve") }, undefined))
      ])
      const notFound = (what: string) => ({
        tag: "NotFoundException",
        message: `${what} not found`,
        errorCode: "NOT_FOUND",
        drop: undefined,
        retryAfterMs: undefined
      })
      assert.deepStrictEqual(answers, [
        {
          tag: "ConflictException",
          message: "A key named \"ci\" already exists in account acme",
          errorCode: "KEY_NAME_EXISTS",
          drop: undefined,
          retryAfterMs: undefined
        },
        {
          tag: "ConflictException",
          message: "User ada already exists in account acme",
          errorCode: "USER_EXISTS",
          drop: undefined,
          retryAfterMs: undefined
        },
        {
          tag: "BadRequestException",
          message: "userId is required to invite a user",
          errorCode: "VALIDATION_ERROR",
          drop: undefined,
          retryAfterMs: undefined
        },
        notFound("Key k9"),
        notFound("Key k9"),
        notFound("User eve"),
        notFound("User eve")
      ])
      assert.strictEqual(
        yield* store.dispatch("deleteClientKey", { accountId: acme, keyId: KeyId.make("k1") }, undefined),
        "Key k1 deleted"
      )
    }))

  it.effect("a missing token and a wrong one are each a 401 that says which", () =>
    Effect.gen(function*() {
      const store = yield* seeded({ validTokens: ["tok"] })
      const unauthorized = (message: string) => ({
        tag: "UnauthorizedException",
        message,
        errorCode: "UNAUTHORIZED",
        drop: undefined,
        retryAfterMs: undefined
      })
      assert.deepStrictEqual(yield* refused(listUsers(store)), unauthorized("Missing bearer token"))
      assert.deepStrictEqual(yield* refused(listUsers(store, "nope")), unauthorized("Invalid bearer token"))
      assert.lengthOf(yield* listUsers(store, "tok"), 2)
    }))

  it.effect("a dropped call carries the drop, and an exception that says what was injected", () =>
    Effect.gen(function*() {
      const store = yield* seeded()
      const teapot = new InternalServerErrorException({ message: "given", errorCode: "MINE" })
      yield* store.injectFault({ drop: "reset" })
      yield* store.injectFault({ drop: "noAnswer" })
      yield* store.injectFault({ drop: "reset", fail: teapot })
      const drops = yield* Effect.all([refused(listUsers(store)), refused(listUsers(store)), refused(listUsers(store))])
      const injected = (drop: "reset" | "noAnswer", message: string) => ({
        tag: "InternalServerErrorException",
        message,
        errorCode: "INJECTED_DROP",
        drop,
        retryAfterMs: undefined
      })
      assert.deepStrictEqual(drops, [
        injected("reset", "Injected fault: the connection was reset"),
        injected("noAnswer", "Injected fault: no answer was sent"),
        { ...injected("reset", "given"), errorCode: "MINE" }
      ])
    }))
})

describe("lookups find the entry asked for, not the first one", () => {
  it.effect("of two keys, the second is read and deleted by its id", () =>
    Effect.gen(function*() {
      const store = yield* seeded()
      const second = yield* store.dispatch("getClientKey", { accountId: acme, keyId: KeyId.make("k2") }, undefined)
      assert.strictEqual(second.clientName, "deploy")
      yield* store.dispatch("deleteClientKey", { accountId: acme, keyId: KeyId.make("k2") }, undefined)
      assert.deepStrictEqual((yield* store.keys("acme")).map((key) => String(key.clientKeyId)), ["k1"])
    }))

  it.effect("of two users, the second is read and updated, and the first is left as it was", () =>
    Effect.gen(function*() {
      const store = yield* seeded()
      const bob = yield* store.dispatch("getUser", { accountId: acme, userId: UserId.make("bob") }, undefined)
      assert.deepStrictEqual(bob.roles, ["ops"])
      const updated = yield* store.dispatch(
        "updateUser",
        { accountId: acme, userId: UserId.make("bob"), roles: ["admin"] },
        undefined
      )
      assert.strictEqual(updated.userId, "bob")
      assert.deepStrictEqual(
        (yield* store.users("acme")).map((user) => [String(user.userId), user.roles]),
        [["ada", ["dev"]], ["bob", ["admin"]]]
      )
    }))

  it.effect("a PUT without roles or tags clears them", () =>
    Effect.gen(function*() {
      const store = yield* seeded()
      const ada = UserId.make("ada")
      yield* store.dispatch("updateUser", { accountId: acme, userId: ada, tags: { team: ["x"] } }, undefined)
      const cleared = yield* store.dispatch("updateUser", { accountId: acme, userId: ada }, undefined)
      assert.deepStrictEqual([cleared.roles, cleared.tags], [[], {}])
    }))

  it.effect("an invite without roles or tags starts with none, as the user is stored", () =>
    Effect.gen(function*() {
      const store = yield* seeded()
      const cy = yield* store.dispatch(
        "createUserForAccount",
        { accountId: acme, userId: UserId.make("cy") },
        undefined
      )
      assert.deepStrictEqual([cy.roles, cy.tags, cy.isAdmin, cy.isActive], [[], {}, false, false])
      assert.deepStrictEqual((yield* store.users("acme")).at(-1), cy)
    }))

  it.effect("an unknown account holds nothing", () =>
    Effect.gen(function*() {
      const store = yield* seeded()
      assert.deepStrictEqual(yield* store.keys("globex"), [])
      assert.deepStrictEqual(yield* store.users("globex"), [])
      assert.deepStrictEqual((yield* store.snapshot).map((a) => a.accountId), ["acme"])
    }))

  it.effect("a call on an unknown account, answered or refused, does not add the account", () =>
    Effect.gen(function*() {
      const store = yield* seeded()
      const globex = AccountId.make("globex")
      yield* store.dispatch("getClientKeyList", { accountId: globex }, undefined)
      yield* store.dispatch("getUsersForAccount", { accountId: globex }, undefined)
      yield* Effect.flip(store.dispatch("getClientKey", { accountId: globex, keyId: KeyId.make("k1") }, undefined))
      yield* Effect.flip(store.dispatch("deleteClientKey", { accountId: globex, keyId: KeyId.make("k1") }, undefined))
      yield* Effect.flip(store.dispatch("getUser", { accountId: globex, userId: UserId.make("ada") }, undefined))
      yield* Effect.flip(store.dispatch("updateUser", { accountId: globex, userId: UserId.make("ada") }, undefined))
      yield* Effect.flip(store.dispatch("createUserForAccount", { accountId: globex }, undefined))
      assert.deepStrictEqual((yield* store.snapshot).map((a) => a.accountId), ["acme"])
    }))

  it.effect("what the store creates carries its serviceId (svc-local unless given)", () =>
    Effect.gen(function*() {
      const create = (store: IdentityStore.Service) =>
        Effect.zipRight(
          store.dispatch("createUserForAccount", { accountId: acme, userId: UserId.make("cy") }, undefined),
          store.dispatch("createClientKey", { accountId: acme, clientName: "new", defaultRoleId: "r" }, undefined)
        )
      const serviceIds = (store: IdentityStore.Service) =>
        Effect.map(store.snapshot, (accounts) =>
          accounts.flatMap((a) => [...a.keys, ...a.users].map((entry) => entry.serviceId)))
      const plain = yield* seeded()
      yield* create(plain)
      assert.deepStrictEqual(yield* serviceIds(plain), Array(6).fill("svc-local"))
      const named = yield* seeded({ serviceId: "svc-x" })
      yield* create(named)
      assert.deepStrictEqual(yield* serviceIds(named), Array(6).fill("svc-x"))
    }))
})

describe("concurrent writes of one name: each is read, checked and written in one step", () => {
  const tally = (outcomes: ReadonlyArray<string>) =>
    outcomes.reduce<Record<string, number>>((counts, tag) => ({ ...counts, [tag]: (counts[tag] ?? 0) + 1 }), {})
  const race = <A>(call: Effect.Effect<A, IdentityStore.Rejection>) =>
    Effect.map(
      Effect.all(
        Array.from({ length: 50 }, () =>
          Effect.match(call, { onFailure: (r): string => r.exception._tag, onSuccess: () => "created" })),
        { concurrency: "unbounded" }
      ),
      tally
    ).pipe(
      // A fiber yields to the others only every 2,048 operations by default, so 50 short calls would
      // run one after another, and a store that reads, draws a key id, then writes would pass. Every
      // 64 operations interleaves them (a store without its one-step write lets all 50 create); far
      // fewer makes the scheduler crawl (16: seconds; 8: it never finishes).
      Effect.withMaxOpsBeforeYield(64)
    )

  it.effect("50 creates of one key name at once: one key is created, 49 are conflicts", () =>
    Effect.gen(function*() {
      const store = yield* seeded()
      const counts = yield* race(
        store.dispatch("createClientKey", { accountId: acme, clientName: "racer", defaultRoleId: "r" }, undefined)
      )
      assert.deepStrictEqual(counts, { created: 1, ConflictException: 49 })
      assert.lengthOf((yield* store.keys("acme")).filter((key) => key.clientName === "racer"), 1)
    }))

  it.effect("50 invites of one user at once: one user is created, 49 are conflicts", () =>
    Effect.gen(function*() {
      const store = yield* seeded()
      const counts = yield* race(
        store.dispatch("createUserForAccount", { accountId: acme, userId: UserId.make("cy") }, undefined)
      )
      assert.deepStrictEqual(counts, { created: 1, ConflictException: 49 })
      assert.lengthOf((yield* store.users("acme")).filter((user) => user.userId === "cy"), 1)
    }))
})

describe("the rate limit: a sliding one-second window", () => {
  it.effect("refuses the call over the limit with the wait until the oldest admitted call leaves the window", () =>
    Effect.gen(function*() {
      const store = yield* seeded({ rateLimit: 2 })
      yield* listUsers(store) // t = 0
      yield* TestClock.adjust("300 millis")
      yield* listUsers(store) // t = 300
      yield* TestClock.adjust("100 millis")
      assert.deepStrictEqual(yield* refused(listUsers(store)), {
        tag: "TooManyRequestsException",
        message: "Rate limit of 2 requests per second exceeded",
        errorCode: "RATE_LIMITED",
        drop: undefined,
        retryAfterMs: 600 // the call at t = 0 leaves the window at t = 1000
      })
      // a refused call takes no place in the window: at t = 1000 the call at 0 has left it
      yield* TestClock.adjust("600 millis")
      yield* listUsers(store)
      yield* TestClock.adjust("1 millis")
      assert.strictEqual((yield* refused(listUsers(store))).retryAfterMs, 299) // the call at 300 leaves at 1300
    }))
})

describe("given faults", () => {
  const fault = (message: string) => new ConflictException({ message })
  const outcome = (call: Effect.Effect<unknown, IdentityStore.Rejection>) =>
    Effect.match(call, { onFailure: (r) => r.exception.message, onSuccess: () => "ok" })

  it.effect("a fault meets the next `times` calls, then no more", () =>
    Effect.gen(function*() {
      const store = yield* seeded()
      yield* store.injectFault({ fail: fault("twice"), times: 2 })
      const outcomes = yield* Effect.all(Array.from({ length: 3 }, () => outcome(listUsers(store))))
      assert.deepStrictEqual(outcomes, ["twice", "twice", "ok"])
    }))

  it.effect("taking one fault leaves the others' counts as they were", () =>
    Effect.gen(function*() {
      const store = yield* seeded()
      yield* store.injectFault({ fail: fault("first"), times: 2 })
      yield* store.injectFault({ fail: fault("second"), times: 2 })
      const outcomes = yield* Effect.all(Array.from({ length: 5 }, () => outcome(listUsers(store))))
      assert.deepStrictEqual(outcomes, ["first", "first", "second", "second", "ok"])
    }))

  it.effect("`times` 0 or less injects nothing", () =>
    Effect.gen(function*() {
      const store = yield* seeded()
      yield* store.injectFault({ fail: fault("zero"), times: 0 })
      yield* store.injectFault({ fail: fault("negative"), times: -1 })
      assert.strictEqual(yield* outcome(listUsers(store)), "ok")
    }))

  it.effect("faults apply in the order given, each to its operation only", () =>
    Effect.gen(function*() {
      const store = yield* seeded()
      yield* store.injectFault({ fail: fault("for getUser"), operation: "getUser" })
      yield* store.injectFault({ fail: fault("first for any") })
      yield* store.injectFault({ fail: fault("second for any") })
      const getUser = store.dispatch("getUser", { accountId: acme, userId: UserId.make("ada") }, undefined)
      const outcomes = yield* Effect.all([outcome(listUsers(store)), outcome(listUsers(store)), outcome(getUser)])
      assert.deepStrictEqual(outcomes, ["first for any", "second for any", "for getUser"])
      assert.strictEqual(yield* outcome(getUser), "ok")
    }))

  it.effect("a 429 fault sends its Retry-After; a delay waits on the clock, then the call goes on", () =>
    Effect.gen(function*() {
      const store = yield* seeded()
      yield* store.injectFault({
        fail: new TooManyRequestsException({ message: "slow down" }),
        retryAfter: "2 seconds"
      })
      assert.strictEqual((yield* refused(listUsers(store))).retryAfterMs, 2000)
      yield* store.injectFault({ delay: "1 second" })
      const call = yield* Effect.fork(listUsers(store))
      yield* TestClock.adjust("999 millis")
      assert.isTrue(Option.isNone(yield* Fiber.poll(call)), "answered before its delay")
      yield* TestClock.adjust("1 millis")
      assert.lengthOf(yield* Fiber.join(call), 2)
      assert.deepStrictEqual(yield* store.firedFaults, { "before 429": 1, "before delay": 1 })
    }))

  it("IdentityStore.faultLabel names when a fault fires and what it does", () => {
    const boom = new InternalServerErrorException({ message: "x" })
    assert.deepStrictEqual(
      [
        IdentityStore.faultLabel({ fail: new TooManyRequestsException({ message: "x" }) }),
        IdentityStore.faultLabel({ when: "before", fail: new NotFoundException({ message: "x" }) }),
        IdentityStore.faultLabel({ when: "after", fail: boom }),
        IdentityStore.faultLabel({ when: "after", drop: "reset", fail: boom }),
        IdentityStore.faultLabel({ drop: "noAnswer" }),
        IdentityStore.faultLabel({ delay: "1 second" })
      ],
      ["before 429", "before 404", "after 500", "after reset", "before noAnswer", "before delay"]
    )
  })
})

describe("random faults", () => {
  const tags = (store: IdentityStore.Service, calls: number) =>
    Effect.all(
      Array.from({ length: calls }, () =>
        Effect.match(listUsers(store), { onFailure: (r) => r.exception._tag, onSuccess: () => "ok" }))
    )

  it.effect("with probability 1 every call meets one, drawn from the exceptions and the faults alike", () =>
    Effect.gen(function*() {
      const store = yield* seeded()
      const exceptions: ReadonlyArray<ApiException> = [new TooManyRequestsException({ message: "x" })]
      yield* store.setRandomFaults({ probability: 1, exceptions, faults: [{ fail: new ConflictException({}) }] })
      const seen = yield* tags(store, 200)
      assert.deepStrictEqual([...new Set(seen)].sort(), ["ConflictException", "TooManyRequestsException"])
      yield* store.setRandomFaults(undefined)
      assert.deepStrictEqual(new Set(yield* tags(store, 20)), new Set(["ok"]))
    }))

  it.effect("only the exceptions, or only the faults, when only they are given", () =>
    Effect.gen(function*() {
      const store = yield* seeded()
      yield* store.setRandomFaults({ probability: 1, faults: [{ fail: new InternalServerErrorException({}) }] })
      assert.deepStrictEqual(new Set(yield* tags(store, 20)), new Set(["InternalServerErrorException"]))
      yield* store.setRandomFaults({ probability: 1, exceptions: [new TooManyRequestsException({ message: "x" })] })
      assert.deepStrictEqual(new Set(yield* tags(store, 20)), new Set(["TooManyRequestsException"]))
    }))

  it.effect("with a probability in between, some calls meet one and some do not", () =>
    Effect.gen(function*() {
      const store = yield* seeded()
      yield* store.setRandomFaults({ probability: 0.5, faults: [{ fail: new ConflictException({}) }] })
      const seen = yield* tags(store, 200)
      const faulted = seen.filter((tag) => tag !== "ok").length
      assert.isTrue(faulted > 50 && faulted < 150, `${faulted} of 200 calls met a fault at probability 0.5`)
    }))
})

describe("recorded calls", () => {
  it.effect("maxCallRecords 0 (or less) keeps none", () =>
    Effect.gen(function*() {
      for (const maxCallRecords of [0, -5]) {
        const store = yield* seeded({ maxCallRecords })
        yield* listUsers(store)
        yield* listUsers(store)
        assert.deepStrictEqual(yield* store.calls, [], `maxCallRecords ${maxCallRecords}`)
      }
    }))

  it.effect("the latest calls are kept across many trims, oldest first", () =>
    Effect.gen(function*() {
      const store = yield* seeded({ maxCallRecords: 2 })
      for (let i = 0; i < 7; i++) {
        yield* store.dispatch("getUser", { accountId: acme, userId: UserId.make(`u${i}`) }, undefined).pipe(
          Effect.ignore
        )
      }
      assert.deepStrictEqual(
        (yield* store.calls).map((call) => call.input),
        [{ accountId: "acme", userId: "u5" }, { accountId: "acme", userId: "u6" }]
      )
    }))

  it.effect("a refused call is recorded with the exception it was refused with", () =>
    Effect.gen(function*() {
      const store = yield* seeded()
      yield* Effect.ignore(store.dispatch("getUser", { accountId: acme, userId: UserId.make("eve") }, undefined))
      const [record] = yield* store.calls
      assert.isTrue(record !== undefined && Exit.isFailure(record.outcome))
      if (record !== undefined && Exit.isFailure(record.outcome)) {
        const failure = Cause.failureOption(record.outcome.cause)
        assert.strictEqual(Option.getOrUndefined(failure)?.message, "User eve not found")
      }
    }))

  it.effect("each operation is recorded under its own name", () =>
    Effect.gen(function*() {
      const store = yield* seeded()
      const ops: ReadonlyArray<Operation> = ["getUsersForAccount", "getClientKeyList"]
      yield* listUsers(store)
      yield* store.dispatch("getClientKeyList", { accountId: acme }, undefined)
      assert.deepStrictEqual((yield* store.calls).map((call) => call.operation), ops)
    }))
})

describe("ids and messages", () => {
  it.effect("a new key's id is ck_ and 20 letters or digits", () =>
    Effect.gen(function*() {
      const store = yield* seeded()
      const key = yield* store.dispatch(
        "createClientKey",
        { accountId: acme, clientName: "new", defaultRoleId: "r" },
        undefined
      )
      assert.match(String(key.clientId), /^ck_[A-Za-z0-9]{20}$/)
    }))

  it.effect("a SeedError's message lists each issue on its own indented line", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        IdentityStore.make({ seed: { accounts: [{ accountId: "" }, { accountId: "" }] } })
      )
      assert.strictEqual(error.message, `invalid seed:\n${error.issues.map((issue) => `  ${issue}`).join("\n")}`)
      assert.isAbove(error.issues.length, 1)
    }))
})

describe("the Seed schema", () => {
  it("decodes a valid seed", () => {
    assert.isTrue(Either.isRight(Schema.decodeUnknownEither(Seed)({ accounts: [{ accountId: "a" }] })))
  })

  it("names itself in its errors", () => {
    const result = Schema.decodeUnknownEither(Seed)({ accounts: [{ accountId: "a" }, { accountId: "a" }] })
    assert.isTrue(Either.isLeft(result))
    if (Either.isLeft(result)) {
      const message = ParseResult.TreeFormatter.formatErrorSync(result.left)
      assert.isTrue(message.startsWith("Seed"), message)
    }
  })
})
