// A user's program, compiled and run against the packed tarballs by the pack check. It must
// type-check under strict settings with the published .d.ts files, and run under plain node.
import { IdentityApi, type Transport } from "@katanemo/client"
import * as FetchTransport from "@katanemo/client/FetchTransport"
import * as UndiciTransport from "@katanemo/client/UndiciTransport"
import {
  AccountId,
  ApiExceptionFromBody,
  ClientKeyRequest,
  ClientKeyResponse,
  ConflictException,
  type KeyId,
  UserResponse
} from "@katanemo/models"
import { UserRequest } from "@katanemo/models/User"
import { IdentityApiMemory, IdentityStore, OpenApi } from "@katanemo/testing"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as http from "node:http"

const check = (condition: boolean, what: string): void => {
  if (!condition) throw new Error(`consumer check failed: ${what}`)
}

const request = ClientKeyRequest.make({ clientName: "ci-bot", defaultRoleId: "admin" })
check(
  JSON.stringify(Schema.encodeSync(ClientKeyRequest)(request))
    === "{\"defaultRoleId\":\"admin\",\"clientName\":\"ci-bot\"}",
  "request encodes to the wire body"
)

const key = Schema.decodeUnknownSync(ClientKeyResponse)({ clientId: "key-1", clientSecret: "s3cr3t" })
check(key.clientSecret !== undefined && Redacted.value(key.clientSecret) === "s3cr3t", "secret is readable")
check(!JSON.stringify(key).includes("s3cr3t") && !String(key).includes("s3cr3t"), "secret never prints")

const user = Schema.decodeUnknownSync(UserResponse)({ accountId: "acme", userId: "ada@acme.example", token: "t" })
const invite = UserRequest.make({ accountId: AccountId.make("acme"), roles: ["developer"] })
check(user.accountId === invite.accountId, "ids are branded strings")

// @ts-expect-error an AccountId is not a KeyId: the brands are real in the published types
const wrongId: KeyId = AccountId.make("acme")
void wrongId

const program = Effect.fail(Schema.decodeUnknownSync(ApiExceptionFromBody(ConflictException))({ message: "exists" }))
  .pipe(Effect.catchTag("ConflictException", (e) => Effect.succeed(`handled: ${e.message}`)))
const handled = Effect.runSync(program)
check(handled === "handled: exists", "exceptions are caught by tag")

console.log(`consumer ok: ${handled}; key ${key.clientId} ${String(key.clientSecret)}`)

// @katanemo/client: live calls against a local server over fetch and over undici (a dependency the
// tarball must bring), typed errors by tag.
const server = http.createServer((request, response) => {
  if (request.url === "/org/acme/keys" && request.method === "GET") {
    response.writeHead(200, { "content-type": "application/json" })
    response.end(JSON.stringify([{ clientKeyId: "key-1", clientName: "ci-bot", isActive: true }]))
  } else {
    response.writeHead(409, { "content-type": "application/json" })
    response.end(JSON.stringify({ message: "exists" }))
  }
})
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
const address = server.address()
const port = typeof address === "object" && address !== null ? address.port : 0

const calls = (transport: Layer.Layer<Transport>) =>
  Effect.gen(function*() {
    const identity = yield* IdentityApi
    const keys = yield* identity.getClientKeyList({ accountId: AccountId.make("acme") })
    const conflict = yield* identity.createClientKey({
      accountId: AccountId.make("acme"),
      clientName: "ci-bot",
      defaultRoleId: "admin"
    }).pipe(Effect.catchTag("ConflictException", (e) => Effect.succeed(`${e._tag} ${e.status}: ${e.message}`)))
    return { keys, conflict }
  }).pipe(
    Effect.provide(IdentityApi.layer({ baseUrl: `http://127.0.0.1:${port}`, token: Redacted.make("t") })),
    Effect.provide(transport)
  )
for (const [name, transport] of [["fetch", FetchTransport.layer()], ["undici", UndiciTransport.layer()]] as const) {
  const { conflict, keys } = await Effect.runPromise(calls(transport))
  check(keys.length === 1 && keys[0]?.clientKeyId === "key-1", `the client lists keys over ${name}`)
  check(conflict === "ConflictException 409: exists", `the client maps 409 to ConflictException over ${name}`)
  console.log(`client ok over ${name}: ${keys.length} key, ${conflict}`)
}
server.close()

// @katanemo/testing: the same kind of program on the in-memory layer, and the store's view of it.
const inMemory = await Effect.runPromise(
  Effect.gen(function*() {
    const identity = yield* IdentityApi
    const store = yield* IdentityStore
    const key = yield* identity.createClientKey({
      accountId: AccountId.make("acme"),
      clientName: "ci",
      defaultRoleId: "r"
    })
    const duplicate = yield* Effect.flip(
      identity.createClientKey({ accountId: AccountId.make("acme"), clientName: "ci", defaultRoleId: "r" })
    )
    return { key, duplicate: duplicate._tag, stored: (yield* store.keys("acme")).length }
  }).pipe(Effect.provide(IdentityApiMemory.layer()))
)
check(inMemory.stored === 1 && inMemory.duplicate === "ConflictException", "the in-memory layer follows the rules")
check(OpenApi.make().paths["/org/{accountId}/keys"] !== undefined, "the OpenAPI document has the key paths")
console.log(`testing ok: ${inMemory.key.clientId}, then ${inMemory.duplicate}`)
