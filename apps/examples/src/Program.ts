/**
 * The examples as one program: onboard a team into the named account, then rotate the named key.
 * Its outcome is an exit code: 0 done, 1 a call failed (one line on stderr), 2 a usage error (one
 * line and the usage on stderr, before anything is called).
 */
import { type IdentityApi } from "@katanemo/client"
import { UserId } from "@katanemo/models"
import * as Cause from "effect/Cause"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { type Arguments, parse, usage } from "./Arguments.js"
import { formatReport, onboardTeam } from "./OnboardTeam.js"
import { rotateKey } from "./RotateKey.js"

const name = "katanemo-examples"

/** Some invitations failed; the report above says which and why. */
export class OnboardingIncomplete extends Schema.TaggedError<OnboardingIncomplete>()("OnboardingIncomplete", {
  failed: Schema.Number,
  of: Schema.Number
}) {
  override get message(): string {
    return `${this.failed} of ${this.of} invitations failed (see the report above)`
  }
}

/**
 * Onboards the team into `accountId`, then rotates `oldKeyId` when given; fails after the rotation
 * when an invitation failed.
 */
export const run = ({ accountId, oldKeyId }: Arguments) =>
  Effect.gen(function*() {
    const report = yield* onboardTeam({
      accountId,
      members: [
        { userId: UserId.make("ada@example.com"), roles: ["admin"] },
        { userId: UserId.make("grace@example.com"), roles: ["developer"], tags: { team: ["compilers"] } },
        { userId: UserId.make("linus@example.com"), roles: ["developer"] }
      ]
    })
    yield* Console.log(`Onboarding into ${accountId}:\n${formatReport(report)}`)
    if (Option.isSome(oldKeyId)) {
      const rotated = yield* rotateKey({
        accountId,
        oldKeyId: oldKeyId.value,
        newName: `rotated-${Date.now()}`,
        role: "admin"
      })
      const secret = rotated.replacement.clientSecret
      yield* Console.log(
        `Rotated ${oldKeyId.value} -> ${rotated.replacement.clientId}; new secret ${
          secret ? Redacted.value(secret) : "-"
        } (store it now)`
      )
    }
    const failed = report.outcomes.filter((outcome) => outcome.status === "failed").length
    if (failed > 0) return yield* new OnboardingIncomplete({ failed, of: report.outcomes.length })
  })

/** One line for a failure: its message (the tag when it has none), without a stack. */
const oneLine = (error: unknown): string => {
  const text = typeof error === "object" && error !== null && "message" in error && typeof error.message === "string"
      && error.message !== ""
    ? error.message
    : typeof error === "object" && error !== null && "_tag" in error
    ? String(error._tag)
    : String(error)
  return text.replace(/\s*\n\s*/g, "; ")
}

/**
 * Runs the examples with the arguments after the program's name, calling the API through
 * `identity` (built only once the arguments are valid). Returns the exit code.
 */
export const main = <E, R>(
  argv: ReadonlyArray<string>,
  identity: Layer.Layer<IdentityApi, E, R>
): Effect.Effect<number, never, R> =>
  Either.match(parse(argv), {
    onLeft: (error) =>
      error._tag === "HelpRequested"
        ? Effect.as(Console.log(usage), 0)
        : Effect.as(Console.error(`${name}: ${error.message}\n${usage}`), 2),
    onRight: (args) =>
      run(args).pipe(
        Effect.provide(identity),
        Effect.as(0),
        Effect.catchAllCause((cause) =>
          Effect.as(
            Console.error(
              `${name}: ${oneLine(Option.getOrElse(Cause.failureOption(cause), () => Cause.squash(cause)))}`
            ),
            1
          )
        )
      )
  })
