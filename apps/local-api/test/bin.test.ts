/**
 * The command-line server as a process, the built program (`node dist/bin.js`): seed files,
 * signals, exit codes, argument errors, the `--cors-origin` flag and its log lines. Every process
 * is killed when its test ends, passed or failed, and `afterAll` proves none is left.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Spawn from "katanemo-testkit/Spawn"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll } from "vitest"

const app = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const bin = path.join(app, "dist", "bin.js")
const launcher = path.join(app, "bin", "katanemo-local-api.js")

const start = (args: ReadonlyArray<string>) => Spawn.node(bin, args, { cwd: app })

const listening = (run: Spawn.Running) =>
  Effect.map(
    run.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/, `the "listening on" line of katanemo-local-api`),
    (found) => found[1] ?? ""
  )

const writeSeed = (content: string) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "katanemo-seed-")), "seed.json")
  fs.writeFileSync(file, content)
  return file
}

const get = (url: string, headers: Record<string, string> = {}, method = "GET") =>
  Effect.promise(async () => {
    const response = await fetch(url, { method, headers })
    return { status: response.status, headers: response.headers, body: await response.text() }
  })

afterAll(() => {
  const left = Spawn.started.filter(Spawn.isRunning)
  assert.deepStrictEqual(left, [], `processes left running: ${left.join(", ")}`)
})

describe("katanemo-local-api (the process)", () => {
  for (const [signal, leading] of [["SIGINT", []], ["SIGTERM", ["--"]]] as const) {
    const shown = leading.length === 0 ? "" : " (after a leading `--`, as pnpm 10 passes it)"
    it.scopedLive(`serves a seed file${shown}, then shuts down gracefully on ${signal}`, () =>
      Effect.gen(function*() {
        const seed = writeSeed(JSON.stringify({
          accounts: [{ accountId: "acme", keys: [{ clientId: "ck_seed", clientName: "seeded", roles: ["admin"] }] }]
        }))
        const run = yield* start([...leading, "--port", "0", "--seed", seed, "--token", "tok_local"])
        const url = yield* listening(run)
        assert.strictEqual((yield* get(`${url}/org/acme/keys`)).status, 401)
        const listed = yield* get(`${url}/org/acme/keys`, { authorization: "Bearer tok_local" })
        assert.strictEqual(listed.status, 200)
        assert.deepStrictEqual(JSON.parse(listed.body), [{
          accountId: "acme",
          roles: ["admin"],
          clientName: "seeded",
          clientKeyId: "ck_seed",
          serviceId: "svc-local",
          isActive: true
        }])
        run.child.kill(signal)
        assert.strictEqual(yield* run.exit, 0, run.output())
        assert.include(run.output(), "stopped")
      }), 120_000)
  }

  it.scopedLive(
    "--cors-origin replaces the localhost default; each request is one log line, without the token",
    () =>
      Effect.gen(function*() {
        const token = "tok_secret_0123456789"
        const run = yield* start([
          "--port",
          "0",
          "--token",
          token,
          "--cors-origin",
          "https://app.example.com, http://app.example.com:3000/"
        ])
        const url = yield* listening(run)
        const preflight = (origin: string) =>
          get(`${url}/org/acme/keys`, {
            origin,
            "access-control-request-method": "GET",
            "access-control-request-headers": "authorization"
          }, "OPTIONS")
        const allowed = yield* preflight("http://app.example.com:3000")
        assert.strictEqual(allowed.status, 204)
        assert.strictEqual(allowed.headers.get("access-control-allow-origin"), "http://app.example.com:3000")
        const localhost = yield* preflight("http://localhost:5173")
        assert.isNull(localhost.headers.get("access-control-allow-origin"), "localhost is no longer allowed")
        const listed = yield* get(`${url}/org/acme/keys?access_token=${token}`, {
          origin: "https://app.example.com",
          authorization: `Bearer ${token}`
        })
        assert.strictEqual(listed.status, 200)
        assert.strictEqual(listed.headers.get("access-control-allow-origin"), "https://app.example.com")
        const requestId = listed.headers.get("x-request-id") ?? "missing"
        yield* run.waitFor(
          new RegExp(`GET /org/acme/keys 200 \\d+ms ${requestId}\\n`),
          "the GET's log line",
          "20 seconds"
        )
        run.child.kill("SIGTERM")
        assert.strictEqual(yield* run.exit, 0, run.output())
        const lines = run.output().split("\n").filter((line) => line.includes("/org/acme/keys"))
        assert.lengthOf(lines, 3, `one line per request:\n${run.output()}`)
        assert.notInclude(run.output(), "tok_secret", "the token is never logged")
        assert.notInclude(run.output(), "access_token", "the query string is never logged")
      }),
    120_000
  )

  it.scopedLive("a bad argument is one line on stderr, exit code 2, no JSON or stack", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
        [["--port", "4010", "--bogus"], "katanemo-local-api: Received unknown argument: '--bogus'"],
        [["--", "--port", "70000"], "katanemo-local-api: --port 70000 is not a port (0 to 65535)"],
        [["--cors-origin", "localhost:5173"], "katanemo-local-api: --cors-origin \"localhost:5173\" is not an origin"]
      ]
      const runs = yield* Effect.forEach(cases, ([args]) => start(args), { concurrency: "unbounded" })
      for (const [i, run] of runs.entries()) {
        const [args, expected] = cases[i] ?? [[], ""]
        assert.strictEqual(yield* run.exit, 2, `${args.join(" ")}:\n${run.output()}`)
        assert.strictEqual(run.stdout(), "", args.join(" "))
        const lines = run.stderr().split("\n").filter((line) => line !== "")
        assert.lengthOf(lines, 1, `one line on stderr for ${args.join(" ")}:\n${run.stderr()}`)
        assert.isTrue(lines[0]?.startsWith(expected), `${lines[0]} starts with ${expected}`)
        assert.include(lines[0], "(see katanemo-local-api --help)")
      }
    }), 120_000)

  it.scopedLive("refuses an invalid seed with a message naming the bad entry", () =>
    Effect.gen(function*() {
      const seed = writeSeed(JSON.stringify({
        accounts: [{
          accountId: "acme",
          keys: [{ clientId: "k1", clientName: "x" }, { clientId: "k2", clientName: "x" }]
        }]
      }))
      const run = yield* start(["--port", "0", "--seed", seed])
      assert.strictEqual(yield* run.exit, 2)
      assert.include(run.stderr(), "accounts[0].keys[1].clientName: duplicate clientName \"x\"")
    }), 120_000)

  it.scopedLive(
    "refuses hostile seed files (not JSON, 100,000 nested arrays) with exit code 2 and no stack",
    () =>
      Effect.gen(function*() {
        const notJson = yield* start(["--port", "0", "--seed", writeSeed("{ accounts: ")])
        const deep = yield* start(["--port", "0", "--seed", writeSeed("[".repeat(100_000) + "]".repeat(100_000))])
        assert.strictEqual(yield* notJson.exit, 2)
        assert.include(notJson.stderr(), "is not valid JSON")
        assert.strictEqual(yield* deep.exit, 2, deep.output())
        assert.match(deep.stderr(), /: invalid seed:\n {2}Expected .*, actual \[\[\[/)
        assert.lengthOf(notJson.stderr().trim().split("\n"), 1)
        assert.lengthOf(deep.stderr().trim().split("\n"), 2)
        for (const run of [notJson, deep]) assert.notMatch(run.output(), /\n\s+at /, "no stack trace")
      }),
    120_000
  )

  it.scopedLive(
    "the committed launcher runs the built program, and says what to do when it is not built",
    () =>
      Effect.gen(function*() {
        const version = yield* Spawn.node(launcher, ["--version"], { cwd: app })
        assert.strictEqual(yield* version.exit, 0, version.output())
        assert.include(version.stdout(), "0.0.0")
        const unbuilt = fs.mkdtempSync(path.join(os.tmpdir(), "katanemo-unbuilt-"))
        fs.mkdirSync(path.join(unbuilt, "bin"))
        fs.writeFileSync(path.join(unbuilt, "package.json"), JSON.stringify({ type: "module" }))
        fs.copyFileSync(launcher, path.join(unbuilt, "bin", "katanemo-local-api.js"))
        const missing = yield* Spawn.node(path.join(unbuilt, "bin", "katanemo-local-api.js"), [], { cwd: unbuilt })
        assert.strictEqual(yield* missing.exit, 1)
        assert.match(
          missing.stderr(),
          /^katanemo-local-api: not built yet \(.*dist\/bin\.js is missing\): run `pnpm build` first\n$/
        )
      }),
    120_000
  )
})
