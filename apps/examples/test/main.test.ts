/**
 * The built examples program (`node dist/main.js`) as a process, against a server that records
 * every request: a bad argument is a usage error before any request; a run touches only the
 * account the user named, and a failure is one line. Every process is killed when its test ends,
 * and `afterAll` proves none is left.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Spawn from "katanemo-testkit/Spawn"
import * as Http from "node:http"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll } from "vitest"
import { usage } from "../src/Arguments.js"

const app = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const program = path.join(app, "dist", "main.js")

/** A server that answers every request 404 with the spec's error body and records it. */
const recordingServer = Effect.acquireRelease(
  Effect.async<{ readonly url: string; readonly requests: Array<string>; readonly server: Http.Server }>((resume) => {
    const requests: Array<string> = []
    const server = Http.createServer((request, response) => {
      requests.push(`${request.method} ${request.url}`)
      response.writeHead(404, { "content-type": "application/json" }).end(
        JSON.stringify({ code: 404, message: "Not found" })
      )
    })
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      resume(
        address === null || typeof address === "string"
          ? Effect.die(new Error(`the recording server has no TCP address: ${address}`))
          : Effect.succeed({ url: `http://127.0.0.1:${address.port}`, requests, server })
      )
    })
  }),
  ({ server }) => Effect.async<void>((resume) => void server.close(() => resume(Effect.void)))
)

const start = (args: ReadonlyArray<string>, baseUrl: string) =>
  Spawn.node(program, args, {
    cwd: app,
    env: { KATANEMO_BASE_URL: baseUrl, KATANEMO_API_TOKEN: "tok_local", KATANEMO_MAX_RETRIES: "0" }
  })

afterAll(() => {
  const left = Spawn.started.filter(Spawn.isRunning)
  assert.deepStrictEqual(left, [], `processes left running: ${left.join(", ")}`)
})

describe("katanemo-examples (the process)", () => {
  it.scopedLive(
    "`--`, `\"\"` and `-x` are usage errors: exit 2, the usage on stderr, not one request",
    () =>
      Effect.gen(function*() {
        const server = yield* recordingServer
        const cases: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
          [["--"], "katanemo-examples: the account id is missing"],
          [[""], "katanemo-examples: the account id is empty"],
          [["-x"], "katanemo-examples: the account id \"-x\" starts with \"-\": an id, not an option"]
        ]
        const runs = yield* Effect.forEach(cases, ([args]) => start(args, server.url), { concurrency: "unbounded" })
        for (const [i, run] of runs.entries()) {
          const [args, line] = cases[i] ?? [[], ""]
          assert.strictEqual(yield* run.exit, 2, `${JSON.stringify(args)}:\n${run.output()}`)
          assert.strictEqual(run.stdout(), "")
          assert.strictEqual(run.stderr(), `${line}\n${usage}\n`)
        }
        assert.deepStrictEqual(server.requests, [], "no request was made")
      }),
    120_000
  )

  it.scopedLive(
    "`-- acme ck_x` calls only /org/acme/…; a failed rotation is one line on stderr, exit 1",
    () =>
      Effect.gen(function*() {
        const server = yield* recordingServer
        const run = yield* start(["--", "acme", "ck_x"], server.url)
        assert.strictEqual(yield* run.exit, 1, run.output())
        assert.isAbove(server.requests.length, 0)
        for (const request of server.requests) assert.match(request, /^[A-Z]+ \/org\/acme\//)
        assert.include(run.stdout(), "Onboarding into acme:")
        assert.strictEqual(
          run.stderr(),
          "katanemo-examples: rotation failed at check: NotFoundException: Not found\n"
        )
      }),
    120_000
  )
})
