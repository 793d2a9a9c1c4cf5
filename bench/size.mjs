// The size of a program that imports the client and calls one operation over a transport, bundled
// and minified with esbuild and gzipped, and where the bytes go: one program per transport (the
// fetch transport, the undici transport, and HttpClientTransport over FetchHttpClient). With
// --check, fails when the FETCH TRANSPORT program's gzipped size is over the budget in
// size-budget.json (the test command runs this); the other programs are reported, not checked.
//
//   node size.mjs [--check] [--json]
import * as esbuild from "esbuild"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { gzipSync } from "node:zlib"

const here = path.dirname(fileURLToPath(import.meta.url))
const folder = fs.mkdtempSync(path.join(os.tmpdir(), "katanemo-size-"))

/** One getUser over the transport layer `provide` names, as a user would write it. */
const oneCall = (imports, provide) =>
  `${imports}
import { IdentityApi } from "@katanemo/client"
import { AccountId, UserId } from "@katanemo/models"
import * as Effect from "effect/Effect"

const program = Effect.flatMap(IdentityApi, (identity) =>
  identity.getUser({ accountId: AccountId.make("acme"), userId: UserId.make("ada@acme.example") }))

program.pipe(
  Effect.provide(IdentityApi.layer({ baseUrl: "https://api.katanemo.com" })),
  Effect.provide(${provide}),
  Effect.runPromise
).then(console.log)
`

// `variant` is the bench variant (variants.mjs) that runs the same transport
const programs = [
  {
    transport: "FetchTransport",
    variant: "sdk + FetchTransport",
    checked: true,
    platform: "browser",
    source: oneCall(`import * as FetchTransport from "@katanemo/client/FetchTransport"`, "FetchTransport.layer()")
  },
  {
    transport: "UndiciTransport",
    variant: "sdk + UndiciTransport",
    checked: false,
    // undici needs Node's built-ins, which stay outside the bundle
    platform: "node",
    source: oneCall(`import * as UndiciTransport from "@katanemo/client/UndiciTransport"`, "UndiciTransport.layer()")
  },
  {
    transport: "HttpClientTransport over FetchHttpClient",
    variant: "sdk + HttpClient(FetchHttpClient)",
    checked: false,
    platform: "browser",
    source: oneCall(
      `import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClientTransport from "@katanemo/client/HttpClientTransport"
import * as Layer from "effect/Layer"`,
      "HttpClientTransport.layer().pipe(Layer.provide(FetchHttpClient.layer))"
    )
  }
]

/** The package an esbuild input belongs to (a workspace package by its folder). */
const packageOf = (input) => {
  const match = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(input)
  return match?.[1]
    ?? (input.includes("packages/") ? `@katanemo/${input.split("packages/")[1].split("/")[0]}` : "(entry)")
}
/** An input's path from its package: `effect/dist/esm/Schema.js`, `@katanemo/client/dist/IdentityApi.js`. */
const moduleOf = (input) => {
  const dependency = /.*node_modules\/(.*)$/.exec(input)
  if (dependency !== null) return dependency[1]
  const workspace = /packages\/([^/]+)\/(.*)$/.exec(input)
  return workspace === null ? input : `@katanemo/${workspace[1]}/${workspace[2]}`
}

const measure = async ({ checked, platform, source, transport, variant }) => {
  const entry = path.join(folder, `${transport.replace(/\W+/g, "-")}.mjs`)
  fs.writeFileSync(entry, source)
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: "esm",
    platform,
    write: false,
    metafile: true,
    nodePaths: [path.join(here, "node_modules")],
    logLevel: "silent"
  })
  const code = result.outputFiles[0].contents
  const inputs = Object.entries(Object.values(result.metafile.outputs)[0].inputs)
  const byPackage = new Map()
  for (const [input, { bytesInOutput }] of inputs) {
    byPackage.set(packageOf(input), (byPackage.get(packageOf(input)) ?? 0) + bytesInOutput)
  }
  return {
    transport,
    variant,
    checked,
    platform,
    minifiedBytes: code.byteLength,
    gzipBytes: gzipSync(code, { level: 9 }).byteLength,
    byPackage: [...byPackage].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes),
    // the largest modules, where cutting bytes pays most
    topModules: inputs.map(([input, { bytesInOutput }]) => ({ module: moduleOf(input), bytes: bytesInOutput }))
      .sort((a, b) => b.bytes - a.bytes).slice(0, 15)
  }
}

const measured = []
for (const program of programs) measured.push(await measure(program))
fs.rmSync(folder, { recursive: true, force: true })
const checkedProgram = measured.find((p) => p.checked)
// the checked program's figures also at the top level
const report = {
  checked: checkedProgram.transport,
  minifiedBytes: checkedProgram.minifiedBytes,
  gzipBytes: checkedProgram.gzipBytes,
  byPackage: checkedProgram.byPackage,
  programs: measured
}

if (process.argv.includes("--json")) {
  console.log(JSON.stringify(report))
} else {
  const budget = JSON.parse(fs.readFileSync(path.join(here, "size-budget.json"), "utf8")).oneCallGzipBytes
  const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`
  for (const p of measured) {
    console.log(
      `one-call bundle over ${p.transport} (${p.platform}): ${kib(p.minifiedBytes)} minified, ${kib(p.gzipBytes)} (${
        p.gzipBytes.toLocaleString("en")
      } bytes) gzipped${p.checked ? ` (budget ${budget.toLocaleString("en")} bytes, checked by --check)` : ""}`
    )
    for (const { bytes, name } of p.byPackage) console.log(`  ${name.padEnd(24)} ${kib(bytes)}`)
  }
  console.log(`the largest modules of the ${checkedProgram.transport} program (minified):`)
  for (const { bytes, module } of checkedProgram.topModules) console.log(`  ${kib(bytes).padStart(9)}  ${module}`)
  if (process.argv.includes("--check") && checkedProgram.gzipBytes > budget) {
    console.error(
      `size check failed: the ${checkedProgram.transport} program is ${checkedProgram.gzipBytes} bytes gzipped, over the budget of ${budget}`
    )
    process.exit(1)
  }
}
