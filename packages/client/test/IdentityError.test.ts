/**
 * The error groups at run time: each predicate on each error class, and `isRetryable` against
 * what the client itself does: an error is retryable exactly when the client, allowed one retry,
 * sent the request a second time.
 */
import { assert, describe, it } from "@effect/vitest"
import {
  BadRequestException,
  ConflictException,
  type IdentityApi,
  IdentityError,
  InternalServerErrorException,
  InvalidRequestError,
  NotFoundException,
  ResponseDecodeError,
  TimeoutError,
  TooManyRequestsException,
  TransportError,
  UnauthorizedException,
  UnexpectedStatusError
} from "@katanemo/client"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import { setup } from "./fixtures.js"
import * as TestServer from "./TestServer.js"

const call = { operation: "getUser", method: "GET", path: "/org/acme/user/ada" }
const apiExceptions = [
  new BadRequestException({}),
  new UnauthorizedException({}),
  new NotFoundException({}),
  new ConflictException({}),
  new TooManyRequestsException({}),
  new InternalServerErrorException({})
]
const sdkErrors = [
  new InvalidRequestError({ ...call, issues: ["userId: empty"] }),
  new UnexpectedStatusError({ ...call, status: 418, body: "" }),
  new TransportError({ ...call, reason: "Transport", detail: "reset" }),
  new TimeoutError({ ...call, scope: "attempt", timeoutMillis: 1000 }),
  new ResponseDecodeError({ ...call, status: 200, detail: "not JSON" })
]

describe("plain-string ids", () => {
  it.scoped("an empty id, written as a plain string, is an InvalidRequestError in the error channel, and nothing is sent", () =>
    Effect.gen(function*() {
      const { identity, server } = yield* setup((_, res) => TestServer.json(res, 200, {}))
      const error = yield* Effect.flip(identity.getUser({ accountId: "", userId: "ada" }))
      assert.strictEqual(error._tag, "InvalidRequestError")
      assert.deepStrictEqual(error._tag === "InvalidRequestError" ? error.issues.map((i) => i.split(":")[0]) : [], [
        "accountId"
      ])
      assert.lengthOf(yield* server.received, 0)
    }))
})

describe("error groups", () => {
  it("each error is in exactly its groups; anything else is in none", () => {
    const groups = (u: unknown) =>
      [
        IdentityError.isApiException(u) ? "api" : "",
        IdentityError.isSdkError(u) ? "sdk" : "",
        IdentityError.isTransportFailure(u) ? "transport" : ""
      ].filter((g) => g !== "").join("+")
    assert.deepStrictEqual(apiExceptions.map(groups), Array(6).fill("api"))
    assert.deepStrictEqual(sdkErrors.map(groups), ["sdk", "sdk", "sdk+transport", "sdk+transport", "sdk"])
    const lookalikes = [undefined, null, "NotFoundException", { _tag: "NotFoundException" }, new Error("x")]
    assert.deepStrictEqual(lookalikes.map(groups), Array(5).fill(""))
  })

  it("a hand-built exception (no method, no status) is retryable only as a POST's would be", () => {
    assert.deepStrictEqual(apiExceptions.map(IdentityError.isRetryable), [false, false, false, false, true, false])
    assert.deepStrictEqual(
      sdkErrors.map(IdentityError.isRetryable),
      [false, false, true, true, false],
      "a GET's reset and attempt timeout are retryable"
    )
    assert.isFalse(
      IdentityError.isRetryable(new TransportError({ ...call, method: "POST", reason: "Transport", detail: "" }))
    )
    assert.isTrue(
      IdentityError.isRetryable(
        new TransportError({ ...call, method: "POST", reason: "ConnectionRefused", detail: "" })
      )
    )
    assert.isFalse(IdentityError.isRetryable(new TransportError({ ...call, reason: "ResponseTooLarge", detail: "" })))
  })

  describe("isRetryable says what the client does: retryable exactly when it sent the request again", () => {
    const calls: Record<string, (identity: IdentityApi.Service) => Effect.Effect<unknown, IdentityError.Any>> = {
      POST: (identity: IdentityApi.Service) =>
        identity.createClientKey({ accountId: "acme", clientName: "ci", defaultRoleId: "r" }),
      GET: (identity: IdentityApi.Service) => identity.getUser({ accountId: "acme", userId: "ada" }),
      PUT: (identity: IdentityApi.Service) => identity.updateUser({ accountId: "acme", userId: "ada", roles: [] }),
      DELETE: (identity: IdentityApi.Service) => identity.deleteClientKey({ accountId: "acme", keyId: "k1" })
    }
    for (const [method, send] of Object.entries(calls)) {
      for (const status of [400, 401, 404, 409, 418, 429, 500, 502, 503, 504]) {
        it.scoped(`${method} answered ${status}`, () =>
          Effect.gen(function*() {
            const { identity, server } = yield* setup(
              (_, res) => TestServer.json(res, status, { message: "no" }),
              // one immediate retry: no wait on any clock
              { retrySchedule: Schedule.recurs(1) }
            )
            const error = yield* Effect.flip(send(identity))
            const sent = (yield* server.received).length
            assert.strictEqual(
              IdentityError.isRetryable(error),
              sent === 2,
              `${error._tag}: the client sent it ${sent} time(s)`
            )
          }))
      }
    }
  })
})
