import { NodeHttpClient } from "@effect/platform-node"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { assert, describe, it } from "@effect/vitest"
import {
  type AddressedError,
  BadRequestException,
  ConflictException,
  IdentityApi,
  InternalServerErrorException,
  NotFoundException,
  TooManyRequestsException,
  UnauthorizedException
} from "@katanemo/client"
import * as HttpClientTransport from "@katanemo/client/HttpClientTransport"
import {
  AccountId,
  ApiException,
  ClientKeyObject,
  ClientKeyResponse,
  ErrorBody,
  KeyId,
  TokenResponse,
  UserId,
  UserResponse
} from "@katanemo/models"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import {
  accountId,
  elapseNextSleep,
  elapseRetryWait,
  keyId,
  keyWire,
  longTimeout,
  setup,
  setupOn,
  transports,
  undici,
  untyped,
  userId,
  userWire
} from "./fixtures.js"
import * as TestServer from "./TestServer.js"

/** One row per operation: how to call it, what it sends, what a success answer looks like. */
/** The ids a call addresses. */
interface Ids {
  readonly accountId: AccountId
  readonly keyId: KeyId
  readonly userId: UserId
}

const defaultIds: Ids = { accountId, keyId, userId }

/** The secret of the token exchange's key, and the token it answers. */
const clientSecret = "cs_client_secret_4d1e"
const issuedToken = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJrZXktMSJ9.c2lnbmF0dXJl"

interface Case {
  readonly operation: keyof Omit<IdentityApi.Service, "raw">
  readonly method: string
  readonly path: string
  readonly requestBody: unknown
  readonly responseBody: unknown
  readonly listsNotFound: boolean
  readonly call: (identity: IdentityApi.Service, ids?: Ids) => Effect.Effect<unknown, AddressedError>
  /** Calls the operation and checks the decoded answer. */
  readonly succeeds: (identity: IdentityApi.Service) => Effect.Effect<void, AddressedError>
}

const cases: ReadonlyArray<Case> = [
  {
    operation: "createClientKey",
    method: "POST",
    path: "/org/acme/keys",
    requestBody: { defaultRoleId: "admin", clientName: "ci-bot" },
    responseBody: { clientId: "key-1", clientSecret: "client-secret-value" },
    listsNotFound: false,
    call: (identity, ids = defaultIds) =>
      identity.createClientKey({ accountId: ids.accountId, clientName: "ci-bot", defaultRoleId: "admin" }),
    succeeds: (identity) =>
      Effect.map(identity.createClientKey({ accountId, clientName: "ci-bot", defaultRoleId: "admin" }), (key) => {
        assert.instanceOf(key, ClientKeyResponse)
        assert.strictEqual(key.clientId, "key-1")
        assert.strictEqual(key.clientSecret && Redacted.value(key.clientSecret), "client-secret-value")
      })
  },
  {
    operation: "getClientKeyList",
    method: "GET",
    path: "/org/acme/keys",
    requestBody: undefined,
    responseBody: [keyWire, { clientKeyId: "key-2" }],
    listsNotFound: false,
    call: (identity, ids = defaultIds) => identity.getClientKeyList({ accountId: ids.accountId }),
    succeeds: (identity) =>
      Effect.map(identity.getClientKeyList({ accountId }), (keys) => {
        assert.instanceOf(keys[0], ClientKeyObject)
        assert.deepStrictEqual(keys.map((key) => key.clientKeyId), [KeyId.make("key-1"), KeyId.make("key-2")])
      })
  },
  {
    operation: "getClientKey",
    method: "GET",
    path: "/org/acme/key/key-1",
    requestBody: undefined,
    responseBody: keyWire,
    listsNotFound: true,
    call: (identity, ids = defaultIds) => identity.getClientKey(ids),
    succeeds: (identity) =>
      Effect.map(identity.getClientKey({ accountId, keyId }), (key) => {
        assert.instanceOf(key, ClientKeyObject)
        assert.deepStrictEqual(key.roles, ["admin"])
        assert.isTrue(key.isActive)
      })
  },
  {
    operation: "deleteClientKey",
    method: "DELETE",
    path: "/org/acme/key/key-1",
    requestBody: undefined,
    responseBody: "key-1 deleted",
    listsNotFound: true,
    call: (identity, ids = defaultIds) => identity.deleteClientKey(ids),
    succeeds: (identity) =>
      Effect.map(identity.deleteClientKey({ accountId, keyId }), (text) => assert.strictEqual(text, "key-1 deleted"))
  },
  {
    operation: "createUserForAccount",
    method: "POST",
    path: "/org/acme/user",
    requestBody: { accountId: "acme", userId: "ada@acme.example", roles: ["developer"] },
    responseBody: { ...userWire, isActive: false },
    listsNotFound: false,
    call: (identity, ids = defaultIds) =>
      identity.createUserForAccount({ accountId: ids.accountId, userId: ids.userId, roles: ["developer"] }),
    succeeds: (identity) =>
      Effect.map(identity.createUserForAccount({ accountId, userId, roles: ["developer"] }), (user) => {
        assert.instanceOf(user, UserResponse)
        assert.strictEqual(user.userId, userId)
        assert.isFalse(user.isActive)
      })
  },
  {
    operation: "getUsersForAccount",
    method: "GET",
    path: "/org/acme/user",
    requestBody: undefined,
    responseBody: [userWire, { accountId: "acme", userId: "bob" }],
    listsNotFound: false,
    call: (identity, ids = defaultIds) => identity.getUsersForAccount({ accountId: ids.accountId }),
    succeeds: (identity) =>
      Effect.map(identity.getUsersForAccount({ accountId }), (users) => {
        assert.deepStrictEqual(users.map((user) => user.userId), [userId, UserId.make("bob")])
        assert.instanceOf(users[1], UserResponse)
      })
  },
  {
    operation: "getUser",
    method: "GET",
    path: "/org/acme/user/ada%40acme.example",
    requestBody: undefined,
    responseBody: userWire,
    listsNotFound: true,
    call: (identity, ids = defaultIds) => identity.getUser(ids),
    succeeds: (identity) =>
      Effect.map(identity.getUser({ accountId, userId }), (user) => {
        assert.instanceOf(user, UserResponse)
        assert.deepStrictEqual(user.tags, { team: ["platform"] })
        assert.strictEqual(user.token && Redacted.value(user.token), "user-token-secret")
      })
  },
  {
    operation: "updateUser",
    method: "PUT",
    path: "/org/acme/user/ada%40acme.example",
    requestBody: { accountId: "acme", userId: "ada@acme.example", tags: { team: ["sre"] }, roles: ["admin"] },
    responseBody: { ...userWire, tags: { team: ["sre"] }, roles: ["admin"] },
    listsNotFound: true,
    call: (identity, ids = defaultIds) =>
      identity.updateUser({ accountId: ids.accountId, userId: ids.userId, tags: { team: ["sre"] }, roles: ["admin"] }),
    succeeds: (identity) =>
      Effect.map(identity.updateUser({ accountId, userId, tags: { team: ["sre"] }, roles: ["admin"] }), (user) => {
        assert.instanceOf(user, UserResponse)
        assert.deepStrictEqual(user.roles, ["admin"])
      })
  },
  {
    operation: "getShortTermToken",
    method: "POST",
    path: "/token",
    requestBody: { clientId: "key-1", clientSecret: clientSecret },
    responseBody: { accessToken: issuedToken },
    listsNotFound: false,
    call: (identity) => identity.getShortTermToken({ clientId: keyId, clientSecret: Redacted.make(clientSecret) }),
    succeeds: (identity) =>
      Effect.map(
        identity.getShortTermToken({ clientId: keyId, clientSecret: Redacted.make(clientSecret) }),
        (answer) => {
          assert.instanceOf(answer, TokenResponse)
          assert.strictEqual(Redacted.value(answer.accessToken), issuedToken)
          assert.notInclude(JSON.stringify(answer), issuedToken)
        }
      )
  }
]

const statuses = [
  { status: 400, tag: "BadRequestException", cls: BadRequestException },
  { status: 401, tag: "UnauthorizedException", cls: UnauthorizedException },
  { status: 409, tag: "ConflictException", cls: ConflictException },
  { status: 429, tag: "TooManyRequestsException", cls: TooManyRequestsException },
  { status: 500, tag: "InternalServerErrorException", cls: InternalServerErrorException }
] as const

for (const transport of transports) {
  describe(`IdentityApi over HTTP (${transport.name})`, () => {
    const setup = setupOn(transport)
    for (const c of cases) {
      describe(c.operation, () => {
        it.scoped("sends the vendor's wire request and decodes the answer", () =>
          Effect.gen(function*() {
            const { identity, server } = yield* setup((_, res) => TestServer.json(res, 200, c.responseBody))
            yield* c.succeeds(identity)
            const [request] = yield* server.received
            assert.strictEqual(request?.method, c.method)
            assert.strictEqual(request?.url, c.path)
            if (c.requestBody === undefined) {
              assert.strictEqual(request?.body, "")
            } else {
              assert.deepStrictEqual(JSON.parse(request?.body ?? ""), c.requestBody)
              assert.strictEqual(request?.headers["content-type"], "application/json")
            }
            assert.match(request?.headers["user-agent"] ?? "", /^katanemo-sdk-ts\/\d+\.\d+\.\d+/)
            assert.isUndefined(request?.headers.authorization, "no token configured: no Authorization header")
          }))

        it.scoped(
          IdentityApi.endpoints[c.operation].authenticated
            ? "sends the token as a bearer header"
            : "sends no token: the operation needs none",
          () =>
            Effect.gen(function*() {
              const { identity, server } = yield* setup((_, res) => TestServer.json(res, 200, c.responseBody), {
                token: Redacted.make("tok_live_123")
              })
              yield* c.call(identity)
              const [request] = yield* server.received
              assert.strictEqual(
                request?.headers.authorization,
                IdentityApi.endpoints[c.operation].authenticated ? "Bearer tok_live_123" : undefined
              )
            })
        )

        for (const { cls, status, tag } of statuses) {
          it.scoped(`maps ${status} to ${tag} with the call's context`, () =>
            Effect.gen(function*() {
              const { identity } = yield* setup((_, res) =>
                TestServer.json(res, status, { message: `status ${status}`, errorCode: "E1" }, {
                  "x-request-id": "req-42"
                }), {
                maxRetries: 0
              })
              const error = yield* Effect.flip(c.call(identity))
              assert.strictEqual(error._tag, tag)
              assert.strictEqual(error.constructor, cls)
              if (!Schema.is(ApiException)(error)) {
                return assert.fail("not an API exception")
              }
              assert.strictEqual(error.message, `status ${status}`)
              assert.strictEqual(error.errorCode, "E1")
              assert.strictEqual(error.status, status)
              assert.strictEqual(error.requestId, "req-42")
              assert.strictEqual(error.operation, c.operation)
              assert.strictEqual(error.method, c.method)
              assert.strictEqual(error.path, c.path)
            }))
        }

        it.scoped(`maps 404 to ${c.listsNotFound ? "NotFoundException" : "UnexpectedStatusError"}`, () =>
          Effect.gen(function*() {
            const { identity } = yield* setup((_, res) => TestServer.json(res, 404, { message: "no such thing" }))
            const error = yield* Effect.flip(c.call(identity))
            if (c.listsNotFound) {
              assert.instanceOf(error, NotFoundException)
              assert.strictEqual(error instanceof NotFoundException && error.message, "no such thing")
            } else {
              assert.strictEqual(error._tag, "UnexpectedStatusError")
            }
          }))

        it.scoped("maps an unlisted status to UnexpectedStatusError with the default body", () =>
          Effect.gen(function*() {
            const { identity } = yield* setup((_, res) => TestServer.json(res, 418, { code: 4180, message: "teapot" }))
            const error = yield* Effect.flip(c.call(identity))
            if (error._tag !== "UnexpectedStatusError") {
              return assert.fail(`expected UnexpectedStatusError, got ${error._tag}`)
            }
            assert.strictEqual(error.status, 418)
            assert.instanceOf(error.body, ErrorBody)
            assert.isTrue(typeof error.body !== "string" && error.body.code === 4180 && error.body.message === "teapot")
            assert.include(error.message, "418")
          }))

        it.scoped("keeps a non-JSON error body as text", () =>
          Effect.gen(function*() {
            const { identity } = yield* setup((_, res) => TestServer.text(res, 502, "<html>Bad Gateway</html>"), {
              maxRetries: 0
            })
            const error = yield* Effect.flip(c.call(identity))
            if (error._tag !== "UnexpectedStatusError") {
              return assert.fail(`expected UnexpectedStatusError, got ${error._tag}`)
            }
            assert.strictEqual(error.body, "<html>Bad Gateway</html>")
            assert.strictEqual(error.status, 502)
          }))

        it.scoped("reads a non-JSON body of a listed status as the exception's message", () =>
          Effect.gen(function*() {
            const { identity } = yield* setup((_, res) => TestServer.text(res, 409, "duplicate"))
            const error = yield* Effect.flip(c.call(identity))
            assert.instanceOf(error, ConflictException)
            assert.strictEqual(error instanceof ConflictException && error.message, "duplicate")
          }))

        it.scoped("fails with ResponseDecodeError on a malformed success body", () =>
          Effect.gen(function*() {
            const { identity } = yield* setup((_, res) => TestServer.text(res, 200, "{ not json"))
            const error = yield* Effect.flip(c.call(identity))
            if (error._tag !== "ResponseDecodeError") {
              return assert.fail(`expected ResponseDecodeError, got ${error._tag}`)
            }
            assert.strictEqual(error.status, 200)
            assert.strictEqual(error.operation, c.operation)
          }))

        it.scoped("fails with ResponseDecodeError on JSON of the wrong shape", () =>
          Effect.gen(function*() {
            const { identity } = yield* setup((_, res) => TestServer.json(res, 200, 42))
            const error = yield* Effect.flip(c.call(identity))
            assert.strictEqual(error._tag, "ResponseDecodeError")
          }))

        it.scoped.skipIf(!c.path.startsWith("/org/"))(
          "percent-encodes its path ids: each reaches the server as one segment",
          () =>
            Effect.gen(function*() {
              const { identity, server } = yield* setup((_, res) => TestServer.json(res, 200, c.responseBody))
              const ids: Ids = {
                accountId: AccountId.make("a/../b"),
                keyId: KeyId.make("ü ?#%"),
                userId: UserId.make("x y/z?q=1#frag")
              }
              yield* c.call(identity, ids)
              const [request] = yield* server.received
              const template = c.path.split("/")
              const segments = (request?.url ?? "").split("/")
              assert.strictEqual(segments.length, template.length, request?.url)
              assert.strictEqual(decodeURIComponent(segments[2] ?? ""), "a/../b")
              if (template.length === 5) {
                assert.strictEqual(
                  decodeURIComponent(segments[4] ?? ""),
                  template[3] === "key" ? "ü ?#%" : "x y/z?q=1#frag"
                )
              }
            })
        )

        it.scoped("retries a 429, waiting as Retry-After says", () =>
          Effect.gen(function*() {
            const { identity, server } = yield* setup(
              (_, res, n) =>
                n === 1
                  ? TestServer.json(res, 429, { message: "slow down" }, { "retry-after": "2" })
                  : TestServer.json(res, 200, c.responseBody),
              { timeout: longTimeout }
            )
            const fiber = yield* Effect.fork(c.succeeds(identity))
            yield* server.awaitRequests(1)
            assert.strictEqual(Duration.toMillis(yield* elapseRetryWait), 2000)
            yield* Fiber.join(fiber)
            assert.lengthOf(yield* server.received, 2)
          }))

        it.scoped("times out an attempt with TimeoutError, closing its socket", () =>
          Effect.gen(function*() {
            const { identity, server } = yield* setup(() => undefined, { timeout: "1 second", maxRetries: 0 })
            const fiber = yield* Effect.fork(c.call(identity))
            yield* server.awaitRequests(1)
            assert.strictEqual(Duration.toMillis(yield* elapseNextSleep), 1000)
            const error = yield* Effect.flip(Fiber.join(fiber))
            assert.strictEqual(error._tag, "TimeoutError")
            yield* server.awaitClosed(1)
          }))

        it.scoped("is aborted by interruption: the server sees its socket close", () =>
          Effect.gen(function*() {
            const { identity, server } = yield* setup(() => undefined)
            const fiber = yield* Effect.fork(c.call(identity))
            yield* server.awaitRequests(1)
            assert.isTrue(Exit.isInterrupted(yield* Fiber.interrupt(fiber)))
            yield* server.awaitClosed(1)
          }))
      })
    }

    describe("path parameters", () => {
      for (const id of ["%2F", "a\\b", "..a", "~!*'()", "\u{1F600}"]) {
        it.scoped(`${JSON.stringify(id)} reaches the server as one opaque segment`, () =>
          Effect.gen(function*() {
            const { identity, server } = yield* setup((_, res) => TestServer.json(res, 200, userWire))
            yield* identity.getUser({ accountId: AccountId.make(id), userId })
            const [request] = yield* server.received
            const segments = (request?.url ?? "").split("/")
            assert.strictEqual(segments.length, 5)
            assert.strictEqual(decodeURIComponent(segments[2] ?? ""), id)
          }))
      }

      it.effect("rejects ids that URLs would resolve (. and ..) before sending", () =>
        Effect.gen(function*() {
          const identity = yield* IdentityApi.make({ baseUrl: "http://127.0.0.1:9" })
          for (const id of [".", ".."]) {
            const error = yield* Effect.flip(identity.getUser({ accountId: AccountId.make(id), userId }))
            assert.strictEqual(error._tag, "InvalidRequestError")
            assert.include(error.message, "accountId")
          }
        }).pipe(Effect.provide(undici.layer)))
    })

    describe("bad input", () => {
      it.effect("fails with InvalidRequestError naming the field, and sends nothing", () =>
        Effect.gen(function*() {
          const identity = yield* IdentityApi.make({ baseUrl: "http://127.0.0.1:9" })
          const error = yield* Effect.flip(
            identity.createClientKey({ accountId, clientName: "", defaultRoleId: "admin" })
          )
          if (error._tag !== "InvalidRequestError") return assert.fail(error._tag)
          assert.deepStrictEqual(error.issues, ["clientName: Expected a non empty string, actual \"\""])
          assert.strictEqual(
            error.message,
            "invalid input for createClientKey: clientName: Expected a non empty string, actual \"\""
          )
          const missing = yield* Effect.either(
            identity.createUserForAccount(untyped({ userId: "ada" }))
          )
          assert.isTrue(Either.isLeft(missing) && missing.left._tag === "InvalidRequestError")
          assert.include(Either.isLeft(missing) ? missing.left.message : "", "accountId")
        }).pipe(Effect.provide(undici.layer)))
    })
  })
}

describe("client options", () => {
  for (const transport of transports) {
    it.scoped(`per-call headers are added, names in lower case (${transport.name})`, () =>
      Effect.gen(function*() {
        const { identity, server } = yield* setup((_, res) => TestServer.json(res, 200, []), {}, transport)
        yield* identity.getClientKeyList({ accountId }, { headers: { "X-Trace-Tag": "nightly" } })
        const [request] = yield* server.received
        assert.strictEqual(request?.headers["x-trace-tag"], "nightly")
        assert.match(request?.headers["user-agent"] ?? "", /^katanemo-sdk-ts\//)
      }))
  }

  it.scoped("HttpClientTransport's transformClient wraps every request", () =>
    Effect.gen(function*() {
      const { identity, server } = yield* setup((_, res) => TestServer.json(res, 200, []), {}, {
        ...undici,
        layer: HttpClientTransport.layer({
          transformClient: HttpClient.mapRequest(HttpClientRequest.setHeader("x-tenant-region", "eu-1"))
        }).pipe(Layer.provide(NodeHttpClient.layerUndici))
      })
      yield* identity.getClientKeyList({ accountId })
      const [request] = yield* server.received
      assert.strictEqual(request?.headers["x-tenant-region"], "eu-1")
    }))

  it.scoped("a base URL with a path prefix keeps the prefix", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make((_, res) => TestServer.json(res, 200, []))
      const { identity } = yield* setup(() => undefined, { baseUrl: `${server.url}/v1/` })
      yield* identity.getClientKeyList({ accountId })
      const [request] = yield* server.received
      assert.strictEqual(request?.url, "/v1/org/acme/keys")
    }))

  it.scoped("an unexpected status carries the request id too", () =>
    Effect.gen(function*() {
      const { identity } = yield* setup((_, res) => TestServer.json(res, 418, {}, { "x-amzn-requestid": "aws-1" }))
      const error = yield* Effect.flip(identity.getClientKeyList({ accountId }))
      if (error._tag !== "UnexpectedStatusError") return assert.fail(error._tag)
      assert.strictEqual(error.requestId, "aws-1")
      assert.strictEqual(error.body, "{}")
    }))
})
