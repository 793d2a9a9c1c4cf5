/** The real command parser, end to end against the local API over HTTP: output and exit codes. */
import { NodeContext } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { IdentityStore, type Options as StoreOptions } from "@katanemo/testing"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as LocalApi from "katanemo-local-api/LocalApi"
import { spawnSync } from "node:child_process"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { run } from "../src/Cli.js"

interface Outcome {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs `katanemo <args>` in process, capturing what it prints. */
const katanemo = (...args: ReadonlyArray<string>): Effect.Effect<Outcome, never, LocalApiEnv> =>
  katanemoWith({}, ...args)

/** Runs `katanemo <args>` in process with extra environment variables. */
const katanemoWith = (
  env: Record<string, string>,
  ...args: ReadonlyArray<string>
): Effect.Effect<Outcome, never, LocalApiEnv> =>
  Effect.gen(function*() {
    const stdout: Array<string> = []
    const stderr: Array<string> = []
    const base = yield* Effect.console
    const text = (parts: ReadonlyArray<unknown>) => parts.map(String).join(" ")
    const capture = {
      ...base,
      log: (...parts: ReadonlyArray<unknown>) => Effect.sync(() => void stdout.push(text(parts))),
      info: (...parts: ReadonlyArray<unknown>) => Effect.sync(() => void stdout.push(text(parts))),
      error: (...parts: ReadonlyArray<unknown>) => Effect.sync(() => void stderr.push(text(parts))),
      warn: (...parts: ReadonlyArray<unknown>) => Effect.sync(() => void stderr.push(text(parts)))
    }
    const url = yield* LocalApi.url
    const code = yield* run(["node", "katanemo", ...args]).pipe(
      Effect.withConsole(capture),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["KATANEMO_BASE_URL", url], ...Object.entries(env)])))
    )

    const plain = (lines: ReadonlyArray<string>) => lines.join("\n").replace(/\u001b\[[0-9;]*m/g, "")
    return { code, stdout: plain(stdout), stderr: plain(stderr) }
  })

type LocalApiEnv = Layer.Layer.Success<ReturnType<typeof LocalApi.layer>> | NodeContext.NodeContext

const withApi = (options: StoreOptions = {}) =>
  Effect.provide(Layer.merge(Layer.orDie(LocalApi.layer({ ...options, port: 0 })), NodeContext.layer))

describe("katanemo keys", () => {
  it.live("create prints the secret once with a note to store it; list, get, delete", () =>
    Effect.gen(function*() {
      const created = yield* katanemo("keys", "create", "--account", "acme", "--name", "ci-bot", "--role", "admin")
      assert.strictEqual(created.code, 0, created.stderr)
      const keyId = /Created API key (\S+) \(ci-bot\) in account acme\./.exec(created.stdout)?.[1] ?? ""
      assert.match(created.stdout, /Client secret: cs_\w+/)
      assert.include(created.stdout, "Store this secret now: it is shown only once")

      const listed = yield* katanemo("keys", "list", "--account", "acme")
      assert.strictEqual(listed.code, 0)
      assert.match(listed.stdout, /^KEY ID\s+NAME\s+ROLES\s+ACTIVE$/m)
      assert.match(listed.stdout, new RegExp(`^${keyId}\\s+ci-bot\\s+admin\\s+yes$`, "m"))
      assert.include(listed.stdout, "1 key in account acme")

      const json = yield* katanemo("keys", "list", "-a", "acme", "--json")
      const keys: unknown = JSON.parse(json.stdout)
      assert.deepStrictEqual(keys, [{
        accountId: "acme",
        roles: ["admin"],
        clientName: "ci-bot",
        clientKeyId: keyId,
        serviceId: "svc-local",
        isActive: true
      }])

      const got = yield* katanemo("keys", "get", "-a", "acme", "-k", keyId)
      assert.match(got.stdout, new RegExp(`^key id\\s+${keyId}$`, "m"))

      const deleted = yield* katanemo("keys", "delete", "-a", "acme", "-k", keyId)
      assert.strictEqual(deleted.code, 0)
      assert.include(deleted.stdout, `Deleted API key ${keyId} from account acme`)
      const store = yield* IdentityStore
      assert.lengthOf(yield* store.keys("acme"), 0)
    }).pipe(withApi()))

  it.live("a 409 says what conflicted, with exit code 1", () =>
    Effect.gen(function*() {
      yield* katanemo("keys", "create", "-a", "acme", "--name", "ci-bot", "--role", "admin")
      const again = yield* katanemo("keys", "create", "-a", "acme", "--name", "ci-bot", "--role", "admin")
      assert.strictEqual(again.code, 1)
      assert.strictEqual(
        again.stderr,
        "katanemo: conflict: A key named \"ci-bot\" already exists in account acme (409 on POST /org/acme/keys)"
      )
    }).pipe(withApi()))

  it.live("a missing key is a one-line not found, exit code 1", () =>
    Effect.gen(function*() {
      const missing = yield* katanemo("keys", "get", "-a", "acme", "-k", "ck_nope")
      assert.strictEqual(missing.code, 1)
      assert.strictEqual(missing.stderr, "katanemo: not found: Key ck_nope not found")
    }).pipe(withApi()))

  it.live("create --json prints the wire answer, secret included, for machines to store", () =>
    Effect.gen(function*() {
      const created = yield* katanemo("keys", "create", "-a", "acme", "--name", "x", "--role", "r", "--json")
      const body: unknown = JSON.parse(created.stdout)
      assert.isTrue(typeof body === "object" && body !== null && "clientSecret" in body && "clientId" in body)
    }).pipe(withApi()))
})

describe("katanemo users", () => {
  it.live("invite with roles and key=value tags, list, get and update", () =>
    Effect.gen(function*() {
      const invited = yield* katanemo(
        "users",
        "invite",
        "-a",
        "acme",
        "-u",
        "ada@acme.example",
        "--role",
        "developer",
        "--role",
        "oncall",
        "--tag",
        "team=platform",
        "--tag",
        "team=sre",
        "--tag",
        "site=eu"
      )
      assert.strictEqual(invited.code, 0, invited.stderr)
      assert.include(invited.stdout, "Invited ada@acme.example to account acme")
      const store = yield* IdentityStore
      const [user] = yield* store.users("acme")
      assert.deepStrictEqual([user?.roles, user?.tags], [["developer", "oncall"], {
        team: ["platform", "sre"],
        site: ["eu"]
      }])

      const listed = yield* katanemo("users", "list", "-a", "acme")
      assert.match(listed.stdout, /^ada@acme\.example\s+developer,oncall\s+team=platform\|sre,site=eu\s+no\s+no$/m)

      const updated = yield* katanemo("users", "update", "-a", "acme", "-u", "ada@acme.example", "--role", "admin")
      assert.strictEqual(updated.code, 0)
      const [after] = yield* store.users("acme")
      assert.deepStrictEqual([after?.roles, after?.tags], [["admin"], { team: ["platform", "sre"], site: ["eu"] }])

      const got = yield* katanemo("users", "get", "-a", "acme", "-u", "ada@acme.example", "--json")
      const body: unknown = JSON.parse(got.stdout)
      assert.deepInclude(body, { userId: "ada@acme.example", roles: ["admin"] })
    }).pipe(withApi()))

  it.live("inviting an existing user says so, exit code 1", () =>
    Effect.gen(function*() {
      yield* katanemo("users", "invite", "-a", "acme", "-u", "ada")
      const again = yield* katanemo("users", "invite", "-a", "acme", "-u", "ada")
      assert.strictEqual(again.code, 1)
      assert.include(again.stderr, "conflict: User ada already exists in account acme")
    }).pipe(withApi()))
})

describe("tokens", () => {
  it.live("a 401 says how to set the token; the token is never echoed", () =>
    Effect.gen(function*() {
      const denied = yield* katanemo("keys", "list", "-a", "acme")
      assert.strictEqual(denied.code, 1)
      assert.include(denied.stderr, "unauthorized: Missing bearer token. Set KATANEMO_API_TOKEN (or pass --token)")
      const wrong = yield* katanemo("keys", "list", "-a", "acme", "--token", "tok_WRONG_secret")
      assert.strictEqual(wrong.code, 1)
      const right = yield* katanemo(
        "keys",
        "create",
        "-a",
        "acme",
        "--name",
        "n",
        "--role",
        "r",
        "--token",
        "tok_GOOD_secret"
      )
      assert.strictEqual(right.code, 0)
      for (const outcome of [wrong, right]) {
        assert.notInclude(outcome.stdout + outcome.stderr, "tok_WRONG_secret")
        assert.notInclude(outcome.stdout + outcome.stderr, "tok_GOOD_secret")
      }
    }).pipe(withApi({ validTokens: ["tok_GOOD_secret"] })))
})

describe("usage and network errors", () => {
  const usage: ReadonlyArray<readonly [string, ReadonlyArray<string>, string]> = [
    ["a missing --account", ["keys", "list"], "account"],
    ["an empty --account", ["keys", "list", "--account", ""], "--account: Expected a non-empty account id"],
    [
      "a tag without =",
      ["users", "invite", "-a", "acme", "-u", "ada", "--tag", "team"],
      "--tag expects key=value, got \"team\""
    ],
    ["an unknown command", ["keys", "rotate"], "keys"]
  ]
  for (const [what, args, says] of usage) {
    it.live(`${what} is a usage error, exit code 2, and sends nothing`, () =>
      Effect.gen(function*() {
        const outcome = yield* katanemo(...args)
        assert.strictEqual(outcome.code, 2)
        assert.include(outcome.stdout + outcome.stderr, says)
        const store = yield* IdentityStore
        assert.lengthOf(yield* store.calls, 0)
      }).pipe(withApi()))
  }

  it.live("a bad environment variable is a usage error naming it, exit code 2", () =>
    Effect.gen(function*() {
      const outcome = yield* katanemoWith({ KATANEMO_TIMEOUT: "soon" }, "keys", "list", "-a", "acme")
      assert.strictEqual(outcome.code, 2)
      assert.include(outcome.stderr, "KATANEMO_TIMEOUT")
    }).pipe(withApi()))

  it.live("an unreachable API is a network error, exit code 3", () =>
    Effect.gen(function*() {
      const outcome = yield* katanemo("keys", "list", "-a", "acme", "--base-url", "http://127.0.0.1:9")
      assert.strictEqual(outcome.code, 3)
      assert.match(
        outcome.stderr,
        /^katanemo: cannot reach the Katanemo API at http:\/\/127\.0\.0\.1:9: .*ECONNREFUSED/
      )
    }).pipe(withApi()))

  for (const args of [["--help"], ["keys", "--help"], ["users", "invite", "--help"]]) {
    it.live(`katanemo ${args.join(" ")} prints help, exit code 0`, () =>
      Effect.gen(function*() {
        const outcome = yield* katanemo(...args)
        assert.strictEqual(outcome.code, 0)
        assert.include(outcome.stdout, "USAGE")
      }).pipe(withApi()))
  }
})

describe("the katanemo executable", () => {
  it("sets the process exit code", () => {
    const app = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
    const tsx = path.resolve(app, "..", "..", "node_modules", ".bin", "tsx")
    const usage = spawnSync(tsx, ["src/bin.ts", "keys", "list"], { cwd: app, encoding: "utf8" })
    assert.strictEqual(usage.status, 2, usage.stderr)
    const network = spawnSync(tsx, ["src/bin.ts", "keys", "list", "-a", "acme", "--base-url", "http://127.0.0.1:9"], {
      cwd: app,
      encoding: "utf8"
    })
    assert.strictEqual(network.status, 3, network.stderr)
    assert.include(network.stderr, "cannot reach the Katanemo API")
  }, 60_000)
})
