/** The command-line server as a process: seed files, signals, exit codes. */
import { assert, describe, it } from "@effect/vitest"
import { type ChildProcess, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const app = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const tsx = path.resolve(app, "..", "..", "node_modules", ".bin", "tsx")

interface Run {
  readonly child: ChildProcess
  readonly output: () => string
  readonly exit: Promise<number | null>
}

const start = (args: ReadonlyArray<string>): Run => {
  const child = spawn(tsx, ["src/bin.ts", ...args], { cwd: app, env: { ...process.env, NO_COLOR: "1" } })
  let output = ""
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()))
  return { child, output: () => output, exit: new Promise((resolve) => child.on("exit", (code) => resolve(code))) }
}

const listening = async (run: Run): Promise<string> => {
  for (let i = 0; i < 300; i++) {
    const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(run.output())
    if (found?.[1] !== undefined) return found[1]
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`the server did not start:\n${run.output()}`)
}

const writeSeed = (content: string) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "katanemo-seed-")), "seed.json")
  fs.writeFileSync(file, content)
  return file
}

describe("katanemo-local-api (the process)", () => {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    it(`serves a seed file, then shuts down gracefully on ${signal}`, async () => {
      const seed = writeSeed(JSON.stringify({
        accounts: [{ accountId: "acme", keys: [{ clientId: "ck_seed", clientName: "seeded", roles: ["admin"] }] }]
      }))
      const run = start(["--port", "0", "--seed", seed, "--token", "tok_local"])
      const url = await listening(run)
      const denied = await fetch(`${url}/org/acme/keys`)
      assert.strictEqual(denied.status, 401)
      const listed = await fetch(`${url}/org/acme/keys`, { headers: { authorization: "Bearer tok_local" } })
      assert.strictEqual(listed.status, 200)
      assert.deepStrictEqual(await listed.json(), [{
        accountId: "acme",
        roles: ["admin"],
        clientName: "seeded",
        clientKeyId: "ck_seed",
        serviceId: "svc-local",
        isActive: true
      }])
      run.child.kill(signal)
      assert.strictEqual(await run.exit, 0, run.output())
      assert.include(run.output(), "stopped")
    }, 60_000)
  }

  it("refuses an invalid seed with a message naming the bad entry", async () => {
    const seed = writeSeed(JSON.stringify({
      accounts: [{
        accountId: "acme",
        keys: [{ clientId: "k1", clientName: "x" }, { clientId: "k2", clientName: "x" }]
      }]
    }))
    const run = start(["--port", "0", "--seed", seed])
    assert.strictEqual(await run.exit, 2)
    assert.include(run.output(), "accounts[0].keys[1].clientName: duplicate clientName \"x\"")
  }, 60_000)

  it("refuses a seed file that is not JSON", async () => {
    const run = start(["--port", "0", "--seed", writeSeed("{ accounts: ")])
    assert.strictEqual(await run.exit, 2)
    assert.include(run.output(), "is not valid JSON")
  }, 60_000)
})
