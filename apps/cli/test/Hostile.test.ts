/**
 * Hostile command lines never become a defect: generated arguments end with a known exit code
 * and at most one line on stderr, never an internal error or a stack trace.
 */
import { assert, describe, it } from "@effect/vitest"
import { IdentityStore } from "@katanemo/testing"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Runtime from "effect/Runtime"
import { katanemoWith, type LocalApiEnv, type Outcome, withApi } from "./katanemo.js"

/** Words the CLI knows, so that generated command lines get past the first checks often. */
const vocabulary = [
  "keys",
  "users",
  "create",
  "list",
  "get",
  "delete",
  "invite",
  "update",
  "-a",
  "--account",
  "-k",
  "--key",
  "-u",
  "--user",
  "--name",
  "--role",
  "--tag",
  "--yes",
  "-y",
  "--json",
  "--token",
  "--token=",
  "--base-url",
  "--base-url=",
  "--log-level",
  "--log-level=",
  "--",
  "-",
  "",
  "=",
  "acme",
  "ck_1",
  "ada",
  "team=x",
  "=x",
  "tok_local",
  "-x",
  "--unknown",
  "\u0000",
  "\n",
  "\u001b[31m",
  "'\"`$(id)",
  "𝒳\u202e"
]

/** Text with control characters, which could split a failure over lines or colour the terminal. */
const control = FastCheck.stringOf(
  FastCheck.constantFrom("\n", "\r", "\t", "\u001b[1m", "\u0000", "\u2028", "a", "b", "=", " "),
  { minLength: 1, maxLength: 6 }
)

const word = FastCheck.oneof(
  FastCheck.constantFrom(...vocabulary),
  FastCheck.string(),
  control,
  FastCheck.fullUnicodeString({ maxLength: 8 }),
  FastCheck.tuple(FastCheck.constantFrom("--", "-", "--account=", "--key="), FastCheck.string()).map(([a, b]) => a + b)
)

/** A failure or success as the CLI promises it: one JSON object or one `katanemo:` line, no stack. */
const assertWellFormed = (args: ReadonlyArray<string>, outcome: Outcome) => {
  const context = `katanemo ${
    JSON.stringify(args)
  } -> ${outcome.code}\nstdout: ${outcome.stdout}\nstderr: ${outcome.stderr}`
  assert.include([0, 1, 2, 3], outcome.code, context)
  assert.notMatch(outcome.stdout + outcome.stderr, /\n\s+at /, context)
  assert.notInclude(outcome.stderr, "internal error", context)
  if (outcome.code === 0) {
    assert.strictEqual(outcome.rawStderr, "", context)
    return
  }
  const lines = outcome.rawStderr.split("\n")
  assert.lengthOf(lines, 1, context)
  if (args.includes("--json")) {
    const parsed: unknown = JSON.parse(lines[0] ?? "")
    assert.isTrue(typeof parsed === "object" && parsed !== null && "error" in parsed, context)
  } else {
    assert.match(lines[0] ?? "", /^katanemo: \S/, context)
  }
}

const env = { KATANEMO_MAX_RETRIES: "0", KATANEMO_TIMEOUT: "2s" }

/** Runs `check` on each generated command line, in the test's own runtime. */
const forAll = (
  arbitrary: FastCheck.Arbitrary<ReadonlyArray<string>>,
  check: (args: ReadonlyArray<string>, outcome: Outcome) => Effect.Effect<void, never, LocalApiEnv>
) =>
  Effect.gen(function*() {
    const runtime = yield* Effect.runtime<LocalApiEnv>()
    yield* Effect.promise(() =>
      FastCheck.assert(
        FastCheck.asyncProperty(arbitrary, (args) =>
          Runtime.runPromise(runtime)(
            Effect.flatMap(katanemoWith({ env }, ...args), (outcome) => check(args, outcome))
          )),
        { numRuns: 200 }
      )
    )
  })

describe("hostile command lines", () => {
  it.live("any command line ends with exit code 0-3 and one well-formed line, never a defect", () =>
    forAll(
      FastCheck.oneof(
        FastCheck.array(word, { maxLength: 10 }),
        // real commands with hostile values, so that many reach the API
        FastCheck.tuple(
          FastCheck.constantFrom(
            ["keys", "list", "-a"],
            ["keys", "get", "-a", "", "-k"],
            ["keys", "create", "-a", "", "--name", "", "--role"],
            ["keys", "delete", "--yes", "-a", "", "-k"],
            ["users", "invite", "-a", "", "-u", "", "--role", "", "--tag"],
            ["users", "get", "-a", "", "-u"],
            ["users", "update", "-a", "", "-u", "", "--tag"]
          ),
          FastCheck.array(FastCheck.oneof(word, control), { minLength: 4, maxLength: 4 }),
          FastCheck.constantFrom(["--token", "tok_local"], ["--json", "--token", "tok_local"], [], ["--json"])
        ).map(([template, values, extra]) => {
          // each "" slot and the end of the template take a generated value
          let next = 0
          const filled = template.map((part) => (part === "" ? values[next++] ?? "x" : part))
          return [...filled, values[3] ?? "x", ...extra]
        })
      ),
      (args, outcome) => Effect.sync(() => assertWellFormed(args, outcome))
    ).pipe(withApi()), 120_000)

  it.live("garbage before the command is a usage error: exit code 2, one katanemo: line, nothing sent", () =>
    forAll(
      FastCheck.tuple(
        FastCheck.oneof(FastCheck.string(), FastCheck.fullUnicodeString({ maxLength: 8 })).filter((first) =>
          !["keys", "users", "--json", "--help", "-h", "--version"].includes(first)
          && !/^--(token|base-url|log-level)(=|$)/.test(first)
        ),
        FastCheck.array(word.filter((next) => !["--help", "-h", "--version"].includes(next)), { maxLength: 6 })
      ).map(([first, rest]) => [first, ...rest]),
      (args, outcome) =>
        Effect.gen(function*() {
          assertWellFormed(args, outcome)
          assert.strictEqual(outcome.code, 2, `katanemo ${JSON.stringify(args)}: ${outcome.stderr}`)
          const store = yield* IdentityStore
          assert.lengthOf(yield* store.calls, 0)
        })
    ).pipe(withApi()), 120_000)
})
