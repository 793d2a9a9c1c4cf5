import { assert, describe, it } from "@effect/vitest"
import { IdentityApi } from "@katanemo/client"
import * as HttpClientTransport from "@katanemo/client/HttpClientTransport"
import { AccountId, BadRequestException, TooManyRequestsException, UserId } from "@katanemo/models"
import { IdentityApiMemory, IdentityHttpFake, IdentityStore } from "@katanemo/testing"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import { formatReport, type Member, onboardTeam } from "../src/OnboardTeam.js"
import { drive } from "./drive.js"

const acme = AccountId.make("acme")
const member = (name: string, ...roles: ReadonlyArray<string>): Member => ({
  userId: UserId.make(`${name}@acme.example`),
  roles
})
const team = ["ada", "grace", "linus", "margaret", "ken"].map((name) => member(name, "developer"))

const seeded = IdentityApiMemory.layer({
  seed: {
    accounts: [{
      accountId: "acme",
      users: [{ userId: "grace@acme.example", roles: ["viewer"], tags: { team: ["compilers"] } }]
    }]
  }
})

describe("onboardTeam", () => {
  it.effect("invites everyone; an existing member is reported and given the roles, not fatal", () =>
    Effect.gen(function*() {
      const report = yield* onboardTeam({ accountId: acme, members: team })
      assert.deepStrictEqual(report.outcomes.map((o) => [o.userId, o.status]), [
        ["ada@acme.example", "invited"],
        ["grace@acme.example", "already-member"],
        ["linus@acme.example", "invited"],
        ["margaret@acme.example", "invited"],
        ["ken@acme.example", "invited"]
      ])
      const store = yield* IdentityStore
      const users = yield* store.users("acme")
      assert.lengthOf(users, 5)
      assert.isTrue(users.every((u) => u.roles?.join() === "developer"), "everyone has the roles")
      const grace = users.find((u) => u.userId === "grace@acme.example")
      assert.deepStrictEqual(grace?.tags, { team: ["compilers"] }, "the existing member keeps their tags")
      assert.include(formatReport(report), "4 invited, 1 already members, 0 failed")
    }).pipe(Effect.provide(seeded)))

  it.effect("keeps at most `concurrency` invites in flight", () =>
    Effect.gen(function*() {
      const store = yield* IdentityStore
      yield* store.injectFault({ operation: "createUserForAccount", times: 10, delay: "5 seconds" })
      const members = Array.from({ length: 10 }, (_, i) => member(`user${i}`, "r"))
      const fiber = yield* Effect.fork(onboardTeam({ accountId: acme, members, concurrency: 3 }))
      let sleeping = 0
      for (let i = 0; i < 100 && sleeping < 3; i++) {
        yield* Effect.yieldNow()
        sleeping = Chunk.size(yield* TestClock.sleeps())
      }
      for (let i = 0; i < 20; i++) yield* Effect.yieldNow()
      assert.strictEqual(Chunk.size(yield* TestClock.sleeps()), 3, "three invites wait at once, not ten")
      yield* TestClock.adjust("5 seconds")
      yield* TestClock.adjust("5 seconds")
      yield* TestClock.adjust("5 seconds")
      yield* TestClock.adjust("5 seconds")
      const report = yield* Fiber.join(fiber)
      assert.isTrue(report.outcomes.every((o) => o.status === "invited"))
    }).pipe(Effect.provide(IdentityApiMemory.layer())))

  it.effect("rides out a 429 storm: everyone is invited exactly once", () =>
    Effect.gen(function*() {
      const store = yield* IdentityStore
      yield* store.injectFault({
        operation: "createUserForAccount",
        times: 12,
        fail: new TooManyRequestsException({ message: "slow down" })
      })
      const report = yield* drive(onboardTeam({ accountId: acme, members: team, concurrency: 2 }))
      assert.strictEqual(report.rateLimited, 12)
      assert.isTrue(report.outcomes.every((o) => o.status === "invited"))
      assert.deepStrictEqual((yield* store.users("acme")).map((u) => u.userId).sort(), team.map((m) => m.userId).sort())
    }).pipe(Effect.provide(IdentityApiMemory.layer())))

  it.effect("a failure for one person is in the report; the others go on", () =>
    Effect.gen(function*() {
      const store = yield* IdentityStore
      yield* store.injectFault({
        operation: "createUserForAccount",
        fail: new BadRequestException({ message: "no such role" })
      })
      const report = yield* onboardTeam({ accountId: acme, members: team, concurrency: 1 })
      assert.deepStrictEqual(report.outcomes[0], {
        userId: UserId.make("ada@acme.example"),
        status: "failed",
        reason: "BadRequestException: no such role"
      })
      assert.lengthOf(yield* store.users("acme"), 4)
    }).pipe(Effect.provide(IdentityApiMemory.layer())))

  it.effect("over HTTP (the live client on the wire-level fake), a rate limit is ridden out too", () =>
    Effect.gen(function*() {
      const store = yield* IdentityStore
      yield* store.setRateLimit(2)
      const report = yield* drive(onboardTeam({ accountId: acme, members: team, concurrency: 5 }))
      assert.isTrue(report.outcomes.every((o) => o.status === "invited"), formatReport(report))
      assert.lengthOf(yield* store.users("acme"), 5)
    }).pipe(
      Effect.provide(
        IdentityApi.layer({ baseUrl: "http://katanemo.test" }).pipe(
          Layer.provide(HttpClientTransport.layer()),
          Layer.provide(IdentityHttpFake.layer()),
          Layer.provideMerge(Layer.orDie(IdentityStore.layer()))
        )
      )
    ))
})
