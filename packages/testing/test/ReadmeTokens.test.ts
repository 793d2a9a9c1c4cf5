import { assert, it } from "@effect/vitest"
import { IdentityApi } from "@katanemo/client"
import { IdentityApiMemory } from "@katanemo/testing"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"

it.effect("a seeded key's token works until it expires", () =>
  Effect.gen(function*() {
    const identity = yield* IdentityApi
    const { accessToken } = yield* identity.getShortTermToken({
      clientId: "ck_ci",
      clientSecret: Redacted.make("cs_ci_test_secret")
    })
    const bearer = { headers: { authorization: `Bearer ${Redacted.value(accessToken)}` } }
    assert.lengthOf(yield* identity.getClientKeyList({ accountId: "acme" }, bearer), 1)
    yield* TestClock.adjust("15 minutes")
    const expired = yield* Effect.flip(identity.getClientKeyList({ accountId: "acme" }, bearer))
    assert.strictEqual(expired._tag, "UnauthorizedException")
  }).pipe(Effect.provide(IdentityApiMemory.layer({
    seed: {
      accounts: [{
        accountId: "acme",
        keys: [{ clientId: "ck_ci", clientName: "ci-bot", clientSecret: "cs_ci_test_secret" }]
      }]
    },
    validTokens: [], // auth on, issued tokens only
    tokenTtl: "15 minutes"
  }))))
