/**
 * Rotate an API key: create the replacement, check it is listed, delete the old one. If a step
 * fails after the replacement exists, roll back (delete the replacement), so that exactly one of
 * the two keys remains either way.
 */
import { IdentityApi } from "@katanemo/client"
import type { AccountId, ClientKeyResponse } from "@katanemo/models"
import { KeyId } from "@katanemo/models"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"

export interface Options {
  readonly accountId: AccountId
  readonly oldKeyId: KeyId
  /** The replacement's name (names are unique per account). */
  readonly newName: string
  readonly role: string
}

export interface Rotated {
  readonly oldKeyId: KeyId
  /** The replacement, with its secret: store it now, it is shown once. */
  readonly replacement: ClientKeyResponse
}

/**
 * The rotation failed at `step`; `rolledBack` says whether the replacement was removed again
 * (false at `check` and `create`, where there was none).
 */
export class RotationFailed extends Data.TaggedError("RotationFailed")<{
  readonly step: "check" | "create" | "verify" | "delete-old"
  readonly reason: string
  readonly rolledBack: boolean
}> {
  override get message(): string {
    return `rotation failed at ${this.step}: ${this.reason}${
      this.rolledBack ? " (the replacement was deleted again)" : ""
    }`
  }
}

const describe = (error: { readonly _tag: string; readonly message: string }) =>
  `${error._tag}${error.message === "" ? "" : `: ${error.message}`}`

/** Rotates the key. On failure, exactly the old key remains. */
export const rotateKey = (options: Options): Effect.Effect<Rotated, RotationFailed, IdentityApi> =>
  Effect.gen(function*() {
    const identity = yield* IdentityApi
    const { accountId, oldKeyId } = options
    const fail = (step: RotationFailed["step"], rolledBack: boolean) => (error: { _tag: string; message: string }) =>
      new RotationFailed({ step, reason: describe(error), rolledBack })

    yield* Effect.mapError(identity.getClientKey({ accountId, keyId: oldKeyId }), fail("check", false))
    const replacement = yield* Effect.mapError(
      identity.createClientKey({ accountId, clientName: options.newName, defaultRoleId: options.role }),
      fail("create", false)
    )
    const newKeyId = KeyId.make(replacement.clientId ?? "")

    /** Deletes the replacement again, retrying a few times: it must not outlive a failed rotation. */
    const rollBack = identity.deleteClientKey({ accountId, keyId: newKeyId }).pipe(
      Effect.retry(Schedule.exponential("200 millis").pipe(Schedule.intersect(Schedule.recurs(4)))),
      Effect.as(true),
      Effect.orElseSucceed(() => false)
    )
    const orRollBack = (step: RotationFailed["step"]) => (error: { _tag: string; message: string }) =>
      Effect.flatMap(rollBack, (rolledBack) => Effect.fail(fail(step, rolledBack)(error)))

    yield* identity.getClientKeyList({ accountId }).pipe(
      Effect.filterOrFail(
        (keys) => keys.some((key) => key.clientKeyId === newKeyId),
        () => ({ _tag: "NotListed", message: `the replacement ${newKeyId} is not listed` })
      ),
      Effect.catchAll(orRollBack("verify"))
    )
    yield* identity.deleteClientKey({ accountId, keyId: oldKeyId }).pipe(
      // already gone: the rotation's goal holds
      Effect.catchTag("NotFoundException", () => Effect.succeed("already deleted")),
      Effect.catchAll(orRollBack("delete-old"))
    )
    return { oldKeyId, replacement }
  }).pipe(Effect.withSpan("rotateKey", { attributes: { "katanemo.account_id": options.accountId } }))
