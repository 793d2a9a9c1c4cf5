/**
 * Onboard a team: invite a list of people with bounded concurrency and give each their roles.
 * A person who is already a member is reported (and given the roles), not fatal; rate limits are
 * ridden out; the result is a report with one line per person.
 */
import { type CreateUserForAccountError, IdentityApi, type UpdateUserError } from "@katanemo/client"
import type { AccountId, Tags, UserId } from "@katanemo/models"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"

export interface Member {
  readonly userId: UserId
  readonly roles: ReadonlyArray<string>
  readonly tags?: Tags | undefined
}

export type Outcome =
  | { readonly userId: UserId; readonly status: "invited"; readonly roles: ReadonlyArray<string> }
  | { readonly userId: UserId; readonly status: "already-member"; readonly roles: ReadonlyArray<string> }
  | { readonly userId: UserId; readonly status: "failed"; readonly reason: string }

export interface Report {
  readonly accountId: AccountId
  readonly outcomes: ReadonlyArray<Outcome>
  /** Calls answered 429 and retried. */
  readonly rateLimited: number
}

export interface Options {
  readonly accountId: AccountId
  readonly members: ReadonlyArray<Member>
  /** Invites in flight at once (default 4). */
  readonly concurrency?: number | undefined
  /** How to ride out 429s (default: exponential from 100 ms, up to 10 retries). */
  readonly rateLimitSchedule?: Schedule.Schedule<unknown> | undefined
}

const defaultRateLimitSchedule = Schedule.exponential(Duration.millis(100)).pipe(
  Schedule.union(Schedule.spaced("2 seconds")),
  Schedule.intersect(Schedule.recurs(10))
)

const reason = (error: CreateUserForAccountError | UpdateUserError): string =>
  `${error._tag}: ${error.message === "" ? "no message" : error.message}`

/** Onboards `members` into the account and reports on each. Never fails: failures are in the report. */
export const onboardTeam = (options: Options): Effect.Effect<Report, never, IdentityApi> =>
  Effect.gen(function*() {
    const identity = yield* IdentityApi
    let rateLimited = 0
    const rideOut = <A, E extends { readonly _tag: string }>(call: Effect.Effect<A, E>) =>
      call.pipe(
        Effect.tapError((error) =>
          Effect.sync(() => (rateLimited += error._tag === "TooManyRequestsException" ? 1 : 0))
        ),
        Effect.retry({
          schedule: options.rateLimitSchedule ?? defaultRateLimitSchedule,
          while: (error) => error._tag === "TooManyRequestsException"
        })
      )

    const onboard = (member: Member): Effect.Effect<Outcome> =>
      rideOut(identity.createUserForAccount({
        accountId: options.accountId,
        userId: member.userId,
        roles: member.roles,
        ...(member.tags === undefined ? {} : { tags: member.tags })
      })).pipe(
        Effect.map((user): Outcome => ({
          userId: member.userId,
          status: "invited",
          roles: user.roles ?? member.roles
        })),
        Effect.catchTag("ConflictException", () =>
          // already a member: keep their tags, give them the roles
          rideOut(identity.getUser({ accountId: options.accountId, userId: member.userId })).pipe(
            Effect.flatMap((current) =>
              rideOut(identity.updateUser({
                accountId: options.accountId,
                userId: member.userId,
                roles: member.roles,
                tags: member.tags ?? current.tags ?? {}
              }))
            ),
            Effect.map((user): Outcome => ({
              userId: member.userId,
              status: "already-member",
              roles: user.roles ?? member.roles
            }))
          )),
        Effect.catchAll((error) =>
          Effect.succeed<Outcome>({ userId: member.userId, status: "failed", reason: reason(error) })
        ),
        Effect.withSpan("onboardTeam.member", { attributes: { "katanemo.user_id": member.userId } })
      )

    const outcomes = yield* Effect.forEach(options.members, onboard, { concurrency: options.concurrency ?? 4 })
    return { accountId: options.accountId, outcomes, rateLimited }
  }).pipe(Effect.withSpan("onboardTeam"))

/** The report as lines a person reads. */
export const formatReport = (report: Report): string => {
  const width = Math.max(...report.outcomes.map((o) => o.userId.length), 4)
  const lines = report.outcomes.map((o) => {
    const what = o.status === "failed" ? o.reason : `roles ${o.roles.join(",") || "-"}`
    return `${o.userId.padEnd(width)}  ${o.status.padEnd(14)}  ${what}`
  })
  const count = (status: Outcome["status"]) => report.outcomes.filter((o) => o.status === status).length
  return [
    ...lines,
    `${count("invited")} invited, ${count("already-member")} already members, ${count("failed")} failed; `
    + `${report.rateLimited} calls retried here after a 429`
  ].join("\n")
}
