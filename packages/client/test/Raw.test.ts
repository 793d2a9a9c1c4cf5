import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import { accountId, elapseRetryWait, keyId, longTimeout, setupOn, transports, userId } from "./fixtures.js"
import * as TestServer from "./TestServer.js"

for (const transport of transports) {
  describe(transport.name, () => {
    const setup = setupOn(transport)
    describe("raw access", () => {
      it.scoped("answers status, headers and the undecoded body of a success", () =>
        Effect.gen(function*() {
          const { identity } = yield* setup((_, res) =>
            TestServer.text(res, 200, "{\"accountId\":\"acme\",\"userId\":\"ada\",\"extra\":1}", {
              "content-type": "application/json",
              "x-request-id": "req-7"
            })
          )
          const response = yield* identity.raw.getUser({ accountId, userId })
          assert.strictEqual(response.status, 200)
          assert.strictEqual(response.headers["content-type"], "application/json")
          assert.strictEqual(response.requestId, "req-7")
          assert.strictEqual(response.body, "{\"accountId\":\"acme\",\"userId\":\"ada\",\"extra\":1}")
        }))

      it.scoped("an error status is an answer, not a failure", () =>
        Effect.gen(function*() {
          const { identity } = yield* setup((_, res) => TestServer.json(res, 404, { message: "no such key" }))
          const response = yield* identity.raw.getClientKey({ accountId, keyId })
          assert.strictEqual(response.status, 404)
          assert.deepStrictEqual(JSON.parse(response.body), { message: "no such key" })
        }))

      it.scoped("a body the typed call could not decode is still readable", () =>
        Effect.gen(function*() {
          const { identity } = yield* setup((_, res) => TestServer.text(res, 200, "<html>oops</html>"))
          const response = yield* identity.raw.getClientKeyList({ accountId })
          assert.strictEqual(response.body, "<html>oops</html>")
          const typed = yield* Effect.flip(identity.getClientKeyList({ accountId }))
          assert.strictEqual(typed._tag, "ResponseDecodeError")
        }))

      it.scoped("sends the same request as the typed call, and retries the same way", () =>
        Effect.gen(function*() {
          const { identity, server } = yield* setup(
            (_, res, n) => n === 1 ? TestServer.json(res, 503, {}) : TestServer.json(res, 200, { clientId: "k" }),
            { timeout: longTimeout }
          )
          const fiber = yield* Effect.fork(identity.raw.updateUser({ accountId, userId, roles: ["admin"] }))
          yield* server.awaitRequests(1)
          yield* elapseRetryWait
          const response = yield* Fiber.join(fiber)
          assert.strictEqual(response.status, 200)
          const requests = yield* server.received
          assert.lengthOf(requests, 2)
          assert.strictEqual(requests[1]?.method, "PUT")
          assert.strictEqual(requests[1]?.url, "/org/acme/user/ada%40acme.example")
          assert.deepStrictEqual(JSON.parse(requests[1]?.body ?? ""), {
            accountId: "acme",
            userId: "ada@acme.example",
            roles: ["admin"]
          })
        }))

      it.effect("still validates the input", () =>
        Effect.gen(function*() {
          const { identity } = yield* setup(() => undefined)
          const error = yield* Effect.flip(
            identity.raw.createClientKey({ accountId, clientName: "", defaultRoleId: "r" })
          )
          assert.strictEqual(error._tag, "InvalidRequestError")
        }).pipe(Effect.scoped))
    })
  })
}
