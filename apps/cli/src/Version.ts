/**
 * The version `katanemo --version` prints: the version of `@katanemo/client` it runs on, read
 * from that package's package.json. The SDK's packages share one version (a changesets `fixed`
 * group), and the client's User-Agent is kept equal to it, so there is one source. The CLI's own
 * package.json is private and never bumped, so it is not that source.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { createRequire } from "node:module"

const PackageJson = Schema.Struct({ version: Schema.String })

/** The version, or a defect when the client's package.json cannot be read (a broken install). */
export const version: Effect.Effect<string> = Effect.try(() =>
  createRequire(import.meta.url)("@katanemo/client/package.json") as unknown
).pipe(
  Effect.flatMap(Schema.decodeUnknown(PackageJson)),
  Effect.map((json) => json.version),
  Effect.orDie
)
