/**
 * The main job: starts the local API in process on a free port, then, over HTTP, runs the
 * example programs with the live client and a few `katanemo` CLI commands, printing what happens.
 */
import { IdentityApi } from "@katanemo/client"
import * as UndiciTransport from "@katanemo/client/UndiciTransport"
import { AccountId, InternalServerErrorException, KeyId, UserId } from "@katanemo/models"
import { IdentityStore } from "@katanemo/testing"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberRef from "effect/FiberRef"
import * as Layer from "effect/Layer"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { run as katanemo } from "katanemo-cli/Cli"
import { formatReport, onboardTeam } from "katanemo-examples/OnboardTeam"
import { rotateKey } from "katanemo-examples/RotateKey"
import * as LocalApi from "katanemo-local-api/LocalApi"

const acme = AccountId.make("acme")

const seed = {
  accounts: [{
    accountId: "acme",
    keys: [{ clientId: "ck_legacy", clientName: "ci-bot", roles: ["deployer"] }],
    users: [{ userId: "grace@acme.example", roles: ["viewer"], tags: { team: ["compilers"] }, isActive: true }]
  }]
}

const heading = (n: number, title: string) => Console.log(`\n${n}. ${title}`)
const indent = (text: string) => text.split("\n").map((line) => `   ${line}`).join("\n")
const masked = (secret: Redacted.Redacted<string> | undefined) =>
  secret === undefined ? "-" : `(${Redacted.value(secret).length} characters, not shown)`

/** The current console, with every line it prints indented under the demo's headings. */
const indented = Effect.map(Effect.console, (base): Console.Console => {
  const lines = (parts: ReadonlyArray<unknown>) => indent(parts.map(String).join(" "))
  return {
    ...base,
    log: (...parts) => base.log(lines(parts)),
    error: (...parts) => base.error(lines(parts))
  }
})

/** Runs `katanemo <args>` in process against the local API, echoing the command and its exit code. */
const cli = (url: string, ...args: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    yield* Console.log(`\n   $ katanemo ${args.join(" ")}`)
    const code = yield* katanemo(["node", "katanemo", ...args]).pipe(
      Effect.withConsole(yield* indented),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["KATANEMO_BASE_URL", url]])))
    )
    yield* Console.log(`   (exit ${code})`)
    return code
  })

export const demo = Effect.gen(function*() {
  const started = yield* Clock.currentTimeMillis
  yield* Console.log("Katanemo Identity SDK: demo\n===========================")

  yield* heading(1, "The local API, in process")
  const url = yield* LocalApi.url
  const store = yield* IdentityStore
  yield* Console.log(indent(`listening on ${url} (OpenAPI at ${url}/openapi.json, Swagger UI at ${url}/docs)`))
  yield* Console.log(indent("seeded: account acme with key ck_legacy (ci-bot) and user grace@acme.example"))

  const live = IdentityApi.layer({ baseUrl: url }).pipe(Layer.provide(UndiciTransport.layer()))

  yield* heading(2, "Onboard a team over HTTP (3 invites at a time), with the API rate-limited to 4 calls/s")
  yield* store.setRateLimit(4)
  const members = ["ada", "grace", "linus", "margaret", "ken", "barbara"].map((name) => ({
    userId: UserId.make(`${name}@acme.example`),
    roles: ["developer"]
  }))
  const report = yield* onboardTeam({ accountId: acme, members, concurrency: 3 }).pipe(Effect.provide(live))
  yield* store.setRateLimit(undefined)
  yield* Console.log(indent(formatReport(report)))
  const limited = (yield* store.calls).filter((call) =>
    Exit.isFailure(call.outcome)
    && Option.exists(Cause.failureOption(call.outcome.cause), (error) => error._tag === "TooManyRequestsException")
  ).length
  yield* Console.log(
    indent(`(the API answered ${limited} calls 429; the live client waited out each Retry-After and retried)`)
  )

  yield* heading(3, "Rotate the API key ck_legacy")
  const rotated = yield* rotateKey({
    accountId: acme,
    oldKeyId: KeyId.make("ck_legacy"),
    newName: "ci-bot-2",
    role: "deployer"
  })
    .pipe(Effect.provide(live))
  const newKeyId = KeyId.make(rotated.replacement.clientId ?? "")
  yield* Console.log(indent(`rotated ck_legacy -> ${newKeyId}; new secret ${masked(rotated.replacement.clientSecret)}`))
  yield* Console.log(indent(`keys now: ${(yield* store.keys("acme")).map((k) => k.clientKeyId).join(", ")}`))

  yield* heading(4, "Rotate again, with the API failing (500) while deleting the old key")
  // three times: the live client retries a DELETE twice before giving up
  yield* store.injectFault({
    operation: "deleteClientKey",
    times: 3,
    fail: new InternalServerErrorException({ message: "injected failure" })
  })
  const outcome = yield* rotateKey({ accountId: acme, oldKeyId: newKeyId, newName: "ci-bot-3", role: "deployer" }).pipe(
    Effect.provide(live),
    Effect.match({
      onFailure: (failure) => failure.message,
      onSuccess: (done) => `unexpectedly rotated to ${done.replacement.clientId}`
    })
  )
  yield* Console.log(indent(outcome))
  yield* Console.log(
    indent(`keys now: ${(yield* store.keys("acme")).map((k) => k.clientKeyId).join(", ")} (exactly one)`)
  )

  yield* heading(5, "The katanemo CLI against the same API")
  yield* cli(url, "keys", "list", "--account", "acme")
  yield* cli(
    url,
    "users",
    "update",
    "--account",
    "acme",
    "--user",
    "ada@acme.example",
    "--role",
    "admin",
    "--tag",
    "team=platform"
  )
  yield* cli(url, "users", "list", "--account", "acme")
  yield* cli(url, "users", "invite", "--account", "acme", "--user", "ada@acme.example")
  yield* cli(url, "keys", "get", "--account", "acme", "--key", "ck_missing")

  yield* heading(6, "What the API saw")
  const calls = yield* store.calls
  const byOperation = new Map<string, number>()
  for (const call of calls) byOperation.set(call.operation, (byOperation.get(call.operation) ?? 0) + 1)
  yield* Console.log(indent(`${calls.length} calls: ${[...byOperation].map(([op, n]) => `${op} ×${n}`).join(", ")}`))
  const elapsed = ((yield* Clock.currentTimeMillis) - started) / 1000
  yield* Console.log(`\nDone in ${elapsed.toFixed(1)} s.`)
}).pipe(
  // the API's request log stays out of the story: its 500s are the failures the demo injects
  Effect.provide(LocalApi.layer({ port: 0, seed }).pipe(Layer.locally(FiberRef.currentMinimumLogLevel, LogLevel.None)))
)
