import { assert, describe, it } from "@effect/vitest"
import { ClientKeyResponse, UserResponse } from "@katanemo/models"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Inspectable from "effect/Inspectable"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { inspect } from "node:util"
import { numRuns } from "./wire.js"

/** A secret that cannot occur by accident in any rendering: a fixed marker plus random text. */
const secret = FastCheck.string({ minLength: 1 }).map((s) => `SECRET-${s}-END`)

/** Every way a value is commonly turned into text. */
const renderings = (value: unknown): Array<string> => [
  String(value),
  JSON.stringify(value),
  inspect(value, { depth: Infinity }),
  Inspectable.format(value),
  Inspectable.toStringUnknown(value)
]

const assertHidden = (value: unknown, hidden: string): void => {
  for (const text of renderings(value)) {
    assert.notInclude(text, hidden)
  }
}

describe("secrets never show", () => {
  it("clientSecret of a ClientKeyResponse, alone or inside other structures", () => {
    FastCheck.assert(
      FastCheck.property(secret, (clientSecret) => {
        const response = Schema.decodeUnknownSync(ClientKeyResponse)({ clientId: "key-1", clientSecret })
        assert.strictEqual(response.clientSecret && Redacted.value(response.clientSecret), clientSecret)
        for (const holder of [response, [response], { nested: { response } }, Option.some(response)]) {
          assertHidden(holder, clientSecret)
        }
        assertHidden(response.clientSecret, clientSecret)
      }),
      { numRuns }
    )
  })

  it("token of a UserResponse, alone or inside other structures", () => {
    FastCheck.assert(
      FastCheck.property(secret, (token) => {
        const user = Schema.decodeUnknownSync(UserResponse)({ accountId: "acme", userId: "ada", token })
        assert.strictEqual(user.token && Redacted.value(user.token), token)
        for (const holder of [user, [user], new Map([["ada", user]]), { users: [user] }]) {
          assertHidden(holder, token)
        }
      }),
      { numRuns }
    )
  })

  it.effect("in log lines and in the pretty-printed cause of a failure", () =>
    Effect.gen(function*() {
      const token = "SECRET-token-in-a-log-END"
      const user = Schema.decodeUnknownSync(UserResponse)({ accountId: "acme", token })
      const lines: Array<string> = []
      const capture = Logger.replace(
        Logger.defaultLogger,
        Logger.make(({ message }) => lines.push(Inspectable.format(message)))
      )
      yield* Effect.log("user", user).pipe(Effect.provide(capture))
      yield* Effect.logError({ user }).pipe(Effect.provide(capture))
      assert.lengthOf(lines, 2)
      for (const line of lines) {
        assert.include(line, "acme")
        assert.notInclude(line, token)
      }
      assert.notInclude(Cause.pretty(Cause.fail(user)), token)
    }))

  it("the wire encoding still carries the secret, for the code that must send it", () => {
    const response = Schema.decodeUnknownSync(ClientKeyResponse)({ clientSecret: "s3cr3t" })
    assert.deepStrictEqual(Schema.encodeSync(ClientKeyResponse)(response), { clientSecret: "s3cr3t" })
  })
})
