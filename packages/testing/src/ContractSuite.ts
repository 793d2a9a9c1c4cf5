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
 * A few rules can only be broken on the wire (a body whose `accountId` disagrees with its path:
 * the typed client always sends the two equal), so a target also provides a {@link Wire}: raw
 * requests to the same server ({@link layerWire}), or, for a target without a wire such as the
 * in-memory layer, to the server's handler over the same store ({@link layerWireInProcess}).
 *
 * @since 0.1.0
 */
import { IdentityApi, type Operation, Transport } from "@katanemo/client"
import { AccountId, InternalServerErrorException, KeyId, TooManyRequestsException, UserId } from "@katanemo/models"
import * as Chunk from "effect/Chunk"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import * as TestServices from "effect/TestServices"
import * as IdentityServer from "./IdentityServer.js"
import { IdentityStore } from "./IdentityStore.js"

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
export interface TargetOptions extends IdentityStore.Options {
  readonly token?: Redacted.Redacted<string> | undefined
}

/**
 * A raw request: a method, a path (percent-encoded as it goes on the wire), and a body, sent as
 * JSON text when given.
 *
 * @since 0.1.0
 * @category wire
 */
export interface WireRequest {
  readonly method: "GET" | "POST" | "PUT" | "DELETE"
  readonly path: string
  readonly body?: unknown
}

/**
 * A raw answer: the status and the body text.
 *
 * @since 0.1.0
 * @category wire
 */
export interface WireResponse {
  readonly status: number
  readonly body: string
}

/**
 * Raw requests to a target, for the rules only the wire can break. They carry no token (the cases
 * that send them run without `validTokens`). A transport failure is a defect: a case cannot go on
 * without the answer.
 *
 * @since 0.1.0
 * @category wire
 */
export class Wire extends Context.Tag("@katanemo/testing/ContractSuite/Wire")<Wire, {
  readonly send: (request: WireRequest) => Effect.Effect<WireResponse>
}>() {}

/** What a raw answer may weigh, and how long it may take: far beyond any the suite asks for. */
const wireMaxResponseBytes = 16 * 1024 * 1024
const wireTimeoutMillis = 60_000

/**
 * A {@link Wire} that sends each request to `baseUrl` through the `Transport` in context: the
 * one the target's client uses (`HttpClientTransport` over `IdentityHttpFake.layer()`, or any
 * transport to a server on a socket), so the raw requests take the same way as the client's.
 *
 * @since 0.1.0
 * @category wire
 */
export const layerWire = (baseUrl: string): Layer.Layer<Wire, never, Transport> =>
  Layer.effect(
    Wire,
    Effect.map(Transport, (transport) => {
      const url = new URL(baseUrl)
      const prefix = url.pathname.replace(/\/+$/, "")
      return Wire.of({
        send: ({ body, method, path }) =>
          transport.send({
            method,
            origin: url.origin,
            path: `${prefix}${path}`,
            headers: body === undefined ? {} : { "content-type": "application/json" },
            body: body === undefined ? undefined : JSON.stringify(body),
            maxResponseBytes: wireMaxResponseBytes,
            timeoutMillis: wireTimeoutMillis,
            span: undefined
          }).pipe(
            Effect.map(({ body, status }) => ({ status, body })),
            Effect.orDieWith((failure) => new Error(`the wire: ${failure.reason}`, { cause: failure.cause }))
          )
      })
    })
  )

/**
 * A {@link Wire} for a target that has none (the in-memory layer): each request goes to the
 * server's handler, `IdentityServer.handle`, over the `IdentityStore` in context, which is what
 * that store would answer behind a wire.
 *
 * @since 0.1.0
 * @category wire
 */
export const layerWireInProcess: Layer.Layer<Wire, never, IdentityStore> = Layer.effect(
  Wire,
  Effect.map(IdentityStore, (store) =>
    Wire.of({
      send: ({ body, method, path }) =>
        IdentityServer.handle({
          method,
          url: path,
          headers: body === undefined ? {} : { "content-type": "application/json" },
          body: body === undefined ? "" : JSON.stringify(body)
        }).pipe(
          Effect.map(({ body, status }) => ({ status, body })),
          Effect.provideService(IdentityStore, store)
        )
    }))
)

/**
 * One rule.
 *
 * @since 0.1.0
 * @category models
 */
export interface Case {
  readonly name: string
  readonly options: TargetOptions
  readonly run: Effect.Effect<void, unknown, IdentityApi | IdentityStore | Wire>
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

/** acme with one key (which can be exchanged for a token) and one user, for the auth cases. */
const seededKey = KeyId.make("ck_seeded")
const seededSecret = "cs_seeded_development_secret"
const authSeed: TargetOptions["seed"] = {
  accounts: [{
    accountId: "acme",
    keys: [{ clientId: seededKey, clientName: "seeded", roles: ["admin"], clientSecret: seededSecret }],
    users: [{ userId: ada, roles: ["viewer"] }]
  }]
}

/** Call options that carry `token` as the call's bearer token, whatever the client's own. */
const withBearer = (token: string): IdentityApi.CallOptions => ({ headers: { authorization: `Bearer ${token}` } })

/** Every operation once, in an order in which each succeeds on {@link authSeed}. */
const everyOperation = (
  identity: IdentityApi.Service
): { readonly [K in Operation]: Effect.Effect<unknown, { readonly _tag: string }> } => ({
  createClientKey: identity.createClientKey({ accountId: acme, clientName: "new", defaultRoleId: "admin" }),
  getClientKeyList: identity.getClientKeyList({ accountId: acme }),
  getClientKey: identity.getClientKey({ accountId: acme, keyId: seededKey }),
  getShortTermToken: identity.getShortTermToken({ clientId: seededKey, clientSecret: Redacted.make(seededSecret) }),
  deleteClientKey: identity.deleteClientKey({ accountId: acme, keyId: seededKey }),
  createUserForAccount: identity.createUserForAccount({ accountId: acme, userId: bob }),
  getUsersForAccount: identity.getUsersForAccount({ accountId: acme }),
  getUser: identity.getUser({ accountId: acme, userId: ada }),
  updateUser: identity.updateUser({ accountId: acme, userId: ada, roles: ["admin"] })
})

/**
 * Every operation but the token exchange is refused with an `UnauthorizedException`, and the store
 * is as seeded. The token exchange needs no bearer token (it is how one gets one): it answers.
 */
const everyOperationUnauthorized = Effect.gen(function*() {
  const identity = yield* IdentityApi
  const store = yield* IdentityStore
  const { getShortTermToken, ...guarded } = everyOperation(identity)
  for (const [operation, call] of Object.entries(guarded)) {
    yield* failsWith(call, "UnauthorizedException", operation)
  }
  yield* Effect.mapError(
    getShortTermToken,
    (error) => new ContractViolation({ message: `getShortTermToken needs no bearer token, but: ${error._tag}` })
  )
  yield* equal((yield* store.keys("acme")).map((k) => k.clientKeyId), [seededKey], "the keys are as seeded")
  yield* equal((yield* store.users("acme")).map((u) => [u.userId, u.roles]), [[ada, ["viewer"]]], "the users too")
})

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
    "keys: another account can neither read nor delete a key: a NotFoundException, and the key stays",
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      const created = yield* identity.createClientKey({ accountId: acme, clientName: "ci-bot", defaultRoleId: "admin" })
      yield* identity.createClientKey({ accountId: globex, clientName: "ci-bot", defaultRoleId: "admin" })
      const keyId = KeyId.make(created.clientId ?? "")
      yield* failsWith(identity.getClientKey({ accountId: globex, keyId }), "NotFoundException", "get from globex")
      yield* failsWith(
        identity.deleteClientKey({ accountId: globex, keyId }),
        "NotFoundException",
        "delete from globex"
      )
      const store = yield* IdentityStore
      yield* equal((yield* store.keys("acme")).map((k) => k.clientKeyId), [keyId], "acme still holds it")
      yield* equal((yield* identity.getClientKey({ accountId: acme, keyId })).clientKeyId, keyId, "acme still reads it")
      yield* equal(
        (yield* identity.getClientKeyList({ accountId: acme })).map((k) => k.clientKeyId),
        [keyId],
        "acme still lists it"
      )
      yield* equal((yield* identity.getClientKeyList({ accountId: globex })).length, 1, "globex keeps its own")
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
    "users: an update that leaves roles or tags out clears them, as a PUT does",
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      const rolesOnly = yield* identity.updateUser({ accountId: acme, userId: ada, roles: ["admin"] })
      yield* equal([rolesOnly.roles, rolesOnly.tags], [["admin"], {}], "roles given, tags left out")
      const tagsOnly = yield* identity.updateUser({ accountId: acme, userId: ada, tags: { team: ["sre"] } })
      yield* equal([tagsOnly.roles, tagsOnly.tags], [[], { team: ["sre"] }], "tags given, roles left out")
      yield* identity.updateUser({ accountId: acme, userId: ada, roles: ["viewer"], tags: { a: ["b"] } })
      const neither = yield* identity.updateUser({ accountId: acme, userId: ada })
      yield* equal([neither.roles, neither.tags], [[], {}], "both left out")
      const read = yield* identity.getUser({ accountId: acme, userId: ada })
      yield* equal([read.roles, read.tags, read.isActive], [[], {}, true], "read back, the rest kept")
    }),
    {
      seed: {
        accounts: [{
          accountId: "acme",
          users: [{ userId: "ada@acme.example", isActive: true, roles: ["viewer"], tags: { team: ["platform"] } }]
        }]
      }
    }
  ),

  make(
    "users: on the wire, a body whose accountId or userId differs from the path is a 400 naming it, and changes nothing",
    Effect.gen(function*() {
      const wire = yield* Wire
      const store = yield* IdentityStore
      const user = `/org/acme/user/${encodeURIComponent(ada)}`
      const refused = (response: WireResponse, field: string, what: string) =>
        Effect.zipRight(
          equal(response.status, 400, `${what}: the status (${response.body})`),
          check(response.body.includes(field), `${what}: the message names ${field}: ${response.body}`)
        )
      yield* refused(
        yield* wire.send({ method: "PUT", path: user, body: { accountId: "globex", userId: ada, roles: ["admin"] } }),
        "accountId",
        "PUT with accountId globex"
      )
      yield* refused(
        yield* wire.send({ method: "PUT", path: user, body: { accountId: "acme", userId: bob, roles: ["admin"] } }),
        "userId",
        "PUT with another userId"
      )
      yield* refused(
        yield* wire.send({ method: "POST", path: "/org/acme/user", body: { accountId: "globex", userId: bob } }),
        "accountId",
        "POST with accountId globex"
      )
      yield* equal((yield* store.calls).length, 0, "no call reached the store")
      const roles = (accountId: string) =>
        Effect.map(store.users(accountId), (users) => users.map((u) => [u.userId, u.roles]))
      yield* equal(yield* roles("acme"), [[ada, ["viewer"]]], "acme's users are unchanged")
      yield* equal(yield* roles("globex"), [[ada, ["viewer"]]], "globex's users are unchanged")
      // the same request with the path's ids goes through: the wire itself works
      const agreed = yield* wire.send({
        method: "PUT",
        path: user,
        body: { accountId: "acme", userId: ada, roles: ["admin"] }
      })
      yield* equal(agreed.status, 200, `the agreeing PUT (${agreed.body})`)
      yield* equal(yield* roles("acme"), [[ada, ["admin"]]], "the agreeing PUT updated acme's user")
    }),
    {
      seed: {
        accounts: [
          { accountId: "acme", users: [{ userId: "ada@acme.example", roles: ["viewer"] }] },
          { accountId: "globex", users: [{ userId: "ada@acme.example", roles: ["viewer"] }] }
        ]
      }
    }
  ),

  make(
    "users: another account can neither read nor update a user: a NotFoundException, and the user stays",
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      const store = yield* IdentityStore
      yield* failsWith(identity.getUser({ accountId: globex, userId: ada }), "NotFoundException", "get from globex")
      yield* failsWith(
        identity.updateUser({ accountId: globex, userId: ada, roles: ["admin"] }),
        "NotFoundException",
        "update from globex"
      )
      yield* equal((yield* store.users("acme")).map((u) => u.roles), [["viewer"]], "acme's user is unchanged")
      yield* equal((yield* store.users("globex")).length, 0, "globex has no users")
    }),
    { seed: { accounts: [{ accountId: "acme", users: [{ userId: "ada@acme.example", roles: ["viewer"] }] }] } }
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
    "auth: with valid tokens configured, every operation without one is an UnauthorizedException and changes nothing",
    everyOperationUnauthorized,
    { validTokens: ["tok_good"], seed: authSeed }
  ),

  make(
    "auth: every operation with a wrong token is an UnauthorizedException and changes nothing",
    everyOperationUnauthorized,
    { validTokens: ["tok_good"], token: Redacted.make("tok_bad"), seed: authSeed }
  ),

  make(
    "auth: a valid token is accepted by every operation",
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      for (const [operation, call] of Object.entries(everyOperation(identity))) {
        yield* Effect.mapError(call, (error) => new ContractViolation({ message: `${operation}: ${error._tag}` }))
      }
    }),
    { validTokens: ["tok_good"], token: Redacted.make("tok_good"), seed: authSeed }
  ),

  make(
    "tokens: an exchange answers a Redacted JWT that is a bearer token for the next call",
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      const answer = yield* identity.getShortTermToken({
        clientId: seededKey,
        clientSecret: Redacted.make(seededSecret)
      })
      yield* check(Redacted.isRedacted(answer.accessToken), "the token is a Redacted")
      const token = Redacted.value(answer.accessToken)
      yield* check(/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token), "the token is JWT-shaped: three base64url parts")
      yield* check(!JSON.stringify(answer).includes(token) && !String(answer).includes(token), "it shows as redacted")
      // without a token the call is refused (auth is on: issued tokens only); with it, it answers
      yield* failsWith(identity.getClientKeyList({ accountId: acme }), "UnauthorizedException", "without the token")
      const keys = yield* identity.getClientKeyList({ accountId: acme }, withBearer(token))
      yield* equal(keys.map((k) => k.clientKeyId), [seededKey], "the call with the issued token")
    }),
    { validTokens: [], seed: authSeed }
  ),

  make(
    "tokens: an issued token is refused with an UnauthorizedException once it has expired on the clock",
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      const answer = yield* identity.getShortTermToken({
        clientId: seededKey,
        clientSecret: Redacted.make(seededSecret)
      })
      const bearer = withBearer(Redacted.value(answer.accessToken))
      yield* TestClock.adjust("9 minutes")
      yield* identity.getUsersForAccount({ accountId: acme }, bearer)
      yield* TestClock.adjust("1 minute")
      const error = yield* failsWith(
        identity.getUsersForAccount({ accountId: acme }, bearer),
        "UnauthorizedException",
        "after 10 minutes"
      )
      yield* check(error.message.includes("expired"), `the message says it expired: ${error.message}`)
    }),
    { validTokens: [], tokenTtl: "10 minutes", seed: authSeed }
  ),

  make(
    "tokens: a wrong secret or an unknown key is an UnauthorizedException that shows no secret",
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      const wrong = "cs_wrong_secret_of_the_caller"
      for (
        const [what, input] of [
          ["a wrong secret", { clientId: seededKey, clientSecret: Redacted.make(wrong) }],
          ["an unknown key", { clientId: "ck_unknown", clientSecret: Redacted.make(seededSecret) }]
        ] as const
      ) {
        const error = yield* failsWith(identity.getShortTermToken(input), "UnauthorizedException", what)
        for (const shown of [error.message, String(error), JSON.stringify(error)]) {
          yield* check(!shown.includes(wrong) && !shown.includes(seededSecret), `${what}: no secret shows: ${shown}`)
        }
      }
    }),
    { seed: authSeed }
  ),

  make(
    "tokens: bad input is an InvalidRequestError naming the field, showing no secret, and reaches nothing",
    Effect.gen(function*() {
      const identity = yield* IdentityApi
      const store = yield* IdentityStore
      const error = yield* failsWith(
        identity.getShortTermToken({ clientId: "", clientSecret: Redacted.make(seededSecret) }),
        "InvalidRequestError",
        "empty clientId"
      )
      yield* check(error.message.includes("clientId"), `the message names clientId: ${error.message}`)
      for (const shown of [error.message, String(error), JSON.stringify(error)]) {
        yield* check(!shown.includes(seededSecret), `no secret shows: ${shown}`)
      }
      const empty = yield* failsWith(
        identity.getShortTermToken({ clientId: seededKey, clientSecret: Redacted.make("") }),
        "InvalidRequestError",
        "empty clientSecret"
      )
      yield* check(empty.message.includes("clientSecret"), `the message names clientSecret: ${empty.message}`)
      yield* equal((yield* store.calls).length, 0, "no call reached the store")
    }),
    { seed: authSeed }
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
