/**
 * Runs the two examples against the API the environment names: KATANEMO_BASE_URL and
 * KATANEMO_API_TOKEN (a real deployment, or the local API).
 *
 *   KATANEMO_BASE_URL=http://127.0.0.1:4010 pnpm --filter katanemo-examples start -- acme ck_old
 */
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { IdentityApi } from "@katanemo/client"
import { AccountId, KeyId, UserId } from "@katanemo/models"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { formatReport, onboardTeam } from "./OnboardTeam.js"
import { rotateKey } from "./RotateKey.js"

const [account = "acme", oldKey] = process.argv.slice(2)
const accountId = AccountId.make(account)

const program = Effect.gen(function*() {
  const report = yield* onboardTeam({
    accountId,
    members: [
      { userId: UserId.make("ada@example.com"), roles: ["admin"] },
      { userId: UserId.make("grace@example.com"), roles: ["developer"], tags: { team: ["compilers"] } },
      { userId: UserId.make("linus@example.com"), roles: ["developer"] }
    ]
  })
  yield* Console.log(`Onboarding into ${accountId}:\n${formatReport(report)}`)
  if (oldKey !== undefined) {
    const rotated = yield* rotateKey({
      accountId,
      oldKeyId: KeyId.make(oldKey),
      newName: `rotated-${Date.now()}`,
      role: "admin"
    })
    const secret = rotated.replacement.clientSecret
    yield* Console.log(
      `Rotated ${oldKey} -> ${rotated.replacement.clientId}; new secret ${
        secret ? Redacted.value(secret) : "-"
      } (store it now)`
    )
  }
})

program.pipe(
  Effect.provide(IdentityApi.layerConfig()),
  Effect.provide(NodeHttpClient.layerUndici),
  NodeRuntime.runMain
)
