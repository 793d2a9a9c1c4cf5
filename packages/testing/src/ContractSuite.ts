/**
 * The contract suite: the rules of the Katanemo Identity API as executable cases, written once
 * and run against any target that provides `IdentityApi` and the `IdentityStore` behind it: the
 * in-memory layer, the live client over the wire-level fake, the live client against the local
 * API server over a real socket, or a fake of your own.
 *
 * Cases are plain Effects (no test framework): each fails with a {@link ContractViolation} when
 * a rule does not hold. They expect a `TestClock` (run them with `@effect/vitest`'s `it.effect`)
 * and a client that does not retry, so that every target is observed one attempt at a time.
 *
 * @since 0.1.0
 */
import { IdentityApi } from "@katanemo/client"
import { AccountId, InternalServerErrorException, KeyId, TooManyRequestsException, UserId } from "@katanemo/models"
import * as Chunk from "effect/Chunk"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import * as TestServices from "effect/TestServices"
import { IdentityStore, type Options as StoreOptions } from "./IdentityStore.js"

/**
 * A rule that did not hold.
 *
 * @since 0.1.0
 * @category errors
 */
export class ContractViolation extends Data.TaggedError("ContractViolation")<{ readonly message: string }> {}

/**
 * What a target needs to know to set up a case: the store's options and the token its client
 * sends.
 *
 * @since 0.1.0
 * @category models
 */
export interface TargetOptions extends StoreOptions {
  readonly token?: Redacted.Redacted<string> | undefined
}

/**
 * One rule.
 *
 * @since 0.1.0
 * @category models
 */
export interface Case {
  readonly name: string
  readonly options: TargetOptions
  readonly run: Effect.Effect<void, unknown, IdentityApi | IdentityStore>
}

const check = (condition: boolean, message: string): Effect.Effect<void, ContractViolation> =>
  condition ? Effect.void : Effect.fail(new ContractViolation({ message }))

const equal = <A>(actual: A, expected: A, what: string): Effect.Effect<void, ContractViolation> =>
  check(
    JSON.stringify(actual) === JSON.stringify(expected),
    `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`
  )

/** Runs `effect`, which must fail with the tag `tag`; answers the error. */
const failsWith = <A, E extends { readonly _tag: string }, R>(
  effect: Effect.Effect<A, E, R>,
  tag: E["_tag"],
  what: string
): Effect.Effect<E, ContractViolation, R> =>
  Effect.matchEffect(effect, {
    onSuccess: (value) =>
      Effect.fail(new ContractViolation({ message: `${what}: expected ${tag}, got success ${JSON.stringify(value)}` })),
    onFailure: (error) =>
      error._tag === tag
        ? Effect.succeed(error)
        : Effect.fail(new ContractViolation({ message: `${what}: expected ${tag}, got ${error._tag}` }))
  })

const acme = AccountId.make("acme")
const globex = AccountId.make("globex")
const ada = UserId.make("ada@acme.example")
const bob = UserId.make("bob@acme.example")

const make = (name: string, run: Case["run"], options: TargetOptions = {}): Case => ({ name, options, run })

/**
 * Waits, in real time, until a fiber sleeps on the `TestClock` until `millis` from now (a delayed
 * answer, on whichever side of the wire; a client's own timeout watch ends elsewhere).
 */
const awaitSleepUntil = (millis: number) =>
  Effect.gen(function*() {
    const until = (yield* TestClock.currentTimeMillis) + millis
    while (!Chunk.some(yield* TestClock.sleeps(), (at) => at === until)) {
      yield* TestServices.provideLive(Effect.sleep("2 millis"))
    }
  })

/**
 * The cases.
 *
 * @since 0.1.0
 * @category cases
 */
export const cases: ReadonlyArray<Case> = [
  make(
    "keys: create answers a random, unique clientId and clientSecret",
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      const a = yield* identity.createClientKey({ accountId: acme, clientName: "a", defaultRoleId: "admin" })
      const b = yield* identity.createClientKey({ accountId: acme, clientName: "b", defaultRoleId: "admin" })
      yield* check(a.clientId !== undefined && b.clientId !== undefined && a.clientId !== b.clientId, "distinct ids")
      const secret = (key: typeof a) => (key.clientSecret === undefined ? "" : Redacted.value(key.clientSecret))
      yield* check(secret(a).length >= 16 && secret(b).length >= 16, "secrets of 16 characters or more")
      yield* check(secret(a) !== secret(b), "distinct secrets")
    })
  ),

  make(
    "keys: a created key is listed and read as a ClientKeyObject",
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      const created = yield* identity.createClientKey({
        accountId: acme,
        clientName: "ci-bot",
        defaultRoleId: "deployer"
      })
      const keyId = KeyId.make(created.clientId ?? "")
      const listed = yield* identity.getClientKeyList({ accountId: acme })
      yield* equal(listed.map((k) => k.clientKeyId), [keyId], "the list holds the key")
      const key = yield* identity.getClientKey({ accountId: acme, keyId })
      yield* equal(
        [key.clientKeyId, key.clientName, key.roles, key.isActive, key.accountId],
        [keyId, "ci-bot", ["deployer"], true, "acme"],
        "the key's fields"
      )
      yield* check(typeof key.serviceId === "string" && key.serviceId !== "", "the key has a serviceId")
    })
  ),

  make(
    "keys: a second key with the same name in the account is a ConflictException",
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      yield* identity.createClientKey({ accountId: acme, clientName: "ci-bot", defaultRoleId: "admin" })
      yield* failsWith(
        identity.createClientKey({ accountId: acme, clientName: "ci-bot", defaultRoleId: "viewer" }),
        "ConflictException",
        "duplicate name"
      )
      yield* identity.createClientKey({ accountId: globex, clientName: "ci-bot", defaultRoleId: "admin" })
      yield* equal((yield* identity.getClientKeyList({ accountId: acme })).length, 1, "acme still has one key")
    })
  ),

  make(
    "keys: reading or deleting an unknown key is a NotFoundException",
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      const keyId = KeyId.make("ck_missing")
      yield* failsWith(identity.getClientKey({ accountId: acme, keyId }), "NotFoundException", "get")
      yield* failsWith(identity.deleteClientKey({ accountId: acme, keyId }), "NotFoundException", "delete")
    })
  ),

  make(
    "keys: delete answers a confirmation and the key leaves the list",
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      const created = yield* identity.createClientKey({ accountId: acme, clientName: "old", defaultRoleId: "admin" })
      const kept = yield* identity.createClientKey({ accountId: acme, clientName: "new", defaultRoleId: "admin" })
      const keyId = KeyId.make(created.clientId ?? "")
      const confirmation = yield* identity.deleteClientKey({ accountId: acme, keyId })
      yield* check(confirmation.includes(keyId), `the confirmation names the key: ${confirmation}`)
      yield* equal(
        (yield* identity.getClientKeyList({ accountId: acme })).map((k) => k.clientKeyId),
        [kept.clientId],
        "list"
      )
      yield* failsWith(identity.getClientKey({ accountId: acme, keyId }), "NotFoundException", "get after delete")
    })
  ),

  make(
    "users: an invite without a userId is a BadRequestException naming the field",
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      const error = yield* failsWith(
        identity.createUserForAccount({ accountId: acme }),
        "BadRequestException",
        "no userId"
      )
      yield* check(error.message.includes("userId"), `the message names userId: ${error.message}`)
    })
  ),

  make(
    "users: a new user is inactive and not an admin, with the given roles and tags",
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      const user = yield* identity.createUserForAccount({
        accountId: acme,
        userId: ada,
        roles: ["developer"],
        tags: { team: ["platform"] }
      })
      yield* equal(
        [user.accountId, user.userId, user.isActive, user.isAdmin, user.roles, user.tags],
        ["acme", ada, false, false, ["developer"], { team: ["platform"] }],
        "the invited user"
      )
      yield* equal((yield* identity.getUser({ accountId: acme, userId: ada })).userId, ada, "get")
    })
  ),

  make(
    "users: inviting an existing user is a ConflictException",
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      yield* identity.createUserForAccount({ accountId: acme, userId: ada })
      yield* failsWith(identity.createUserForAccount({ accountId: acme, userId: ada }), "ConflictException", "again")
    })
  ),

  make(
    "users: update replaces roles and tags and keeps the rest",
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      const before = yield* identity.getUser({ accountId: acme, userId: ada })
      const after = yield* identity.updateUser({
        accountId: acme,
        userId: ada,
        roles: ["admin"],
        tags: { team: ["sre"] }
      })
      yield* equal([after.roles, after.tags], [["admin"], { team: ["sre"] }], "replaced")
      yield* equal(
        [after.userId, after.isActive, after.isAdmin, after.serviceId],
        [before.userId, before.isActive, before.isAdmin, before.serviceId],
        "kept"
      )
      yield* equal((yield* identity.getUser({ accountId: acme, userId: ada })).roles, ["admin"], "read back")
    }),
    {
      seed: {
        accounts: [{
          accountId: "acme",
          users: [{ userId: "ada@acme.example", isActive: true, isAdmin: true, roles: ["viewer"], tags: { a: ["b"] } }]
        }]
      }
    }
  ),

  make(
    "users: reading or updating an unknown user is a NotFoundException",
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      yield* failsWith(identity.getUser({ accountId: acme, userId: bob }), "NotFoundException", "get")
      yield* failsWith(identity.updateUser({ accountId: acme, userId: bob, roles: [] }), "NotFoundException", "update")
    })
  ),

  make(
    "lists: per account, in creation order; accounts are isolated",
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      for (const name of ["k3", "k1", "k2"]) {
        yield* identity.createClientKey({ accountId: acme, clientName: name, defaultRoleId: "r" })
      }
      for (const userId of [bob, ada]) yield* identity.createUserForAccount({ accountId: acme, userId })
      yield* identity.createUserForAccount({ accountId: globex, userId: ada })
      yield* equal(
        (yield* identity.getClientKeyList({ accountId: acme })).map((k) => k.clientName),
        ["k3", "k1", "k2"],
        "keys"
      )
      yield* equal((yield* identity.getUsersForAccount({ accountId: acme })).map((u) => u.userId), [bob, ada], "users")
      yield* equal((yield* identity.getClientKeyList({ accountId: globex })).length, 0, "globex has no keys")
      yield* equal(
        (yield* identity.getUsersForAccount({ accountId: globex })).map((u) => u.userId),
        [ada],
        "globex users"
      )
    })
  ),

  make(
    "auth: with valid tokens configured, a call without one is an UnauthorizedException",
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      yield* failsWith(identity.getClientKeyList({ accountId: acme }), "UnauthorizedException", "no token")
    }),
    { validTokens: ["tok_good"] }
  ),

  make(
    "auth: a wrong token is an UnauthorizedException",
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      yield* failsWith(identity.getUsersForAccount({ accountId: acme }), "UnauthorizedException", "wrong token")
    }),
    { validTokens: ["tok_good"], token: Redacted.make("tok_bad") }
  ),

  make(
    "auth: a valid token is accepted",
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      yield* identity.createClientKey({ accountId: acme, clientName: "ok", defaultRoleId: "r" })
    }),
    { validTokens: ["tok_good"], token: Redacted.make("tok_good") }
  ),

  make(
    "validation: bad input is an InvalidRequestError naming the field, and reaches nothing",
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      const store = yield* IdentityStore
      const error = yield* failsWith(
        identity.createClientKey({ accountId: acme, clientName: "", defaultRoleId: "admin" }),
        "InvalidRequestError",
        "empty clientName"
      )
      yield* check(error.message.includes("clientName"), `the message names clientName: ${error.message}`)
      yield* equal((yield* store.calls).length, 0, "no call reached the store")
    })
  ),

  make(
    "seeding and inspection: seeded data is served; calls are recorded with their outcome",
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      const store = yield* IdentityStore
      const keys = yield* identity.getClientKeyList({ accountId: acme })
      yield* equal(
        keys.map((k) => [k.clientKeyId, k.clientName, k.roles]),
        [["ck_seeded", "seeded", ["admin"]]],
        "keys"
      )
      yield* Effect.either(identity.getUser({ accountId: acme, userId: bob }))
      const calls = yield* store.calls
      yield* equal(calls.map((c) => [c.operation, c.outcome._tag]), [["getClientKeyList", "Success"], [
        "getUser",
        "Failure"
      ]], "the calls")
      yield* equal((yield* store.keys("acme")).length, 1, "the store's keys")
    }),
    {
      seed: {
        accounts: [{ accountId: "acme", keys: [{ clientId: "ck_seeded", clientName: "seeded", roles: ["admin"] }] }]
      }
    }
  ),

  make(
    "faults: the next N calls of an operation fail with the given exception",
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      const store = yield* IdentityStore
      yield* store.injectFault({
        operation: "getClientKeyList",
        times: 2,
        fail: new InternalServerErrorException({ message: "injected" })
      })
      yield* failsWith(identity.getClientKeyList({ accountId: acme }), "InternalServerErrorException", "first")
      yield* identity.getUsersForAccount({ accountId: acme })
      yield* failsWith(identity.getClientKeyList({ accountId: acme }), "InternalServerErrorException", "second")
      yield* identity.getClientKeyList({ accountId: acme })
    })
  ),

  make(
    "faults: a delay holds the answer until the clock has moved",
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      const store = yield* IdentityStore
      yield* store.injectFault({ delay: "5 seconds" })
      const fiber = yield* Effect.fork(identity.getUsersForAccount({ accountId: acme }))
      yield* awaitSleepUntil(5000)
      yield* TestClock.adjust("4 seconds")
      yield* check((yield* Fiber.poll(fiber))._tag === "None", "still waiting after 4 s")
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(fiber)
    })
  ),

  make(
    "faults: beyond R calls per second, TooManyRequestsException",
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      for (let i = 0; i < 3; i++) yield* identity.getClientKeyList({ accountId: acme })
      const error = yield* failsWith(identity.getClientKeyList({ accountId: acme }), "TooManyRequestsException", "4th")
      yield* check(error instanceof TooManyRequestsException, "the exception's class")
      yield* TestClock.adjust("1 second")
      yield* identity.getClientKeyList({ accountId: acme })
    }),
    { rateLimit: 3 }
  )
]
