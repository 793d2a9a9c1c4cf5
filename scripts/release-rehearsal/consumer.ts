// A user's program, compiled with tsc and run with node by the release rehearsal
// (scripts/release-rehearsal/index.mjs) against @katanemo/models, @katanemo/client and
// @katanemo/testing as npm installed them from the rehearsal's registry. It calls every operation
// of IdentityApi on the in-memory layer, checks that the three packages share one version (the one
// given as the first argument, when given), and that the live client sends that version in its
// User-Agent header.
import * as HttpClient from "@effect/platform/HttpClient"
import { IdentityApi, type Operation } from "@katanemo/client"
import { IdentityApiMemory, IdentityHttpFake, IdentityStore } from "@katanemo/testing"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Redacted from "effect/Redacted"
import { createRequire } from "node:module"

const check = (condition: boolean, what: string): void => {
  if (!condition) throw new Error(`consumer check failed: ${what}`)
}

// The installed versions, from each package's own package.json (exported as "./package.json").
const require = createRequire(import.meta.url)
const versionOf = (name: string): string => {
  const manifest: unknown = require(`${name}/package.json`)
  const version = typeof manifest === "object" && manifest !== null && "version" in manifest
    ? manifest.version
    : undefined
  if (typeof version !== "string") throw new Error(`consumer check failed: ${name} has no version`)
  return version
}
const names = ["@katanemo/models", "@katanemo/client", "@katanemo/testing"]
const versions = names.map(versionOf)
console.log(`installed: ${names.map((name, i) => `${name}@${versions[i]}`).join(", ")}`)
const expected = process.argv[2] ?? versions[0]
check(versions.every((version) => version === expected), `all three packages at ${expected}`)

// Every operation the published client has, on the in-memory layer of the published testing
// package, with plain-string ids as a user writes them.
const accountId = "acme"
const userId = "ada@acme.example"
const program = Effect.gen(function*() {
  const identity = yield* IdentityApi
  const store = yield* IdentityStore
  const created = yield* identity.createClientKey({ accountId, clientName: "ci-bot", defaultRoleId: "admin" })
  const keyId: string = created.clientId ?? ""
  // `satisfies` makes tsc name an operation the published types have and this program misses
  const results = {
    createClientKey: created,
    getClientKeyList: yield* identity.getClientKeyList({ accountId }),
    getClientKey: yield* identity.getClientKey({ accountId, keyId }),
    // the new key's own secret, traded for a token before the key is deleted
    getShortTermToken: yield* identity.getShortTermToken({
      clientId: keyId,
      clientSecret: created.clientSecret ?? Redacted.make("")
    }),
    deleteClientKey: yield* identity.deleteClientKey({ accountId, keyId }),
    createUserForAccount: yield* identity.createUserForAccount({ accountId, userId, roles: ["developer"] }),
    getUsersForAccount: yield* identity.getUsersForAccount({ accountId }),
    getUser: yield* identity.getUser({ accountId, userId }),
    updateUser: yield* identity.updateUser({ accountId, userId, roles: ["admin"], tags: { team: ["sre"] } })
  } satisfies Record<Operation, unknown>
  return { keyText: keyId, results, calls: yield* store.calls, keysLeft: yield* store.keys(accountId) }
}).pipe(Effect.provide(IdentityApiMemory.layer()))

const { calls, keyText, keysLeft, results } = await Effect.runPromise(program)
const operations = Object.keys(IdentityApi.endpoints).sort()
check(
  JSON.stringify(Object.keys(results).sort()) === JSON.stringify(operations),
  `the program called every operation of the published client (${operations.join(", ")})`
)
check(
  JSON.stringify(calls.map((call) => call.operation).sort()) === JSON.stringify(operations),
  "the store answered each operation once"
)
check(calls.every((call) => Exit.isSuccess(call.outcome)), "every call succeeded")
check(keyText !== "" && results.getClientKeyList.map((key) => key.clientKeyId).join() === keyText, "the key is listed")
check(results.getClientKey.clientName === "ci-bot", "the key reads back")
check(
  String(results.getShortTermToken.accessToken) === "<redacted>"
    && Redacted.value(results.getShortTermToken.accessToken).split(".").length === 3,
  "the key's id and secret are traded for a JWT, Redacted"
)
check(results.deleteClientKey !== "" && keysLeft.length === 0, "the key is deleted")
check(results.createUserForAccount.userId === userId && results.createUserForAccount.isActive === false, "user invited")
check(results.getUsersForAccount.length === 1 && results.getUser.roles?.join() === "developer", "the user reads back")
check(results.updateUser.roles?.join() === "admin" && results.updateUser.tags?.["team"]?.join() === "sre", "updated")
console.log(`${operations.length} operations ok: ${calls.map((call) => call.operation).join(", ")}`)

// The live client, over the in-memory HttpClient fake: its User-Agent names the installed version.
let userAgent: string | undefined
const live = Effect.gen(function*() {
  const identity = yield* IdentityApi
  return yield* identity.getUsersForAccount({ accountId })
}).pipe(
  Effect.provide(IdentityHttpFake.layerClient({
    transport: {
      transformClient: (client) =>
        HttpClient.tapRequest(client, (request) => Effect.sync(() => (userAgent = request.headers["user-agent"])))
    }
  }))
)
const listed = await Effect.runPromise(live)
check(listed.length === 0, "the live client lists a fresh account's users")
check(userAgent === `katanemo-sdk-ts/${versionOf("@katanemo/client")}`, `User-Agent names the version (${userAgent})`)
console.log(`live client ok: User-Agent ${userAgent}`)
