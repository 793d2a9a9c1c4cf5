/** The examples' command line, in process: bad arguments are usage errors before any call; failures are one line. */
import { assert, describe, it } from "@effect/vitest"
import { IdentityApi } from "@katanemo/client"
import { InternalServerErrorException } from "@katanemo/models"
import { IdentityApiMemory, IdentityStore } from "@katanemo/testing"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { usage } from "../src/Arguments.js"
import { main } from "../src/Program.js"

const seeded = IdentityApiMemory.layer({
  seed: { accounts: [{ accountId: "acme", keys: [{ clientId: "ck_ci", clientName: "ci-bot", roles: ["admin"] }] }] }
})

/** The IdentityApi in context, for `main` to provide: the test's store sees every call. */
const fromContext = Layer.effect(IdentityApi, IdentityApi)

/** Runs `main` with a console that keeps what it prints. */
const runMain = (argv: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const out: Array<string> = []
    const err: Array<string> = []
    const console = yield* Effect.console
    const code = yield* main(argv, fromContext).pipe(
      Effect.withConsole({
        ...console,
        log: (...args: ReadonlyArray<unknown>) => Effect.sync(() => void out.push(args.map(String).join(" "))),
        error: (...args: ReadonlyArray<unknown>) => Effect.sync(() => void err.push(args.map(String).join(" ")))
      })
    )
    return { code, stdout: out.join("\n"), stderr: err.join("\n") }
  })

describe("the examples' command line", () => {
  const bad: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
    [["--"], "the account id is missing"],
    [[], "the account id is missing"],
    [[""], "the account id is empty"],
    [["   "], "the account id is empty"],
    [["-x"], "the account id \"-x\" starts with \"-\": an id, not an option"],
    [["--", "--", "acme"], "the account id \"--\" starts with \"-\": an id, not an option"],
    [["--", "acme", "-x"], "the key id \"-x\" starts with \"-\": an id, not an option"],
    [["acme", ""], "the key id is empty"],
    [["acme", "ck_ci", "extra"], "unexpected arguments after the key id: extra"]
  ]
  for (const [argv, problem] of bad) {
    it.effect(`${JSON.stringify(argv)} is a usage error (exit 2) and the store shows no call at all`, () =>
      Effect.gen(function*() {
        const { code, stderr, stdout } = yield* runMain(argv)
        assert.strictEqual(code, 2)
        assert.strictEqual(stdout, "")
        assert.strictEqual(stderr, `katanemo-examples: ${problem}\n${usage}`)
        const store = yield* IdentityStore
        assert.deepStrictEqual(yield* store.calls, [], "no call reached the API")
        assert.deepStrictEqual(yield* store.users("acme"), [], "nobody was invited")
      }).pipe(Effect.provide(seeded)))
  }

  it.effect("`-- acme ck_ci` (as pnpm 10 passes it) onboards into acme and rotates ck_ci: exit 0", () =>
    Effect.gen(function*() {
      const { code, stderr, stdout } = yield* runMain(["--", "acme", "ck_ci"])
      assert.strictEqual(code, 0, stderr)
      assert.include(stdout, "Onboarding into acme:")
      assert.include(stdout, "3 invited, 0 already members, 0 failed")
      assert.match(stdout, /Rotated ck_ci -> ck_\w+; new secret \S+ \(store it now\)/)
      const store = yield* IdentityStore
      assert.lengthOf(yield* store.users("acme"), 3)
      const keys = yield* store.keys("acme")
      assert.deepStrictEqual(keys.map((key) => key.clientName), [keys[0]?.clientName])
      assert.notStrictEqual(keys[0]?.clientKeyId, "ck_ci")
      assert.deepStrictEqual(yield* store.users("--"), [], "nothing in an account named --")
    }).pipe(Effect.provide(seeded)))

  it.effect("--help prints the usage on stdout, exit 0, no call", () =>
    Effect.gen(function*() {
      const { code, stdout } = yield* runMain(["--help"])
      assert.strictEqual(code, 0)
      assert.strictEqual(stdout, usage)
      assert.deepStrictEqual(yield* Effect.flatMap(IdentityStore, (store) => store.calls), [])
    }).pipe(Effect.provide(seeded)))

  it.effect("a failed rotation is one line on stderr (no stack), exit 1", () =>
    Effect.gen(function*() {
      const { code, stderr } = yield* runMain(["acme", "ck_missing"])
      assert.strictEqual(code, 1)
      assert.strictEqual(
        stderr,
        "katanemo-examples: rotation failed at check: NotFoundException: Key ck_missing not found"
      )
    }).pipe(Effect.provide(seeded)))

  it.effect("failed invitations make the exit code 1, after the report", () =>
    Effect.gen(function*() {
      const store = yield* IdentityStore
      yield* store.injectFault({
        operation: "createUserForAccount",
        times: 1,
        fail: new InternalServerErrorException({ message: "boom" })
      })
      const { code, stderr, stdout } = yield* runMain(["acme"])
      assert.strictEqual(code, 1)
      assert.include(stdout, "2 invited, 0 already members, 1 failed")
      assert.strictEqual(stderr, "katanemo-examples: 1 of 3 invitations failed (see the report above)")
    }).pipe(Effect.provide(seeded)))
})
