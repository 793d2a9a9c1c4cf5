/** The real command parser, end to end against the local API over HTTP: output and exit codes. */
import { assert, describe, it } from "@effect/vitest"
import { IdentityStore } from "@katanemo/testing"
import * as Effect from "effect/Effect"
import * as LocalApi from "katanemo-local-api/LocalApi"
import * as Spawn from "katanemo-testkit/Spawn"
import * as fs from "node:fs"
import { katanemo, katanemoWith, withApi } from "./katanemo.js"

/** The fields of a logfmt line (Effect's `logfmtLogger`), quoted values unquoted. */
const logfmt = (line: string): Record<string, string> =>
  Object.fromEntries(
    [...line.matchAll(/([\w.]+)=("(?:[^"\\]|\\.)*"|\S+)/g)].map(([, key = "", value = ""]) => [
      key,
      value.startsWith("\"") ? String(JSON.parse(value)) : value
    ])
  )

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

      const deleted = yield* katanemo("keys", "delete", "-a", "acme", "-k", keyId, "--yes")
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

  it.live("an API key's id and secret in the environment: the CLI obtains its token; a wrong secret is one clear line", () =>
    Effect.gen(function*() {
      const env = { KATANEMO_CLIENT_ID: "ck_ci", KATANEMO_CLIENT_SECRET: "cs_RIGHT_secret_123" }
      const listed = yield* katanemoWith({ env }, "keys", "list", "-a", "acme")
      assert.strictEqual(listed.code, 0, listed.stderr)
      assert.match(listed.stdout, /^ck_ci\s+ci-bot\s+admin\s+yes$/m)
      const store = yield* IdentityStore
      assert.deepStrictEqual((yield* store.calls).map((call) => call.operation), [
        "getShortTermToken",
        "getClientKeyList"
      ])

      const wrong = yield* katanemoWith(
        { env: { ...env, KATANEMO_CLIENT_SECRET: "cs_WRONG_secret_456" } },
        "keys",
        "list",
        "-a",
        "acme"
      )
      assert.strictEqual(wrong.code, 1)
      assert.strictEqual(
        wrong.stderr,
        "katanemo: unauthorized: the client credentials of ck_ci were rejected, so GET /org/acme/keys "
          + "(getClientKeyList) was not sent: Invalid client credentials. Check KATANEMO_CLIENT_ID and KATANEMO_CLIENT_SECRET."
      )
      // --token wins over the credentials in the environment
      const flagged = yield* katanemoWith({ env }, "keys", "list", "-a", "acme", "--token", "tok_GOOD_secret")
      assert.strictEqual(flagged.code, 0, flagged.stderr)
      for (const outcome of [listed, wrong, flagged]) {
        assert.notInclude(outcome.stdout + outcome.stderr, "cs_RIGHT_secret_123")
        assert.notInclude(outcome.stdout + outcome.stderr, "cs_WRONG_secret_456")
      }
    }).pipe(withApi({
      validTokens: ["tok_GOOD_secret"],
      seed: {
        accounts: [{
          accountId: "acme",
          keys: [{ clientId: "ck_ci", clientName: "ci-bot", roles: ["admin"], clientSecret: "cs_RIGHT_secret_123" }]
        }]
      }
    })))
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
      const outcome = yield* katanemoWith({ env: { KATANEMO_TIMEOUT: "soon" } }, "keys", "list", "-a", "acme")
      assert.strictEqual(outcome.code, 2)
      assert.include(outcome.stderr, "KATANEMO_TIMEOUT")
    }).pipe(withApi()))

  it.live("an unreachable API is a network error, exit code 3", () =>
    Effect.gen(function*() {
      const port = yield* Spawn.freePort
      const outcome = yield* katanemoWith(
        { env: { KATANEMO_MAX_RETRIES: "0" } },
        "keys",
        "list",
        "-a",
        "acme",
        "--base-url",
        `http://127.0.0.1:${port}`
      )
      assert.strictEqual(outcome.code, 3)
      assert.match(
        outcome.stderr,
        new RegExp(`^katanemo: cannot reach the Katanemo API at http://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`)
      )
    }).pipe(withApi()))

  it.live("--base-url overrides a bad KATANEMO_BASE_URL, which is then not read", () =>
    Effect.gen(function*() {
      const url = yield* LocalApi.url
      const outcome = yield* katanemoWith(
        { env: { KATANEMO_BASE_URL: "garbage" } },
        "keys",
        "list",
        "-a",
        "acme",
        "--json",
        "--base-url",
        url
      )
      assert.strictEqual(outcome.code, 0, outcome.stderr)
      assert.deepStrictEqual(JSON.parse(outcome.stdout), [])
      const without = yield* katanemoWith({ env: { KATANEMO_BASE_URL: "garbage" } }, "keys", "list", "-a", "acme")
      assert.strictEqual(without.code, 2)
      assert.match(without.stderr, /^katanemo: invalid environment: .*KATANEMO_BASE_URL.*"garbage"/)
    }).pipe(withApi()))

  for (const bad of ["garbage", "ftp://127.0.0.1", "http://127.0.0.1/?q=1"]) {
    it.live(`--base-url ${bad} is a usage error naming --base-url and the client's option, exit code 2`, () =>
      Effect.gen(function*() {
        const outcome = yield* katanemo("keys", "list", "-a", "acme", "--json", "--base-url", bad)
        assert.strictEqual(outcome.code, 2)
        assert.strictEqual(outcome.stdout, "")
        const { message, ...rest } = errorObject(outcome.stderr)
        assert.deepStrictEqual(rest, { tag: "UsageError", exitCode: 2 })
        assert.match(String(message), /^invalid --base-url: .*baseUrl.*Expected/)
      }).pipe(withApi()))
  }

  for (const args of [["--help"], ["keys", "--help"], ["users", "invite", "--help"]]) {
    it.live(`katanemo ${args.join(" ")} prints help, exit code 0`, () =>
      Effect.gen(function*() {
        const outcome = yield* katanemo(...args)
        assert.strictEqual(outcome.code, 0)
        assert.include(outcome.stdout, "USAGE")
      }).pipe(withApi()))
  }
})

/** The one JSON object printed on stderr for a failure with --json. */
const errorObject = (stderr: string): Record<string, unknown> => {
  const lines = stderr.split("\n")
  assert.lengthOf(lines, 1, `one line on stderr, got: ${stderr}`)
  const parsed: unknown = JSON.parse(lines[0] ?? "")
  assert.isTrue(typeof parsed === "object" && parsed !== null && "error" in parsed, stderr)
  const error: unknown = typeof parsed === "object" && parsed !== null && "error" in parsed ? parsed.error : undefined
  assert.isTrue(typeof error === "object" && error !== null)
  return typeof error === "object" && error !== null ? { ...error } : {}
}

describe("stdout is for results, stderr for failures and logs", () => {
  it.live("a --json error is one JSON object on stderr with tag, message, exitCode, status, operation, requestId", () =>
    Effect.gen(function*() {
      yield* katanemo("keys", "create", "-a", "acme", "--name", "ci-bot", "--role", "admin")
      const again = yield* katanemo("keys", "create", "-a", "acme", "--name", "ci-bot", "--role", "admin", "--json")
      assert.strictEqual(again.code, 1)
      assert.strictEqual(again.stdout, "")
      const error = errorObject(again.stderr)
      const { requestId, ...rest } = error
      assert.deepStrictEqual(rest, {
        tag: "ConflictException",
        message: "conflict: A key named \"ci-bot\" already exists in account acme (409 on POST /org/acme/keys)",
        exitCode: 1,
        status: 409,
        operation: "createClientKey"
      })
      assert.isString(requestId)
    }).pipe(withApi()))

  it.live("a --json usage error is a JSON object too, with only tag, message and exitCode", () =>
    Effect.gen(function*() {
      const outcome = yield* katanemo("keys", "list", "--json")
      assert.strictEqual(outcome.code, 2)
      assert.strictEqual(outcome.stdout, "")
      assert.deepStrictEqual(errorObject(outcome.stderr), {
        tag: "UsageError",
        message: "keys list: missing option --account; see 'katanemo keys list --help'",
        exitCode: 2
      })
      const port = yield* Spawn.freePort
      const network = yield* katanemoWith(
        { env: { KATANEMO_MAX_RETRIES: "0" } },
        "--json",
        "keys",
        "list",
        "-a",
        "acme",
        "--base-url",
        `http://127.0.0.1:${port}`
      )
      assert.strictEqual(network.code, 3)
      assert.strictEqual(network.stdout, "")
      assert.deepInclude(errorObject(network.stderr), { tag: "TransportError", exitCode: 3 })
    }).pipe(withApi()))

  it.live("--log-level debug logs retries on stderr, never on stdout; with --json as JSON lines", () =>
    Effect.gen(function*() {
      const port = yield* Spawn.freePort
      const args = ["keys", "list", "-a", "acme", "--base-url", `http://127.0.0.1:${port}`] as const
      const setup = { env: { KATANEMO_MAX_RETRIES: "1" } }
      const text = yield* katanemoWith(setup, "--log-level", "debug", ...args)
      assert.strictEqual(text.code, 3)
      assert.strictEqual(text.stdout, "")
      const lines = text.stderr.split("\n")
      // each attempt's line, with the retry's between them
      assert.deepStrictEqual(lines.slice(0, 3).map((line) => /message="([^"]*)"/.exec(line)?.[1]), [
        "Katanemo API attempt",
        "retrying Katanemo API call",
        "Katanemo API attempt"
      ])
      assert.deepInclude(logfmt(lines[0] ?? ""), {
        level: "DEBUG",
        "katanemo.operation": "getClientKeyList",
        "katanemo.attempt": "1",
        "error.type": "ConnectionRefused"
      })
      assert.match(lines.at(-1) ?? "", /^katanemo: cannot reach the Katanemo API/)

      const json = yield* katanemoWith(setup, ...args, "--json", "--log-level", "debug")
      assert.strictEqual(json.code, 3)
      assert.strictEqual(json.stdout, "")
      const objects = json.stderr.split("\n").map((line): unknown => JSON.parse(line))
      assert.deepInclude(objects[0], { message: "Katanemo API attempt", logLevel: "DEBUG" })
      assert.deepInclude(objects[1], { message: "retrying Katanemo API call", logLevel: "DEBUG" })
      const last = objects.at(-1)
      assert.deepStrictEqual(Object.keys(last ?? {}), ["error"], json.stderr)
      const { message, ...error } = errorObject(json.stderr.split("\n").at(-1) ?? "")
      assert.deepStrictEqual(error, { tag: "TransportError", exitCode: 3, operation: "getClientKeyList" })
      assert.match(String(message), new RegExp(`^cannot reach the Katanemo API at http://127\\.0\\.0\\.1:${port}: `))
    }).pipe(withApi()))
})

describe("KATANEMO_LOG", () => {
  const token = "tok_LOG_cli_secret_8b3e"
  /** The annotations of each JSON log line on stderr (the last line, an error, has none). */
  const annotationsOf = (stderr: string) =>
    stderr.split("\n").filter((line) => line !== "").map((line) => {
      const parsed: unknown = JSON.parse(line)
      return typeof parsed === "object" && parsed !== null && "annotations" in parsed ? parsed.annotations : undefined
    })

  it.live("=debug logs each request on stderr, never a secret; stdout holds only the result", () =>
    Effect.gen(function*() {
      const env = { KATANEMO_LOG: "debug", KATANEMO_API_TOKEN: token }
      const created = yield* katanemoWith(
        { env },
        ..."keys create -a acme --name ci-bot --role admin --json".split(" ")
      )
      assert.strictEqual(created.code, 0, created.stderr)
      const answer: unknown = JSON.parse(created.stdout)
      const secret = typeof answer === "object" && answer !== null && "clientSecret" in answer
        ? String(answer.clientSecret)
        : ""
      assert.isAtLeast(secret.length, 8, "the new key's secret, on stdout")
      const lines = annotationsOf(created.stderr)
      assert.lengthOf(lines, 1, `one line per request on stderr: ${created.stderr}`)
      const [line] = lines
      assert.deepInclude(line, {
        "katanemo.operation": "createClientKey",
        "http.request.method": "POST",
        "url.path": "/org/acme/keys",
        "http.response.status_code": 200,
        "katanemo.attempt": 1
      })
      // a rejected token: the 401's line, and the error, show neither token
      const wrong = "tok_LOG_wrong_secret_2c7d"
      const denied = yield* katanemoWith({ env: { ...env, KATANEMO_API_TOKEN: wrong } }, "keys", "list", "-a", "acme")
      assert.strictEqual(denied.code, 1)
      assert.match(denied.stderr, /level=DEBUG .*http\.response\.status_code=401/)
      for (const text of [created.stderr, denied.stderr]) {
        for (const hidden of [token, wrong, secret]) assert.notInclude(text, hidden)
      }
    }).pipe(withApi({ validTokens: [token] })))

  it.live("--log-level wins over KATANEMO_LOG; an empty one is ignored; a name in any case", () =>
    Effect.gen(function*() {
      const list = ["keys", "list", "-a", "acme"] as const
      const quiet = yield* katanemoWith({ env: { KATANEMO_LOG: "debug" } }, "--log-level", "info", ...list)
      assert.deepStrictEqual([quiet.code, quiet.stderr], [0, ""])
      const loud = yield* katanemoWith({ env: { KATANEMO_LOG: "error" } }, ...list, "--log-level=debug")
      assert.match(loud.stderr, /^timestamp=\S+ level=DEBUG .*message="Katanemo API attempt"/)
      const empty = yield* katanemoWith({ env: { KATANEMO_LOG: "" } }, ...list)
      assert.deepStrictEqual([empty.code, empty.stderr], [0, ""])
      const upper = yield* katanemoWith({ env: { KATANEMO_LOG: "DEBUG" } }, ...list)
      assert.match(upper.stderr, /message="Katanemo API attempt"/)
      const unset = yield* katanemo(...list)
      assert.deepStrictEqual([unset.code, unset.stderr], [0, ""])
    }).pipe(withApi()))

  it.live("an unknown level is a usage error naming KATANEMO_LOG; a flag given spares it", () =>
    Effect.gen(function*() {
      const outcome = yield* katanemoWith({ env: { KATANEMO_LOG: "loud" } }, "keys", "list", "-a", "acme")
      assert.strictEqual(outcome.code, 2)
      assert.strictEqual(
        outcome.stderr,
        "katanemo: KATANEMO_LOG expects one of all, trace, debug, info, warning, error, fatal, none, got \"loud\""
      )
      const flag = yield* katanemoWith(
        { env: { KATANEMO_LOG: "loud" } },
        "keys",
        "list",
        "-a",
        "acme",
        "--log-level",
        "info"
      )
      assert.strictEqual(flag.code, 0, flag.stderr)
    }).pipe(withApi()))
})

describe("usage errors are one katanemo: line, naming the right level", () => {
  const cases: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
    [["keys", "list"], "katanemo: keys list: missing option --account; see 'katanemo keys list --help'"],
    [
      ["keys", "lst"],
      "katanemo: keys: unknown command \"lst\" (did you mean \"list\"?); use one of create, list, get, delete; "
      + "see 'katanemo keys --help'"
    ],
    [
      ["users", "lst"],
      "katanemo: users: unknown command \"lst\" (did you mean \"list\"?); use one of invite, list, get, update; "
      + "see 'katanemo users --help'"
    ],
    [
      ["kyes"],
      "katanemo: unknown command \"kyes\" (did you mean \"keys\"?); use one of keys, users; see 'katanemo --help'"
    ],
    [[], "katanemo: missing command; use one of keys, users; see 'katanemo --help'"],
    [["keys"], "katanemo: keys: missing command; use one of create, list, get, delete; see 'katanemo keys --help'"],
    [
      ["keys", "list", "-a", "acme", "extra"],
      "katanemo: keys list: Received unknown argument: 'extra'; see 'katanemo keys list --help'"
    ],
    [
      ["keys", "get", "-a", "acme", "--key", "-k"],
      "katanemo: keys get: --key: expected an id, got \"-k\" (ids never start with -); see 'katanemo keys get --help'"
    ],
    [
      ["keys", "get", "-a", "", "-k", "x"],
      "katanemo: keys get: --account: Expected a non-empty account id (organization identifier), actual \"\"; "
      + "see 'katanemo keys get --help'"
    ],
    [
      ["--log-level", "loud", "keys", "list", "-a", "acme"],
      "katanemo: --log-level expects one of all, trace, debug, info, warning, error, fatal, none, got \"loud\""
    ],
    [["keys", "list", "-a", "acme", "--token"], "katanemo: --token needs a value"],
    [["keys", "list", "-a", "acme", "--wizard"], "katanemo: --wizard is not supported; see 'katanemo --help'"]
  ]
  for (const [args, says] of cases) {
    it.live(`katanemo ${args.join(" ")}`, () =>
      Effect.gen(function*() {
        const outcome = yield* katanemo(...args)
        assert.strictEqual(outcome.code, 2)
        assert.strictEqual(outcome.stdout, "")
        assert.strictEqual(outcome.rawStderr, says)
        const store = yield* IdentityStore
        assert.lengthOf(yield* store.calls, 0)
      }).pipe(withApi()))
  }

  it.live("a token with a newline is a usage error that does not show it", () =>
    Effect.gen(function*() {
      const outcome = yield* katanemo("keys", "list", "-a", "acme", "--token", "tok_se\ncret")
      assert.strictEqual(outcome.code, 2)
      assert.strictEqual(
        outcome.stderr,
        "katanemo: --token is not a valid API token: a token is visible ASCII characters only (not shown here)"
      )
    }).pipe(withApi()))

  it.live("control characters in an argument are shown escaped: the failure stays one line", () =>
    Effect.gen(function*() {
      const outcome = yield* katanemo("keys", "get", "-a", "acme", "-k", "ck\n\u001b[31mred")
      assert.strictEqual(outcome.code, 1)
      assert.strictEqual(outcome.rawStderr, "katanemo: not found: Key ck\\u000a\\u001b[31mred not found")
    }).pipe(withApi()))
})

describe("global options before or after the command", () => {
  const placements: ReadonlyArray<ReadonlyArray<string>> = [
    ["--json", "--token", "tok_local", "keys", "list", "-a", "acme"],
    ["keys", "--json", "list", "--token=tok_local", "-a", "acme"],
    ["keys", "list", "--token", "tok_local", "--json", "-a", "acme"],
    ["keys", "list", "-a", "acme", "--json", "--token", "tok_local", "--log-level", "info"],
    ["--log-level=info", "keys", "list", "-a", "acme", "--json", "--token", "tok_local"]
  ]
  for (const args of placements) {
    it.live(`katanemo ${args.join(" ")}`, () =>
      Effect.gen(function*() {
        const outcome = yield* katanemo(...args)
        assert.strictEqual(outcome.code, 0, outcome.stderr)
        assert.deepStrictEqual(JSON.parse(outcome.stdout), [])
      }).pipe(withApi({ validTokens: ["tok_local"] })))
  }

  it.live("--base-url before the command", () =>
    Effect.gen(function*() {
      const port = yield* Spawn.freePort
      const outcome = yield* katanemoWith(
        { env: { KATANEMO_MAX_RETRIES: "0" } },
        "--base-url",
        `http://127.0.0.1:${port}`,
        "keys",
        "list",
        "-a",
        "acme"
      )
      assert.strictEqual(outcome.code, 3)
      assert.include(outcome.stderr, `http://127.0.0.1:${port}`)
    }).pipe(withApi()))
})

describe("--version and --help", () => {
  it.live("--version prints @katanemo/client's version, before or after a command", () =>
    Effect.gen(function*() {
      const client: unknown = JSON.parse(
        fs.readFileSync(new URL("../../../packages/client/package.json", import.meta.url), "utf8")
      )
      const expected = typeof client === "object" && client !== null && "version" in client ? client.version : "?"
      for (const args of [["--version"], ["keys", "list", "--version"]]) {
        const outcome = yield* katanemo(...args)
        assert.strictEqual(outcome.code, 0)
        assert.strictEqual(outcome.rawStdout, expected)
      }
    }).pipe(withApi()))

  it.live("help shows full command lines and marks optional flags", () =>
    Effect.gen(function*() {
      const root = yield* katanemo("--help")
      assert.include(root.stdout, "$ katanemo keys list (-a, --account text)\n")
      assert.include(
        root.stdout,
        "$ katanemo users invite (-a, --account text) (-u, --user text) [--role text...] [--tag text...]\n"
      )
      assert.include(root.stdout, "$ katanemo keys delete (-a, --account text) (-k, --key text) [(-y, --yes)]\n")
      const group = yield* katanemo("keys", "-h")
      assert.include(group.stdout, "$ katanemo keys <command> [options]")
      assert.include(group.stdout, "$ katanemo keys get (-a, --account text) (-k, --key text)\n")
      assert.notInclude(group.stdout, "users invite")
      const leaf = yield* katanemo("users", "update", "--help")
      assert.include(
        leaf.stdout,
        "$ katanemo users update (-a, --account text) (-u, --user text) [--role text...] [--tag text...] [global options]"
      )
      assert.include(leaf.stdout, "Options in [brackets] are optional; the others are required.")
      assert.match(leaf.stdout, /--role text\.\.\.\n(.*\n)*?\s+This setting is optional\./)
      assert.include(leaf.stdout, "What is not given is kept")
      assert.include(leaf.stdout, "the SDK's updateUser, is a PUT that replaces both roles and tags")
      assert.include(leaf.stdout, "GLOBAL OPTIONS (before or after the command, all optional)")
    }).pipe(withApi()))

  it.live("no ANSI colour unless stdout is a terminal and NO_COLOR is unset", () =>
    Effect.gen(function*() {
      const ansi = /\u001b\[/
      const terminal = yield* katanemoWith({ stdoutIsTerminal: true }, "keys", "--help")
      assert.match(terminal.rawStdout, ansi)
      const piped = yield* katanemoWith({ stdoutIsTerminal: false }, "keys", "--help")
      assert.notMatch(piped.rawStdout, ansi)
      const noColor = yield* katanemoWith({ stdoutIsTerminal: true, env: { NO_COLOR: "1" } }, "keys", "--help")
      assert.notMatch(noColor.rawStdout, ansi)
      assert.strictEqual(noColor.rawStdout, piped.rawStdout)
    }).pipe(withApi()))
})

describe("users update keeps what is not given", () => {
  it.live("with nothing to change it is a usage error and sends nothing", () =>
    Effect.gen(function*() {
      const outcome = yield* katanemo("users", "update", "-a", "acme", "-u", "ada")
      assert.strictEqual(outcome.code, 2)
      assert.strictEqual(
        outcome.stderr,
        "katanemo: users update: nothing to change; give --role and/or --tag; see 'katanemo users update --help'"
      )
      const store = yield* IdentityStore
      assert.lengthOf(yield* store.calls, 0)
    }).pipe(withApi()))

  it.live("--tag alone keeps the roles", () =>
    Effect.gen(function*() {
      yield* katanemo("users", "invite", "-a", "acme", "-u", "ada", "--role", "dev", "--tag", "team=a")
      const updated = yield* katanemo("users", "update", "-a", "acme", "-u", "ada", "--tag", "team=b")
      assert.strictEqual(updated.code, 0, updated.stderr)
      const store = yield* IdentityStore
      const [after] = yield* store.users("acme")
      assert.deepStrictEqual([after?.roles, after?.tags], [["dev"], { team: ["b"] }])
    }).pipe(withApi()))
})

describe("keys delete asks first", () => {
  const created = Effect.gen(function*() {
    const outcome = yield* katanemo("keys", "create", "-a", "acme", "--name", "n", "--role", "r")
    return /Created API key (\S+)/.exec(outcome.stdout)?.[1] ?? ""
  })

  it.live("on a terminal, y deletes", () =>
    Effect.gen(function*() {
      const keyId = yield* created
      const outcome = yield* katanemoWith(
        { stdinIsTerminal: true, answer: "y" },
        "keys",
        "delete",
        "-a",
        "acme",
        "-k",
        keyId
      )
      assert.strictEqual(outcome.code, 0, outcome.stderr)
      assert.deepStrictEqual(outcome.asked, [
        `Delete API key ${keyId} from account acme? This cannot be undone. [y/N] `
      ])
      const store = yield* IdentityStore
      assert.lengthOf(yield* store.keys("acme"), 0)
    }).pipe(withApi()))

  it.live("on a terminal, anything but y keeps the key, exit code 2", () =>
    Effect.gen(function*() {
      const keyId = yield* created
      for (const answer of ["", "n", "no", "whatever"]) {
        const outcome = yield* katanemoWith(
          { stdinIsTerminal: true, answer },
          "keys",
          "delete",
          "-a",
          "acme",
          "-k",
          keyId
        )
        assert.strictEqual(outcome.code, 2)
        assert.strictEqual(outcome.stderr, `katanemo: not confirmed: API key ${keyId} was not deleted`)
      }
      const store = yield* IdentityStore
      assert.lengthOf(yield* store.keys("acme"), 1)
    }).pipe(withApi()))

  it.live("--yes deletes without asking, on a terminal or not", () =>
    Effect.gen(function*() {
      for (const stdinIsTerminal of [true, false]) {
        const keyId = yield* created
        const outcome = yield* katanemoWith({ stdinIsTerminal }, "keys", "delete", "-a", "acme", "-k", keyId, "-y")
        assert.strictEqual(outcome.code, 0, outcome.stderr)
        assert.deepStrictEqual(outcome.asked, [])
      }
      const store = yield* IdentityStore
      assert.lengthOf(yield* store.keys("acme"), 0)
    }).pipe(withApi()))

  it.live("without a terminal and without --yes, nothing is deleted and the error says to pass --yes", () =>
    Effect.gen(function*() {
      const keyId = yield* created
      const outcome = yield* katanemo("keys", "delete", "-a", "acme", "-k", keyId)
      assert.strictEqual(outcome.code, 2)
      assert.strictEqual(
        outcome.stderr,
        `katanemo: keys delete: stdin is not a terminal, so nobody can confirm; pass --yes to delete ${keyId} `
          + "(nothing was deleted)"
      )
      assert.deepStrictEqual(outcome.asked, [])
      const store = yield* IdentityStore
      assert.lengthOf(yield* store.keys("acme"), 1)
    }).pipe(withApi()))
})
