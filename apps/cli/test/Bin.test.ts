/**
 * The installed executable: `bin/katanemo.js` runs the BUILT CLI, bundled into one file
 * (`dist/katanemo.mjs`; `pnpm --filter katanemo-cli build` first). Each child is waited for with
 * a generous bound and killed in a finalizer.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as LocalApi from "katanemo-local-api/LocalApi"
import * as Spawn from "katanemo-testkit/Spawn"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { withApi } from "./katanemo.js"

const app = fileURLToPath(new URL("..", import.meta.url))
const launcher = fileURLToPath(new URL("../bin/katanemo.js", import.meta.url))
const bundle = fileURLToPath(new URL("../dist/katanemo.mjs", import.meta.url))

const built = Effect.suspend(() =>
  fs.existsSync(bundle)
    ? Effect.void
    : Effect.dieMessage("apps/cli/dist/katanemo.mjs is missing: run `pnpm --filter katanemo-cli build` first")
)

/** Runs `node <script> <args>` to its end (at most the readiness bound); the child is killed on the way out. */
const katanemoAt = (script: string, args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  Effect.gen(function*() {
    yield* built
    // only PATH, and no NO_COLOR: the CLI itself must not colour output that is not a terminal
    const running = yield* Spawn.node(script, args, {
      cwd: app,
      inherit: false,
      env: { PATH: process.env.PATH, NO_COLOR: undefined, ...env }
    })
    const { code, stderr, stdout } = yield* Spawn.toExit(running, `katanemo ${args.join(" ")}`)
    return { code, stdout, stderr }
  }).pipe(Effect.scoped)

/** Runs `node bin/katanemo.js <args>` to its end. */
const katanemo = (args: ReadonlyArray<string>, env: Record<string, string> = {}) => katanemoAt(launcher, args, env)

/** A temporary folder, removed at the end of the scope. */
const scratch = Effect.acquireRelease(
  Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "katanemo-cli-bin-"))),
  (folder) => Effect.sync(() => fs.rmSync(folder, { recursive: true, force: true }))
)

/**
 * A folder of its own holding only the launcher and the bundle (as `bin/` and `dist/`). Its
 * `node_modules` links to the CLI's, for the one file the CLI reads at run time:
 * `@katanemo/client/package.json`, whose version `--version` prints.
 */
const launcherAlone = Effect.map(scratch, (folder) => {
  fs.mkdirSync(path.join(folder, "bin"))
  fs.mkdirSync(path.join(folder, "dist"))
  fs.copyFileSync(launcher, path.join(folder, "bin", "katanemo.js"))
  fs.copyFileSync(bundle, path.join(folder, "dist", "katanemo.mjs"))
  fs.symlinkSync(path.join(app, "node_modules"), path.join(folder, "node_modules"), "dir")
  return folder
})

/**
 * Runs `katanemo <args>` and answers, with its outcome, which of Node's own modules it had
 * loaded when it exited (a module preloaded with `--import` lists them on stderr's last line).
 */
const katanemoLoading = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  Effect.gen(function*() {
    const folder = yield* scratch
    const probe = path.join(folder, "probe.mjs")
    fs.writeFileSync(
      probe,
      "process.on(\"exit\", () => process.stderr.write(\"\\nloaded: \" + JSON.stringify(process.moduleLoadList) + \"\\n\"))\n"
    )
    const outcome = yield* katanemo(args, { ...env, NODE_OPTIONS: `--import=${pathToFileURL(probe).href}` })
    const listed = /\nloaded: (.*)\n$/.exec(outcome.stderr)
    if (listed === null) return yield* Effect.dieMessage(`no list of loaded modules on stderr: ${outcome.stderr}`)
    const loaded: unknown = JSON.parse(listed[1] ?? "[]")
    if (!Array.isArray(loaded)) return yield* Effect.dieMessage(`not a list: ${listed[1]}`)
    return { code: outcome.code, loaded: loaded.map(String) }
  }).pipe(Effect.scoped)

/** Every module specifier the bundle imports, requires or loads with `import()`. */
const importsOf = (code: string): ReadonlyArray<string> =>
  [
    ...code.matchAll(/^\s*(?:import|export)\b[^;"'`]*?\bfrom\s*"([^"]+)"/gm),
    ...code.matchAll(/^\s*import\s*"([^"]+)"/gm),
    ...code.matchAll(/\b(?:import|require|__require)\(\s*"([^"]+)"\s*\)/g)
  ].map((match) => match[1] ?? "")

describe("bin/katanemo.js, the installed executable", () => {
  it.live(
    "runs the bundle: the launcher and dist/katanemo.mjs alone, without tsc's dist/*.js, print help and version",
    () =>
      Effect.gen(function*() {
        yield* built
        const folder = yield* launcherAlone
        const alone = path.join(folder, "bin", "katanemo.js")
        const help = yield* katanemoAt(alone, ["--help"])
        assert.strictEqual(help.code, 0, help.stderr)
        assert.strictEqual(help.stderr, "")
        assert.match(help.stdout, /^katanemo \S+\n/)
        assert.include(help.stdout, "$ katanemo keys list (-a, --account text)")
        const installed = yield* katanemo(["--version"])
        const version = yield* katanemoAt(alone, ["--version"])
        assert.deepStrictEqual(version, installed)
      }).pipe(Effect.scoped),
    90_000
  )

  it.live(
    "--help loads no HTTP client: undici is imported by the first command that calls the API",
    () =>
      Effect.gen(function*() {
        // undici loads node:http2 as it starts; nothing else the CLI runs does
        const http2 = "NativeModule http2"
        const help = yield* katanemoLoading(["--help"])
        assert.strictEqual(help.code, 0)
        assert.notInclude(help.loaded, http2, "--help loaded undici")
        // the probe sees undici when it is loaded: a call that fails to connect still loads it
        const port = yield* Spawn.freePort
        const call = yield* katanemoLoading(
          ["keys", "list", "-a", "acme", "--base-url", `http://127.0.0.1:${port}`],
          { KATANEMO_MAX_RETRIES: "0" }
        )
        assert.strictEqual(call.code, 3)
        assert.include(call.loaded, http2, "a call to the API did not load undici")
      }),
    90_000
  )

  it.effect("the bundle holds every package it runs: it imports nothing but Node's own modules", () =>
    Effect.gen(function*() {
      yield* built
      const specifiers = importsOf(fs.readFileSync(bundle, "utf8"))
      // the scan finds the imports a bundle has (else it would pass on any file)
      assert.include(specifiers, "node:module")
      assert.deepStrictEqual(specifiers.filter((specifier) => !specifier.startsWith("node:")), [])
    }))

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

  it.live(
    "KATANEMO_LOG=debug: one line per request on stderr, never the token; stdout only the result",
    () =>
      Effect.gen(function*() {
        const url = yield* LocalApi.url
        const token = "tok_BIN_log_secret_6f1a"
        const env = { KATANEMO_BASE_URL: url, KATANEMO_API_TOKEN: token, KATANEMO_LOG: "debug" }
        const listed = yield* katanemo(["keys", "list", "-a", "acme", "--json"], env)
        assert.strictEqual(listed.code, 0, listed.stderr)
        assert.deepStrictEqual(JSON.parse(listed.stdout), [])
        assert.match(
          listed.stderr,
          /^\{"message":"Katanemo API attempt","logLevel":"DEBUG",.*"katanemo\.operation":"getClientKeyList".*\}\n$/
        )
        const user = yield* katanemo(["users", "get", "-a", "acme", "-u", "nobody@acme.example"], env)
        assert.strictEqual(user.code, 1)
        const [line, error] = user.stderr.split("\n")
        assert.match(line ?? "", /^timestamp=\S+ level=DEBUG .*message="Katanemo API attempt"/)
        assert.include(line, "url.path=/org/acme/user/nobody%40acme.example")
        assert.include(line, "http.response.status_code=404")
        assert.match(error ?? "", /^katanemo: not found/)
        for (const text of [listed.stdout, listed.stderr, user.stdout, user.stderr]) assert.notInclude(text, token)
      }).pipe(withApi({ validTokens: ["tok_BIN_log_secret_6f1a"] })),
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
