/**
 * Secrets never show: with the logger at debug level and a recording tracer, every operation,
 * succeeding and failing (retries included), through the live client over the wire-level fake.
 * Neither the token nor any client secret appears in a log line, a span attribute, an error
 * message, or String()/JSON.stringify/inspect of any result or error.
 */
import { assert, describe, it } from "@effect/vitest"
import { IdentityApi } from "@katanemo/client"
import { AccountId, InternalServerErrorException, KeyId, TooManyRequestsException, UserId } from "@katanemo/models"
import { IdentityHttpFake, IdentityStore } from "@katanemo/testing"
import * as Effect from "effect/Effect"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Tracer from "effect/Tracer"
import { inspect } from "node:util"

const token = "tok_SECRET_never_shown_42"
const acme = AccountId.make("acme")

const renderings = (value: unknown): ReadonlyArray<string> => [
  String(value),
  JSON.stringify(value) ?? "",
  inspect(value, { depth: 8 }),
  Inspectable.format(value),
  value instanceof Error ? value.message : ""
]

describe("secrets across every operation", () => {
  it.effect("never show in logs, spans, results or errors", () =>
    Effect.gen(function*() {
      const texts: Array<string> = []
      const spans: Array<Tracer.Span> = []
      const secrets: Array<string> = [token]
      const logger = Logger.make(({ annotations, message }) =>
        texts.push(`${Inspectable.format(message)} ${Inspectable.format(Object.fromEntries(annotations))}`)
      )
      const recordAll = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
        Effect.tracerWith((base) =>
          Effect.withTracer(
            effect,
            Tracer.make({
              span: (...args) => {
                const span = base.span(...args)
                spans.push(span)
                return span
              },
              context: (f, fiber) => base.context(f, fiber)
            })
          )
        ).pipe(
          Effect.exit,
          Effect.tap((exit) => Effect.sync(() => texts.push(...renderings(exit))))
        )

      const identity = yield* IdentityApi
      const store = yield* IdentityStore
      const run = <A, E>(effect: Effect.Effect<A, E>) =>
        recordAll(effect).pipe(
          Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
          Logger.withMinimumLogLevel(LogLevel.Debug)
        )

      // every operation, succeeding
      for (const name of ["ci-bot", "deployer"]) {
        const exit = yield* run(identity.createClientKey({ accountId: acme, clientName: name, defaultRoleId: "admin" }))
        if (exit._tag === "Success" && exit.value.clientSecret !== undefined) {
          secrets.push(Redacted.value(exit.value.clientSecret))
        }
      }
      assert.lengthOf(secrets, 3, "two secrets were created")
      const [key] = yield* store.keys("acme")
      const keyId = KeyId.make(key?.clientKeyId ?? "")
      const ada = UserId.make("ada@acme.example")
      yield* run(identity.getClientKeyList({ accountId: acme }))
      yield* run(identity.getClientKey({ accountId: acme, keyId }))
      yield* run(identity.createUserForAccount({ accountId: acme, userId: ada, roles: ["dev"] }))
      yield* run(identity.getUsersForAccount({ accountId: acme }))
      yield* run(identity.getUser({ accountId: acme, userId: ada }))
      yield* run(identity.updateUser({ accountId: acme, userId: ada, roles: ["admin"] }))
      yield* run(identity.deleteClientKey({ accountId: acme, keyId }))

      // and failing: not found, conflict, bad input, and faults the client retries (debug logs)
      yield* run(identity.getClientKey({ accountId: acme, keyId }))
      yield* run(identity.createUserForAccount({ accountId: acme, userId: ada }))
      yield* run(identity.createClientKey({ accountId: acme, clientName: "", defaultRoleId: "x" }))
      yield* store.injectFault({ fail: new TooManyRequestsException({ message: "slow" }), times: 3 })
      yield* run(identity.getUsersForAccount({ accountId: acme }))
      yield* store.injectFault({ fail: new InternalServerErrorException({ message: "boom" }), times: 3 })
      yield* run(identity.updateUser({ accountId: acme, userId: ada, roles: [] }))
      yield* run(identity.raw.getUser({ accountId: acme, userId: ada }))

      assert.isTrue(texts.some((text) => text.includes("retrying")), "the retries were logged at debug level")
      assert.isAbove(spans.length, 20)
      for (const span of spans) texts.push(span.name, ...renderings(Object.fromEntries(span.attributes)))
      const leaks = texts.filter((text) => secrets.some((secret) => text.includes(secret)))
      assert.deepStrictEqual(leaks, [])
    }).pipe(
      Effect.provide(
        IdentityApi.layer({
          baseUrl: "http://katanemo.test",
          token: Redacted.make(token),
          retrySchedule: Schedule.recurs(2)
        }).pipe(
          Layer.provide(IdentityHttpFake.layer),
          Layer.provideMerge(Layer.orDie(IdentityStore.layer({ validTokens: [token] })))
        )
      )
    ))
})
