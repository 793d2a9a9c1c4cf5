/** The sample failures in README.md are what the CLI really prints. */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Spawn from "katanemo-testkit/Spawn"
import * as fs from "node:fs"
import { katanemo, katanemoWith, withApi } from "./katanemo.js"

const readme = fs.readFileSync(new URL("../README.md", import.meta.url), "utf8")

/** Every sample failure line in the README: `katanemo: …` lines and `{"error": …}` objects. */
const samples = readme.split("\n").filter((line) => line.startsWith("katanemo: ") || line.startsWith("{\"error\":"))

/** The API address the README's unreachable sample shows. */
const unreachable = "http://127.0.0.1:9"

/** The command line that prints each sample; each runs after a key named ci-bot was created. */
const commands: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
  [
    ["keys", "create", "--account", "acme", "--name", "ci-bot", "--role", "admin", "--token", "tok_local"],
    "katanemo: conflict: A key named \"ci-bot\" already exists in account acme (409 on POST /org/acme/keys)"
  ],
  [
    ["keys", "get", "-a", "acme", "-k", "ck_nope", "--token", "tok_local"],
    "katanemo: not found: Key ck_nope not found"
  ],
  [
    ["keys", "list", "-a", "acme"],
    "katanemo: unauthorized: Missing bearer token. Set KATANEMO_API_TOKEN (or pass --token) to a valid API token, "
    + "or KATANEMO_CLIENT_ID and KATANEMO_CLIENT_SECRET to an API key's id and secret."
  ],
  [
    ["keys", "list", "-a", "acme", "--base-url", unreachable],
    "katanemo: cannot reach the Katanemo API at http://127.0.0.1:9: connect ECONNREFUSED 127.0.0.1:9. Check "
    + "KATANEMO_BASE_URL (or --base-url)."
  ],
  [["keys", "list"], "katanemo: keys list: missing option --account; see 'katanemo keys list --help'"],
  [
    ["keys", "lst"],
    "katanemo: keys: unknown command \"lst\" (did you mean \"list\"?); use one of create, list, get, delete; "
    + "see 'katanemo keys --help'"
  ],
  [
    ["users", "update", "-a", "acme", "-u", "ada@acme.example"],
    "katanemo: users update: nothing to change; give --role and/or --tag; see 'katanemo users update --help'"
  ],
  [
    ["keys", "get", "-a", "acme", "-k", "ck_nope", "--json", "--token", "tok_local"],
    "{\"error\":{\"tag\":\"NotFoundException\",\"message\":\"not found: Key ck_nope not found\",\"exitCode\":1,"
    + "\"status\":404,\"operation\":\"getClientKey\",\"requestId\":\"req_…\"}}"
  ],
  [
    ["keys", "list", "--json"],
    "{\"error\":{\"tag\":\"UsageError\",\"message\":\"keys list: missing option --account; see 'katanemo keys list "
    + "--help'\",\"exitCode\":2}}"
  ]
]

describe("README.md", () => {
  it("shows no sample failure that this test does not run", () => {
    assert.deepStrictEqual(samples, commands.map(([, line]) => line))
  })

  for (const [args, line] of commands) {
    it.live(`katanemo ${args.join(" ")} prints the README's line`, () =>
      Effect.gen(function*() {
        yield* katanemo("keys", "create", "-a", "acme", "--name", "ci-bot", "--role", "admin", "--token", "tok_local")
        // The README shows port 9 (discard), where nothing listens on a user's machine; the test
        // cannot assume that here, so it asks a port that was bound and closed, and shows it as 9.
        const port = yield* Spawn.freePort
        const given = args.map((arg) => arg === unreachable ? `http://127.0.0.1:${port}` : arg)
        const outcome = yield* katanemoWith({ env: { KATANEMO_MAX_RETRIES: "0" } }, ...given)
        assert.notStrictEqual(outcome.code, 0)
        assert.strictEqual(outcome.stdout, "")
        // the request id differs on each call: the README shows it as req_…
        const shown = outcome.rawStderr.replaceAll(`127.0.0.1:${port}`, "127.0.0.1:9")
        assert.strictEqual(shown.replace(/"requestId":"req_[0-9a-f]+"/, "\"requestId\":\"req_…\""), line)
      }).pipe(withApi({ validTokens: ["tok_local"] })))
  }
})
