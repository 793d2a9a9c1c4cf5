/**
 * A tour of @katanemo/models: decode what the API sends, see secrets stay hidden, encode what
 * it expects, and read its exceptions as typed errors. Run it with `pnpm demo`.
 */
import {
  ApiExceptionFromBody,
  ClientKeyObject,
  ClientKeyRequest,
  ClientKeyResponse,
  ConflictException,
  UserResponse
} from "@katanemo/models"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"

const section = (title: string) => Console.log(`\n── ${title} ${"─".repeat(Math.max(0, 60 - title.length))}`)

const program = Effect.gen(function*() {
  yield* section("1. Encode a request body: exactly the wire JSON")
  const request = ClientKeyRequest.make({ clientName: "ci-bot", defaultRoleId: "admin" })
  yield* Console.log(JSON.stringify(yield* Schema.encode(ClientKeyRequest)(request)))

  yield* section("2. Bad input fails with a ParseError that names the field")
  const invalid = Schema.decodeUnknownEither(ClientKeyRequest)({ clientName: "", defaultRoleId: "admin" })
  if (Either.isLeft(invalid)) yield* Console.log(invalid.left.message)

  yield* section("3. Decode a created key: the secret is Redacted")
  const created = yield* Schema.decodeUnknown(ClientKeyResponse)({ clientId: "key-7f3a", clientSecret: "sk_live_42" })
  yield* Console.log("logged:     ", created)
  yield* Console.log("stringified:", JSON.stringify(created))
  yield* Console.log(
    "read once:  ",
    created.clientSecret ? `${Redacted.value(created.clientSecret).slice(0, 3)}…` : "-"
  )

  yield* section("4. Decode a key list: optional fields may be absent, extras are ignored")
  const keys = yield* Schema.decodeUnknown(Schema.Array(ClientKeyObject))([
    { clientKeyId: "key-7f3a", clientName: "ci-bot", roles: ["admin"], isActive: true, accountId: "acme" },
    { clientKeyId: "key-0001", clientName: "legacy", futureField: "ignored" }
  ])
  for (const key of keys) {
    yield* Console.log(`${key.clientKeyId}  ${key.clientName?.padEnd(8)}  active=${key.isActive ?? "?"}`)
  }

  yield* section("5. A user with a token: the token never prints")
  const user = yield* Schema.decodeUnknown(UserResponse)({
    accountId: "acme",
    userId: "ada@acme.example",
    token: "tok"
  })
  yield* Console.log(user)

  yield* section("6. An error body from the wire becomes a typed, catchable error")
  const conflict = yield* Schema.decodeUnknown(ApiExceptionFromBody(ConflictException))({
    message: "a key named ci-bot already exists",
    errorCode: "KEY_EXISTS"
  })
  const outcome = yield* Effect.fail(conflict).pipe(
    Effect.catchTag("ConflictException", (e) => Effect.succeed(`caught ${e._tag} (${e.errorCode}): ${e.message}`))
  )
  yield* Console.log(outcome)
})

Effect.runPromise(program).catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
