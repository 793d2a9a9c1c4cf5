/**
 * Runs the two examples against the API the environment names: KATANEMO_BASE_URL and
 * KATANEMO_API_TOKEN (a real deployment, or the local API).
 *
 *   KATANEMO_BASE_URL=http://127.0.0.1:4010 KATANEMO_API_TOKEN=tok_local \
 *     pnpm --filter katanemo-examples start acme ck_ci
 */
import { NodeRuntime } from "@effect/platform-node"
import { IdentityApi } from "@katanemo/client"
import * as UndiciTransport from "@katanemo/client/UndiciTransport"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { main } from "./Program.js"

main(process.argv.slice(2), IdentityApi.layerConfig().pipe(Layer.provide(UndiciTransport.layer()))).pipe(
  Effect.flatMap((code) => Effect.sync(() => (process.exitCode = code))),
  NodeRuntime.runMain
)
