/**
 * Every code block of the repository's Markdown files, used as a reader would use it: each `ts`
 * block is compiled on its own (strict, against the built packages, as a consumer compiles it) and,
 * where the page shows its output, run and compared; each `sh` block is run exactly as written.
 * Blocks that cannot run here carry a `skip` marker with the reason, and show as skipped tests.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { type Block, blocks, markdownFiles, root, substitutePort, withoutSetUp } from "./Markdown.js"
import { freePort, type Running, start, stop, waitFor } from "./Process.js"

const here = path.resolve(root, "tools", "readme-check")
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

  beforeAll(() => {
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
      execFileSync(path.join(root, "node_modules", ".bin", "tsc"), ["-p", work, "--pretty", "false"], {
        cwd: here,
        encoding: "utf8"
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
      it(`${where(block)} prints what the page shows`, () => {
        const printed = execFileSync(process.execPath, [path.join(work, "out", `${moduleName(block)}.js`)], {
          cwd: here,
          encoding: "utf8",
          env: readerEnv()
        })
        assert.strictEqual(printed.trimEnd(), output.trimEnd(), `${where(block)} printed something else`)
      })
    }
  }
})

/** Runs `bash -e` on a block's commands from the repository root; resolves with its output or fails with it. */
const runShell = async (code: string, env: NodeJS.ProcessEnv, what: string): Promise<string> => {
  const run = start("bash", ["-e", "-o", "pipefail", "-c", code], { cwd: root, env })
  try {
    const bound = setTimeout(() => void stop(run), 170_000)
    const code_ = await run.exited
    clearTimeout(bound)
    assert.strictEqual(code_, 0, `${what} failed (exit ${code_}):\n${run.output()}`)
    return run.output()
  } finally {
    await stop(run)
  }
}

describe("shell blocks, run as written", () => {
  for (const block of all.filter((b) => b.lang === "sh")) {
    const marker = block.marker
    if (marker._tag === "Skip") {
      skipped.push(`  ${where(block)} (sh): ${marker.reason}`)
      it.skip(`${where(block)} (${marker.reason})`, () => {})
      continue
    }
    it(`${where(block)} runs`, async () => {
      const port = await freePort()
      const code = substitutePort(withoutSetUp(block.code, pinnedPnpm), port)
      const env = readerEnv()
      const servers: Array<Running> = []
      try {
        if (marker._tag === "LocalApi") {
          const api = start(process.execPath, [
            path.join(root, "apps", "local-api", "dist", "bin.js"),
            "--port",
            String(port),
            "--token",
            "tok_local",
            ...marker.args
          ], { cwd: root, env })
          servers.push(api)
          await waitFor(api, "listening on", `the local API for ${where(block)}`)
        }
        if (marker._tag === "Server") {
          const server = start("bash", ["-e", "-c", code], { cwd: root, env })
          servers.push(server)
          await waitFor(server, marker.ready, `the server started by ${where(block)}`)
        } else {
          await runShell(code, env, where(block))
        }
      } finally {
        for (const server of servers) await stop(server)
      }
    })
  }
})
