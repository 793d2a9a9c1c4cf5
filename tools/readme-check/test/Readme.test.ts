/**
 * Every code block of the repository's Markdown files, used as a reader would use it: each `ts`
 * block is compiled on its own (strict, against the built packages, as a consumer compiles it) and,
 * where the page shows its output, run and compared; each `sh` block is run exactly as written.
 * Blocks that cannot run here carry a `skip` marker with the reason, and show as skipped tests.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Spawn from "katanemo-testkit/Spawn"
import { execFile } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { promisify } from "node:util"
import { type Block, blocks, markdownFiles, root, substitutePort, withoutSetUp } from "./Markdown.js"

const here = path.resolve(root, "tools", "readme-check")
const execFileAsync = promisify(execFile)
const work = path.join(here, ".blocks")
const pinnedPnpm = (JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { packageManager: string })
  .packageManager.replace(/^pnpm@/, "")

// `READMECHECK_ONLY=apps/cli/README.md pnpm vitest run tools/readme-check` checks one file while writing it.
const only = process.env["READMECHECK_ONLY"]
const all = markdownFiles().filter((file) => only === undefined || file === only).flatMap((file) =>
  blocks(file, fs.readFileSync(path.join(root, file), "utf8"))
)
const where = (block: Block) => `${block.file}:${block.line}`
const moduleName = (block: Block) => `${block.file.replace(/[^A-Za-z0-9]+/g, "_")}_L${block.line}`

const skipped: Array<string> = []
afterAll(() => {
  if (skipped.length > 0) console.log(`readme-check skipped ${skipped.length} block(s):\n${skipped.join("\n")}`)
})

/** The environment a reader's shell has: none of the SDK's or turbo's variables that the test run set. */
const readerEnv = (): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(KATANEMO|TURBO)_/.test(name))),
  NO_COLOR: "1"
})

describe("TypeScript blocks", () => {
  const typescript = all.filter((block) => block.lang === "ts")
  // One compiler run for all blocks: diagnostics are mapped back to each block's README line.
  const diagnostics = new Map<string, Array<string>>()
  // a suite without tests fails: READMECHECK_ONLY may name a page without ts blocks
  if (typescript.length === 0) it.skip("(no ts blocks on the pages checked)", () => {})

  // Asynchronous: a vitest worker blocked for a minute (tsc on a loaded machine) misses its
  // runner's replies and fails the run with Timeout calling "onTaskUpdate".
  beforeAll(async () => {
    // tsc fails on a project without inputs (READMECHECK_ONLY on a page without ts blocks)
    if (typescript.length === 0) return
    fs.rmSync(work, { recursive: true, force: true })
    fs.mkdirSync(work, { recursive: true })
    for (const block of typescript) fs.writeFileSync(path.join(work, `${moduleName(block)}.ts`), `${block.code}\n`)
    fs.writeFileSync(
      path.join(work, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          lib: ["ES2022"],
          module: "NodeNext",
          moduleResolution: "NodeNext",
          moduleDetection: "force",
          strict: true,
          exactOptionalPropertyTypes: true,
          skipLibCheck: true,
          types: ["node"],
          outDir: "out",
          rootDir: "."
        },
        include: ["*.ts"]
      })
    )
    try {
      await execFileAsync(path.join(root, "node_modules", ".bin", "tsc"), ["-p", work, "--pretty", "false"], {
        cwd: here
      })
    } catch (error) {
      const stdout = (error as { stdout?: unknown }).stdout
      for (const line of String(stdout ?? error).split("\n")) {
        const found = /^(?:.*[\\/])?([^\\/(]+)\.ts\((\d+),\d+\): (error .*)$/.exec(line)
        if (found === null) continue
        const [, name = "", blockLine = "0", message = ""] = found
        diagnostics.set(name, [...(diagnostics.get(name) ?? []), `line ${blockLine} of the block: ${message}`])
      }
      if (diagnostics.size === 0) throw error
    }
  }, 300_000)

  for (const block of typescript) {
    if (block.marker._tag === "Skip") {
      skipped.push(`  ${where(block)} (ts): ${block.marker.reason}`)
      it.skip(`${where(block)} (${block.marker.reason})`, () => {})
      continue
    }
    it(`${where(block)} compiles on its own`, () => {
      const errors = diagnostics.get(moduleName(block)) ?? []
      assert.deepStrictEqual(errors, [], `${where(block)} does not compile:\n${errors.join("\n")}`)
    })
    const output = block.output
    if (output !== undefined) {
      it(`${where(block)} prints what the page shows`, async () => {
        const { stdout: printed } = await execFileAsync(
          process.execPath,
          [path.join(work, "out", `${moduleName(block)}.js`)],
          { cwd: here, env: readerEnv() }
        )
        assert.strictEqual(printed.trimEnd(), output.trimEnd(), `${where(block)} printed something else`)
      })
    }
  }
})

/** How long one block may run: generous, `pnpm test` in a block runs lint, type-check and tests on two cores. */
const blockBound = "170 seconds"

/** `text` as a pattern that matches it literally. */
const literally = (text: string) => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))

/**
 * Runs `bash -e` on a block's commands from the repository root, in its own process group (all
 * it starts is stopped with it); fails with its output unless it exits with 0.
 */
const runShell = (code: string, env: NodeJS.ProcessEnv, what: string) =>
  Effect.gen(function*() {
    const finished = yield* Spawn.run("bash", ["-e", "-o", "pipefail", "-c", code], {
      cwd: root,
      env,
      inherit: false,
      group: true,
      within: blockBound,
      what
    })
    assert.strictEqual(finished.code, 0, `${what} failed (exit ${finished.code}):\n${finished.output}`)
    return finished.output
  })

describe("shell blocks, run as written", () => {
  const shell = all.filter((b) => b.lang === "sh")
  // a suite without tests fails: READMECHECK_ONLY may name a page without sh blocks
  if (shell.length === 0) it.skip("(no sh blocks on the pages checked)", () => {})
  for (const block of shell) {
    const marker = block.marker
    if (marker._tag === "Skip") {
      skipped.push(`  ${where(block)} (sh): ${marker.reason}`)
      it.skip(`${where(block)} (${marker.reason})`, () => {})
      continue
    }
    // servers are started in the test's scope: its end stops each with all it started, also on failure
    it.scoped(`${where(block)} runs`, () =>
      Effect.gen(function*() {
        const port = yield* Spawn.freePort
        const code = substitutePort(withoutSetUp(block.code, pinnedPnpm), port)
        const env = readerEnv()
        if (marker._tag === "LocalApi") {
          const api = yield* Spawn.node(path.join(root, "apps", "local-api", "dist", "bin.js"), [
            "--port",
            String(port),
            "--token",
            "tok_local",
            ...marker.args
          ], { cwd: root, env, inherit: false })
          yield* api.waitFor(/listening on/, `"listening on" from the local API for ${where(block)}`)
        }
        if (marker._tag === "Server") {
          const server = yield* Spawn.spawnScoped("bash", ["-e", "-c", code], {
            cwd: root,
            env,
            inherit: false,
            group: true
          })
          yield* server.waitFor(literally(marker.ready), `"${marker.ready}" from the server started by ${where(block)}`)
        } else {
          yield* runShell(code, env, where(block))
        }
      }), 300_000)
  }
})
