import { assert, describe, it } from "@effect/vitest"
import { AccountId, InternalServerErrorException, KeyId } from "@katanemo/models"
import { IdentityApiMemory, IdentityStore } from "@katanemo/testing"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { rotateKey } from "../src/RotateKey.js"
import { drive } from "./drive.js"

const acme = AccountId.make("acme")
const oldKeyId = KeyId.make("ck_old")
const withOldKey = IdentityApiMemory.layer({
  seed: { accounts: [{ accountId: "acme", keys: [{ clientId: "ck_old", clientName: "ci-bot", roles: ["admin"] }] }] }
})
const rotation = { accountId: acme, oldKeyId, newName: "ci-bot-2", role: "admin" }

/** The account's key ids, as the store holds them. */
const keyIds = Effect.flatMap(IdentityStore, (store) => store.keys("acme")).pipe(
  Effect.map((keys) => keys.map((k) => k.clientKeyId))
)

describe("rotateKey", () => {
  it.effect("creates the replacement, checks it, deletes the old: only the new key remains", () =>
    Effect.gen(function*() {
      const rotated = yield* rotateKey(rotation)
      assert.deepStrictEqual(yield* keyIds, [rotated.replacement.clientId])
      assert.isTrue(
        rotated.replacement.clientSecret !== undefined && Redacted.value(rotated.replacement.clientSecret).length > 0
      )
    }).pipe(Effect.provide(withOldKey)))

  it.effect("a 500 mid-rotation (deleting the old key) rolls back: only the old key remains", () =>
    Effect.gen(function*() {
      const store = yield* IdentityStore
      yield* store.injectFault({
        operation: "deleteClientKey",
        fail: new InternalServerErrorException({ message: "boom" })
      })
      const error = yield* Effect.flip(rotateKey(rotation))
      assert.deepInclude(error, { step: "delete-old", rolledBack: true })
      assert.include(error.message, "InternalServerErrorException: boom")
      assert.deepStrictEqual(yield* keyIds, [oldKeyId])
    }).pipe(Effect.provide(withOldKey)))

  it.effect("a failure while verifying rolls back: only the old key remains", () =>
    Effect.gen(function*() {
      const store = yield* IdentityStore
      yield* store.injectFault({ operation: "getClientKeyList", fail: new InternalServerErrorException({}) })
      const error = yield* Effect.flip(rotateKey(rotation))
      assert.deepInclude(error, { step: "verify", rolledBack: true })
      assert.deepStrictEqual(yield* keyIds, [oldKeyId])
    }).pipe(Effect.provide(withOldKey)))

  it.effect("the rollback itself retries through a 500 storm", () =>
    Effect.gen(function*() {
      const store = yield* IdentityStore
      yield* store.injectFault({ operation: "deleteClientKey", times: 3, fail: new InternalServerErrorException({}) })
      const error = yield* Effect.flip(drive(rotateKey(rotation)))
      assert.deepInclude(error, { step: "delete-old", rolledBack: true })
      assert.deepStrictEqual(yield* keyIds, [oldKeyId])
    }).pipe(Effect.provide(withOldKey)))

  it.effect("an unknown old key fails at the check, before anything is created", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(rotateKey({ ...rotation, oldKeyId: KeyId.make("ck_missing") }))
      assert.deepInclude(error, { step: "check", rolledBack: false })
      assert.deepStrictEqual(yield* keyIds, [oldKeyId])
    }).pipe(Effect.provide(withOldKey)))

  it.effect("a replacement name that is taken fails at create; nothing changes", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(rotateKey({ ...rotation, newName: "ci-bot" }))
      assert.deepInclude(error, { step: "create", rolledBack: false })
      assert.include(error.reason, "ConflictException")
      assert.deepStrictEqual(yield* keyIds, [oldKeyId])
    }).pipe(Effect.provide(withOldKey)))
})
