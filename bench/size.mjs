// The size of a program that imports the client and calls one operation, bundled and minified
// with esbuild and gzipped, and where the bytes go. With --check, fails when the gzipped size is
// over the budget in size-budget.json (the test command runs this).
import * as esbuild from "esbuild"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { gzipSync } from "node:zlib"

const here = path.dirname(fileURLToPath(import.meta.url))
const entry = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "katanemo-size-")), "one-call.mjs")
fs.writeFileSync(
  entry,
  `import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { IdentityApi } from "@katanemo/client"
import { AccountId, UserId } from "@katanemo/models"
import * as Effect from "effect/Effect"

const program = Effect.flatMap(IdentityApi, (identity) =>
  identity.getUser({ accountId: AccountId.make("acme"), userId: UserId.make("ada@acme.example") }))

program.pipe(
  Effect.provide(IdentityApi.layer({ baseUrl: "https://api.katanemo.com" })),
  Effect.provide(FetchHttpClient.layer),
  Effect.runPromise
).then(console.log)
`
)

const result = await esbuild.build({
  entryPoints: [entry],
  bundle: true,
  minify: true,
  format: "esm",
  platform: "browser",
  write: false,
  metafile: true,
  nodePaths: [path.join(here, "node_modules")],
  logLevel: "silent"
})
const code = result.outputFiles[0].contents
const minifiedBytes = code.byteLength
const gzipBytes = gzipSync(code, { level: 9 }).byteLength
const byPackage = new Map()
for (const [input, { bytesInOutput }] of Object.entries(Object.values(result.metafile.outputs)[0].inputs)) {
  const match = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(input)
  const name = match?.[1]
    ?? (input.includes("packages/") ? `@katanemo/${input.split("packages/")[1].split("/")[0]}` : "(entry)")
  byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput)
}
const report = {
  minifiedBytes,
  gzipBytes,
  byPackage: [...byPackage].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes)
}

if (process.argv.includes("--json")) {
  console.log(JSON.stringify(report))
} else {
  const budget = JSON.parse(fs.readFileSync(path.join(here, "size-budget.json"), "utf8")).oneCallGzipBytes
  console.log(
    `one-call bundle: ${(minifiedBytes / 1024).toFixed(1)} KiB minified, ${
      (gzipBytes / 1024).toFixed(1)
    } KiB gzipped (budget ${(budget / 1024).toFixed(1)} KiB)`
  )
  for (const { bytes, name } of report.byPackage) console.log(`  ${name.padEnd(24)} ${(bytes / 1024).toFixed(1)} KiB`)
  if (process.argv.includes("--check") && gzipBytes > budget) {
    console.error(`size check failed: ${gzipBytes} bytes gzipped is over the budget of ${budget}`)
    process.exit(1)
  }
}
