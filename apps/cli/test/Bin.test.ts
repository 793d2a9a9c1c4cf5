/**
 * The installed executable: `bin/katanemo.js` runs the BUILT CLI (`pnpm --filter katanemo-cli
 * build` first). Each child is waited for with a generous bound and killed in a finalizer.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Spawn from "katanemo-testkit/Spawn"
import * as fs from "node:fs"
import { fileURLToPath } from "node:url"

const app = fileURLToPath(new URL("..", import.meta.url))
const launcher = fileURLToPath(new URL("../bin/katanemo.js", import.meta.url))
const built = fileURLToPath(new URL("../dist/bin.js", import.meta.url))

/** Runs `node bin/katanemo.js <args>` to its end (at most the readiness bound); the child is killed on the way out. */
const katanemo = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  Effect.gen(function*() {
    if (!fs.existsSync(built)) {
      return yield* Effect.dieMessage("apps/cli/dist/bin.js is missing: run `pnpm --filter katanemo-cli build` first")
    }
    // only PATH, and no NO_COLOR: the CLI itself must not colour output that is not a terminal
    const running = yield* Spawn.node(launcher, args, {
      cwd: app,
      inherit: false,
      env: { PATH: process.env.PATH, NO_COLOR: undefined, ...env }
    })
    const { code, stderr, stdout } = yield* Spawn.toExit(running, `katanemo ${args.join(" ")}`)
    return { code, stdout, stderr }
  }).pipe(Effect.scoped)

describe("bin/katanemo.js, the installed executable", () => {
  it.live("--version prints the version of @katanemo/client", () =>
    Effect.gen(function*() {
      const client: unknown = JSON.parse(
        fs.readFileSync(new URL("../../../packages/client/package.json", import.meta.url), "utf8")
      )
      const version = typeof client === "object" && client !== null && "version" in client ? client.version : "?"
      const outcome = yield* katanemo(["--version"])
      assert.deepStrictEqual(outcome, { code: 0, stdout: `${version}\n`, stderr: "" })
    }), 90_000)

  it.live(
    "a --json error is one JSON object on stderr, stdout stays empty, and the exit code is set",
    () =>
      Effect.gen(function*() {
        const usage = yield* katanemo(["keys", "list", "--json"])
        assert.strictEqual(usage.code, 2)
        assert.strictEqual(usage.stdout, "")
        assert.deepStrictEqual(JSON.parse(usage.stderr), {
          error: {
            tag: "UsageError",
            message: "keys list: missing option --account; see 'katanemo keys list --help'",
            exitCode: 2
          }
        })
        const port = yield* Spawn.freePort
        const network = yield* katanemo(
          ["keys", "list", "-a", "acme", "--json", "--base-url", `http://127.0.0.1:${port}`],
          { KATANEMO_MAX_RETRIES: "0" }
        )
        assert.strictEqual(network.code, 3, network.stderr)
        assert.strictEqual(network.stdout, "")
        assert.match(network.stderr, /^\{"error":\{"tag":"TransportError",.*"exitCode":3,.*\}\}\n$/)
      }),
    90_000
  )

  it.live("a usage error without --json is one katanemo: line, uncoloured", () =>
    Effect.gen(function*() {
      const outcome = yield* katanemo(["keys", "lst"])
      assert.strictEqual(outcome.code, 2)
      assert.strictEqual(outcome.stdout, "")
      assert.strictEqual(
        outcome.stderr,
        "katanemo: keys: unknown command \"lst\" (did you mean \"list\"?); use one of create, list, get, delete; "
          + "see 'katanemo keys --help'\n"
      )
    }), 90_000)
})
