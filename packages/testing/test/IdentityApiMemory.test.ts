import { assert, describe, it } from "@effect/vitest"
import { IdentityApi, NotFoundException } from "@katanemo/client"
import {
  AccountId,
  BadRequestException,
  ConflictException,
  InternalServerErrorException,
  Issues,
  KeyId,
  TooManyRequestsException,
  UnauthorizedException,
  UserId
} from "@katanemo/models"
import { IdentityApiMemory, IdentityHttpFake, IdentityStore, Seed, SeedError } from "@katanemo/testing"
import * as Cause from "effect/Cause"
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FastCheck from "effect/FastCheck"
import * as Layer from "effect/Layer"
import * as Random from "effect/Random"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"

const acme = AccountId.make("acme")

describe("IdentityApiMemory", () => {
  it.effect("swaps in for the live layer: a program runs unchanged", () =>
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      const key = yield* identity.createClientKey({ accountId: acme, clientName: "ci-bot", defaultRoleId: "admin" })
      const keys = yield* identity.getClientKeyList({ accountId: acme })
      assert.deepStrictEqual(keys.map((k) => k.clientKeyId), [key.clientId])
    }).pipe(Effect.provide(IdentityApiMemory.layer())))

  it.effect("errors carry the call's context, as the live client's do", () =>
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      yield* identity.createClientKey({ accountId: acme, clientName: "ci-bot", defaultRoleId: "admin" })
      const conflict = yield* Effect.flip(
        identity.createClientKey({ accountId: acme, clientName: "ci-bot", defaultRoleId: "admin" })
      )
      assert.instanceOf(conflict, ConflictException)
      if (!(conflict instanceof ConflictException)) return
      assert.deepInclude(conflict, {
        operation: "createClientKey",
        method: "POST",
        path: "/org/acme/keys",
        status: 409,
        errorCode: "KEY_NAME_EXISTS"
      })
      const missing = yield* Effect.flip(identity.getUser({ accountId: acme, userId: UserId.make("a b") }))
      assert.instanceOf(missing, NotFoundException)
      assert.deepInclude(missing, { path: "/org/acme/user/a%20b", status: 404, message: "User a b not found" })
    }).pipe(Effect.provide(IdentityApiMemory.layer())))

  it.effect("raw calls answer what the server would send", () =>
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      const missing = yield* identity.raw.getClientKey({ accountId: acme, keyId: KeyId.make("nope") })
      assert.strictEqual(missing.status, 404)
      assert.deepStrictEqual(JSON.parse(missing.body), { message: "Key nope not found", errorCode: "NOT_FOUND" })
      const listed = yield* identity.raw.getClientKeyList({ accountId: acme })
      assert.strictEqual(listed.status, 200)
      assert.strictEqual(listed.body, "[]")
      assert.isString(listed.requestId)
    }).pipe(Effect.provide(IdentityApiMemory.layer())))

  it.effect("the store records each call with its input and outcome", () =>
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      const store = yield* IdentityStore
      yield* identity.createUserForAccount({ accountId: acme, userId: UserId.make("ada"), roles: ["dev"] })
      yield* Effect.either(identity.createUserForAccount({ accountId: acme, userId: UserId.make("ada") }))
      const calls = yield* store.calls
      assert.deepStrictEqual(calls.map((c) => c.operation), ["createUserForAccount", "createUserForAccount"])
      assert.deepStrictEqual(calls[0]?.input, { accountId: "acme", userId: "ada", roles: ["dev"] })
      assert.isTrue(calls[0] !== undefined && Exit.isSuccess(calls[0].outcome))
      const second = calls[1]?.outcome
      assert.isTrue(second !== undefined && Exit.isFailure(second))
      yield* store.clearCalls
      assert.lengthOf(yield* store.calls, 0)
    }).pipe(Effect.provide(IdentityApiMemory.layer())))

  it.effect("keeps only the latest maxCallRecords calls, so a long-running server stays bounded", () =>
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      const store = yield* IdentityStore
      for (let i = 0; i < 10; i++) yield* identity.getUsersForAccount({ accountId: AccountId.make(`a${i}`) })
      const calls = yield* store.calls
      assert.deepStrictEqual(calls.map((c) => c.input), [{ accountId: "a7" }, { accountId: "a8" }, { accountId: "a9" }])
    }).pipe(Effect.provide(IdentityApiMemory.layer({ maxCallRecords: 3 }))))

  it.effect("a fault on any operation applies to the next call, whatever it is", () =>
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      const store = yield* IdentityStore
      yield* store.injectFault({ fail: new ConflictException({ message: "injected" }), times: 1 })
      const error = yield* Effect.flip(identity.getUsersForAccount({ accountId: acme }))
      assert.strictEqual(error._tag, "ConflictException")
      yield* identity.getUsersForAccount({ accountId: acme })
      yield* store.injectFault({ fail: new ConflictException({ message: "never" }) })
      yield* store.clearFaults
      yield* identity.getUsersForAccount({ accountId: acme })
    }).pipe(Effect.provide(IdentityApiMemory.layer())))

  it.effect("the rate limit can be set and lifted while running", () =>
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      const store = yield* IdentityStore
      yield* store.setRateLimit(1)
      yield* identity.getUsersForAccount({ accountId: acme })
      assert.strictEqual(
        (yield* Effect.flip(identity.getUsersForAccount({ accountId: acme })))._tag,
        "TooManyRequestsException"
      )
      yield* store.setRateLimit(undefined)
      yield* identity.getUsersForAccount({ accountId: acme })
    }).pipe(Effect.provide(IdentityApiMemory.layer())))
})

describe("IdentityApiMemory's errors are the live client's", () => {
  const keyId = KeyId.make("k/1")
  const userId = UserId.make("ada@acme.example")
  /** Each exception once, each on another operation: every listed status, and a 404 where none is listed. */
  const faults = [
    ["createClientKey", new BadRequestException({ message: "bad", errorCode: "E400" })],
    ["getClientKeyList", new UnauthorizedException({ errorCode: "E401" })],
    ["getClientKey", new NotFoundException({ message: "gone", errorCode: "E404" })],
    ["createUserForAccount", new NotFoundException({ message: "gone" })],
    ["updateUser", new ConflictException({ message: "" })],
    ["getUsersForAccount", new TooManyRequestsException({ message: "slow" })],
    ["deleteClientKey", new InternalServerErrorException({})]
  ] as const

  /** The error of each fault's call, as a plain value (the request id aside: only a server makes one). */
  const failures = Effect.gen(function*() {
    const identity = yield* IdentityApi
    const store = yield* IdentityStore
    const calls: { readonly [K in (typeof faults)[number][0]]: Effect.Effect<unknown, Error> } = {
      createClientKey: identity.createClientKey({ accountId: acme, clientName: "ci", defaultRoleId: "admin" }),
      getClientKeyList: identity.getClientKeyList({ accountId: acme }),
      getClientKey: identity.getClientKey({ accountId: acme, keyId }),
      createUserForAccount: identity.createUserForAccount({ accountId: acme, userId }),
      updateUser: identity.updateUser({ accountId: acme, userId, roles: ["dev"] }),
      getUsersForAccount: identity.getUsersForAccount({ accountId: acme }),
      deleteClientKey: identity.deleteClientKey({ accountId: acme, keyId })
    }
    const out: Array<Record<string, unknown>> = []
    for (const [operation, exception] of faults) {
      yield* store.injectFault({ operation, fail: exception })
      const error = yield* Effect.flip(calls[operation])
      const fields = Object.entries(error).filter(([name]) => name !== "requestId")
      out.push({
        ...Object.fromEntries(fields),
        ...(Object.hasOwn(error, "message") ? { message: error.message } : {})
      })
    }
    return out
  })

  it.effect("each exception: its class, message, errorCode and the call's context, made without a wire", () =>
    Effect.gen(function*() {
      const memory = yield* Effect.provide(failures, IdentityApiMemory.layer())
      const live = yield* Effect.provide(failures, IdentityHttpFake.layerClient({ client: { maxRetries: 0 } }))
      assert.deepStrictEqual(memory, live)
      assert.deepStrictEqual(memory[3], {
        _tag: "UnexpectedStatusError",
        operation: "createUserForAccount",
        method: "POST",
        path: "/org/acme/user",
        status: 404,
        body: "{\"message\":\"gone\"}"
      })
      assert.deepStrictEqual(memory[2], {
        _tag: "NotFoundException",
        operation: "getClientKey",
        method: "GET",
        path: "/org/acme/key/k%2F1",
        status: 404,
        message: "gone",
        errorCode: "E404"
      })
      assert.deepStrictEqual(memory[4]?.["message"], "", "an empty message is still the exception's message")
      assert.notProperty(memory[1], "message", "no message: none made up")
    }))
})

describe("key ids", () => {
  // The store draws ids from Effect's Random. A fixed Random replays its values from the start, so
  // a store given a fresh one draws, as its first id, the id an earlier store drew first.
  const replay = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    Effect.withRandom(effect, Random.fixed([0, ...Array.from({ length: 60 }, (_, i) => i + 1)]))
  const create = (store: Context.Tag.Service<IdentityStore>, accountId: string) =>
    Effect.map(
      store.dispatch(
        "createClientKey",
        { accountId: AccountId.make(accountId), clientName: "new", defaultRoleId: "r" },
        undefined
      ),
      (key) => String(key.clientId)
    )
  const seededWith = (clientId: string) =>
    IdentityStore.make({ seed: { accounts: [{ accountId: "globex", keys: [{ clientId, clientName: "held" }] }] } })

  it.effect("a new key never takes an id another account's key holds", () =>
    Effect.gen(function*() {
      const first = yield* replay(Effect.flatMap(IdentityStore.make(), (store) => create(store, "acme")))
      const store = yield* seededWith(first)
      const second = yield* replay(create(store, "acme"))
      assert.notStrictEqual(second, first, "the store drew the held id again and kept it")
      assert.deepStrictEqual((yield* store.keys("globex")).map((key) => String(key.clientKeyId)), [first])
    }).pipe(Effect.orDie))

  it.effect("a new key never takes the id of a key the store created before", () =>
    Effect.gen(function*() {
      const store = yield* IdentityStore.make()
      const first = yield* replay(create(store, "acme"))
      const second = yield* replay(create(store, "globex"))
      assert.notStrictEqual(second, first, "the store issued one id twice")
    }).pipe(Effect.orDie))

  it.effect("a refused create takes no id: the next create is issued the id it would have been", () =>
    Effect.gen(function*() {
      const first = yield* replay(Effect.flatMap(IdentityStore.make(), (store) => create(store, "acme")))
      const store = yield* IdentityStore.make({
        seed: { accounts: [{ accountId: "acme", keys: [{ clientId: "k0", clientName: "new" }] }] }
      })
      const refused = yield* Effect.flip(replay(create(store, "acme")))
      assert.strictEqual(refused.exception._tag, "ConflictException")
      assert.strictEqual(yield* replay(create(store, "globex")), first, "the refused create kept the id it drew")
    }).pipe(Effect.orDie))

  it.effect("a deleted key's id is not issued again", () =>
    Effect.gen(function*() {
      const first = yield* replay(Effect.flatMap(IdentityStore.make(), (store) => create(store, "acme")))
      const store = yield* seededWith(first)
      yield* store.dispatch(
        "deleteClientKey",
        { accountId: AccountId.make("globex"), keyId: KeyId.make(first) },
        undefined
      )
      assert.notStrictEqual(yield* replay(create(store, "acme")), first, "the deleted key's id was issued again")
    }).pipe(Effect.orDie))
})

describe("seeding", () => {
  it.effect("defaults apply: keys active, users inactive, not admins, with no roles or tags", () =>
    Effect.gen(function*() {
      const store = yield* IdentityStore
      const [account] = yield* store.snapshot
      assert.strictEqual(account?.accountId, "acme")
      const key = account?.keys[0]
      assert.deepStrictEqual([key?.clientKeyId, key?.isActive, key?.roles, key?.serviceId], [
        "k1",
        true,
        [],
        "svc-local"
      ])
      const user = account?.users[0]
      assert.deepStrictEqual([user?.userId, user?.isActive, user?.isAdmin, user?.roles, user?.tags], [
        "ada",
        false,
        false,
        [],
        {}
      ])
    }).pipe(Effect.provide(IdentityStore.layer({
      seed: {
        accounts: [{ accountId: "acme", keys: [{ clientId: "k1", clientName: "one" }], users: [{ userId: "ada" }] }]
      }
    }))))

  it.effect("a seeded user's token is served as the user's token, a Redacted, in memory and over the wire", () =>
    Effect.gen(function*() {
      const seed = {
        accounts: [{ accountId: "acme", users: [{ userId: "grace", token: "utok_grace_0123" }, { userId: "ada" }] }]
      }
      const grace = UserId.make("grace")
      for (const layer of [IdentityApiMemory.layer({ seed }), IdentityHttpFake.layerClient({ seed })]) {
        const tokens = yield* Effect.gen(function*() {
          const identity = yield* IdentityApi
          const got = yield* identity.getUser({ accountId: acme, userId: grace })
          const updated = yield* identity.updateUser({ accountId: acme, userId: grace, roles: ["dev"] })
          const listed = yield* identity.getUsersForAccount({ accountId: acme })
          const invited = yield* identity.createUserForAccount({ accountId: acme, userId: UserId.make("lin") })
          assert.strictEqual(String(got.token), "<redacted>")
          return [got, updated, ...listed, invited].map((user) =>
            user.token === undefined ? "none" : Redacted.value(user.token)
          )
        }).pipe(Effect.provide(layer))
        // an invite issues none: the contract has the invited user verify an email and set a
        // password, so the inviter is not handed the new user's token
        assert.deepStrictEqual(tokens, ["utok_grace_0123", "utok_grace_0123", "utok_grace_0123", "none", "none"])
      }
    }))

  it.effect("a seeded user's token may not be empty", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        IdentityStore.decodeSeed({ accounts: [{ accountId: "a", users: [{ userId: "u", token: "" }] }] })
      )
      assert.match(error.message, /accounts\[0\]\.users\[0\]\.token: Expected a non empty string/)
    }))

  const bad: ReadonlyArray<readonly [string, unknown, RegExp]> = [
    ["a duplicate key name", {
      accounts: [{
        accountId: "acme",
        keys: [{ clientId: "k1", clientName: "x" }, { clientId: "k2", clientName: "x" }]
      }]
    }, /accounts\[0\]\.keys\[1\]\.clientName: duplicate clientName "x"/],
    [
      "a duplicate user",
      { accounts: [{ accountId: "a", users: [{ userId: "u" }, { userId: "u" }] }] },
      /accounts\[0\]\.users\[1\]\.userId/
    ],
    ["a duplicate account", { accounts: [{ accountId: "a" }, { accountId: "a" }] }, /accounts\[1\]\.accountId/],
    [
      "an empty clientId",
      { accounts: [{ accountId: "a", keys: [{ clientId: "", clientName: "x" }] }] },
      /^invalid seed:\n  accounts\[0\]\.keys\[0\]\.clientId: Expected a non-empty key id, actual ""$/
    ],
    [
      "roles that are not strings",
      { accounts: [{ accountId: "a", users: [{ userId: "u", roles: [1] }] }] },
      /accounts\[0\]\.users\[0\]\.roles\[0\]: Expected string, actual 1/
    ]
  ]
  for (const [what, seed, message] of bad) {
    it.effect(`a seed with ${what} fails to decode, naming the entry`, () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(IdentityStore.decodeSeed(seed))
        assert.match(error.message, message)
      }))
  }

  it.effect("building a store from a bad seed fails with the same error", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        IdentityStore.make({ seed: { accounts: [{ accountId: "a" }, { accountId: "a" }] } })
      )
      assert.match(error.message, /accounts\[1\]\.accountId: duplicate account "a"/)
    }))

  it.effect("a bad seed fails IdentityApiMemory.layer with a SeedError in its error channel, not a defect", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(Effect.scoped(Layer.build(IdentityApiMemory.layer({
        seed: { accounts: [{ accountId: "a" }, { accountId: "a" }] }
      }))))
      assert.isTrue(Exit.isFailure(exit) && Cause.isFailType(exit.cause), `a typed failure, not ${String(exit)}`)
      const error = yield* Effect.flip(exit)
      assert.strictEqual(error._tag, "SeedError")
      assert.deepStrictEqual(error.issues, ["accounts[1].accountId: duplicate account \"a\""])
    }))

  it("SeedError is a Schema.TaggedError: it encodes and decodes, and keeps its message", () => {
    const error = new SeedError({ issues: ["accounts[0].accountId: duplicate account \"a\""] })
    const encoded = Schema.encodeSync(SeedError)(error)
    assert.deepStrictEqual(encoded, { _tag: "SeedError", issues: ["accounts[0].accountId: duplicate account \"a\""] })
    const decoded = Schema.decodeUnknownSync(SeedError)(encoded)
    assert.instanceOf(decoded, SeedError)
    assert.strictEqual(decoded.message, "invalid seed:\n  accounts[0].accountId: duplicate account \"a\"")
    assert.throws(() => Schema.decodeUnknownSync(SeedError)({ _tag: "SeedError", issues: [1] }))
  })

  it.effect("every problem of a seed shows in one go: the schema's and the rules' together", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Effect.scoped(Layer.build(IdentityApiMemory.layer({
        seed: {
          accounts: [
            {
              accountId: "acme",
              keys: [{ clientId: "k1", clientName: "x" }, { clientId: "k2", clientName: "x" }, {
                clientId: "k1",
                clientName: "y"
              }],
              users: [{ userId: "" }, { userId: "u" }, { userId: "u" }]
            },
            { accountId: "acme", keys: [{ clientId: "", clientName: "" }] }
          ]
        }
      }))))
      assert.deepStrictEqual(error.issues, [
        "accounts[0].keys[1].clientName: duplicate clientName \"x\"",
        "accounts[0].keys[2].clientId: duplicate key \"k1\"",
        "accounts[0].users[0].userId: Expected a non-empty user id (usually an email address), actual \"\"",
        "accounts[0].users[2].userId: duplicate user \"u\"",
        "accounts[1].accountId: duplicate account \"acme\"",
        "accounts[1].keys[0].clientId: Expected a non-empty key id, actual \"\"",
        "accounts[1].keys[0].clientName: Expected a non empty string, actual \"\""
      ])
    }))

  it.effect("the Seed schema on its own reports every broken rule, with its path", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Schema.decodeUnknown(Seed, { errors: "all" })({
          accounts: [{ accountId: "a", keys: [{ clientId: "k", clientName: "x" }, { clientId: "k", clientName: "x" }] }]
        })
      )
      assert.deepStrictEqual(Issues.issues(error), [
        "accounts[0].keys[1].clientId: duplicate key \"k\"",
        "accounts[0].keys[1].clientName: duplicate clientName \"x\""
      ])
    }))

  const deepArray = (depth: number): unknown => {
    let value: unknown = []
    for (let i = 0; i < depth; i++) value = [value]
    return value
  }
  const deepObject = (depth: number): unknown => {
    let value: unknown = {}
    for (let i = 0; i < depth; i++) value = { accounts: value, keys: value }
    return value
  }

  /** A SeedError with short lines, or a valid seed: never a defect. */
  const typedOutcome = (seed: unknown) =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(IdentityStore.decodeSeed(seed))
      if (Exit.isSuccess(exit)) return "valid"
      assert.isTrue(Cause.isFailType(exit.cause), `a SeedError, not ${Cause.pretty(exit.cause).slice(0, 300)}`)
      const error = yield* Effect.flip(exit)
      assert.isAbove(error.issues.length, 0)
      for (const line of error.issues) assert.isAtMost(line.length, 500)
      return error.issues.join("\n")
    })

  it.effect("hostile seeds are a SeedError: deep nesting, huge strings, wrong types", () =>
    Effect.gen(function*() {
      const huge = "x".repeat(10_000_000)
      // the value is quoted cut short (models' Issues bounds what a message quotes)
      assert.strictEqual(
        yield* typedOutcome({ accounts: deepArray(100_000) }),
        "accounts[0]: Expected Struct (Encoded side), actual [[[[[…]]]]]"
      )
      assert.match(yield* typedOutcome(deepObject(100_000)), /^accounts: Expected /)
      assert.match(
        yield* typedOutcome({ accounts: [{ accountId: "a", users: [{ userId: "u", roles: [deepArray(100_000)] }] }] }),
        /^accounts\[0\]\.users\[0\]\.roles\[0\]: Expected string/
      )
      assert.match(
        yield* typedOutcome({ accounts: [{ accountId: huge }, { accountId: huge }, { accountId: 1n, keys: huge }] }),
        /^accounts\[1\]\.accountId: duplicate account "xxx+…\naccounts\[2\]\.accountId: Expected string, actual 1n/
      )
      assert.strictEqual(
        yield* typedOutcome({ accounts: [{ accountId: "a", keys: [{ clientId: "k", clientName: huge }] }] }),
        "valid"
      )
      const proto: unknown = JSON.parse(
        `{"__proto__": {"accounts": 1}, "accounts": [{"accountId": "a", "__proto__": []}]}`
      )
      assert.strictEqual(yield* typedOutcome(proto), "valid")
      const getter = Object.defineProperty({}, "accounts", {
        enumerable: true,
        get: () => {
          throw new Error("no")
        }
      })
      assert.match(yield* typedOutcome(getter), /could not be read/)
      for (const wrong of [null, undefined, 1, "seed", [], true, () => 1, Symbol("s"), new Map(), { accounts: {} }]) {
        yield* typedOutcome(wrong)
      }
    }))

  const anything = FastCheck.anything({
    maxDepth: 6,
    withBigInt: true,
    withBoxedValues: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withObjectString: true,
    withSparseArray: true,
    withTypedArray: true,
    withDate: true
  })
  /** Anything, or nesting deep enough to overflow a recursive walk, or a long string. */
  const hostile = FastCheck.oneof(
    anything,
    FastCheck.integer({ min: 20_000, max: 50_000 }).map(deepArray),
    FastCheck.integer({ min: 20_000, max: 50_000 }).map(deepObject),
    FastCheck.integer({ min: 0, max: 100_000 }).map((n) => "x".repeat(n))
  )
  const nearlySeed = FastCheck.record({
    accounts: FastCheck.oneof(
      hostile,
      FastCheck.array(FastCheck.record({
        accountId: FastCheck.oneof(FastCheck.constantFrom("a", "b", ""), hostile),
        keys: FastCheck.oneof(
          hostile,
          FastCheck.array(FastCheck.record({
            clientId: FastCheck.oneof(FastCheck.constantFrom("k1", "k2", ""), hostile),
            clientName: FastCheck.oneof(FastCheck.constantFrom("x", "y", ""), hostile),
            roles: hostile
          }, { requiredKeys: [] }))
        ),
        users: FastCheck.oneof(
          hostile,
          FastCheck.array(FastCheck.record({
            userId: FastCheck.oneof(FastCheck.constantFrom("u", "v", ""), hostile),
            tags: hostile,
            isAdmin: hostile
          }, { requiredKeys: [] }))
        )
      }, { requiredKeys: [] }))
    )
  }, { requiredKeys: [] })

  it.effect("generated hostile seeds: always a valid seed or a SeedError, never a defect", () =>
    Effect.sync(() =>
      FastCheck.assert(
        FastCheck.property(FastCheck.oneof(hostile, nearlySeed), (seed) => {
          Effect.runSync(typedOutcome(seed))
        }),
        { numRuns: 100 }
      )
    ))
})
