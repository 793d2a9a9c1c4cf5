/**
 * `katanemo-local-api`: runs the local Katanemo Identity API until SIGINT or SIGTERM.
 *
 *   katanemo-local-api --port 4010 --seed seed.example.json --token tok_local
 *
 * The installed command is the launcher `bin/katanemo-local-api.js`, which imports this file's
 * built form (`dist/bin.js`). A bad argument is one line on stderr and exit code 2.
 */
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as path from "node:path"
import * as Cors from "./Cors.js"
import * as LocalApi from "./LocalApi.js"
import * as SeedFile from "./SeedFile.js"

const name = "katanemo-local-api"

/**
 * Ends the program with one line on stderr and `exitCode`. Written to the stream directly: the
 * `Console` service is muted while @effect/cli parses (see the end of this file).
 */
const fail = (line: string, exitCode: number) =>
  Effect.sync(() => {
    process.stderr.write(`${name}: ${line}\n`)
    process.exitCode = exitCode
  })

/** A bad argument: one line on stderr, exit code 2. */
const usageError = (problem: string) => fail(`${problem} (see ${name} --help)`, 2)

/** `--cors-origin` values: repeatable, each may be a comma list; every one must be an origin. */
const parseOrigins = (values: ReadonlyArray<string>): Effect.Effect<ReadonlyArray<string> | undefined, string> =>
  Effect.gen(function*() {
    const origins: Array<string> = []
    for (const value of values.flatMap((v) => v.split(",")).map((v) => v.trim()).filter((v) => v !== "")) {
      const origin = Cors.parseOrigin(value)
      if (Option.isNone(origin)) {
        return yield* Effect.fail(
          `--cors-origin ${JSON.stringify(value)} is not an origin (such as http://localhost:5173, or * for any)`
        )
      }
      origins.push(origin.value)
    }
    return origins.length === 0 ? undefined : origins
  })

const command = Command.make(
  name,
  {
    host: Options.text("host").pipe(
      Options.withDefault("127.0.0.1"),
      Options.withDescription("The interface to listen on")
    ),
    port: Options.integer("port").pipe(
      Options.withDefault(4010),
      Options.withDescription("The port (0: any free one)")
    ),
    seed: Options.file("seed").pipe(
      Options.optional,
      Options.withDescription("A JSON file of accounts, keys and users to start from")
    ),
    tokens: Options.text("token").pipe(
      Options.repeated,
      Options.withDescription(
        "A valid bearer token; when given, every request must carry one, or a token POST /token issued (repeatable)"
      )
    ),
    rateLimit: Options.integer("rate-limit").pipe(
      Options.optional,
      Options.withDescription("Requests allowed per second; more are answered 429")
    ),
    corsOrigins: Options.text("cors-origin").pipe(
      Options.repeated,
      Options.withDescription(
        "An origin a browser app may call from, such as http://localhost:5173 (repeatable or a comma list; * for any;"
          + " default: http(s)://localhost, 127.0.0.1 and [::1] on any port)"
      )
    )
  },
  ({ corsOrigins, host, port, rateLimit, seed, tokens }) =>
    Effect.gen(function*() {
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        return yield* Effect.fail(`--port ${port} is not a port (0 to 65535)`)
      }
      if (Option.isSome(rateLimit) && rateLimit.value < 1) {
        return yield* Effect.fail(`--rate-limit ${rateLimit.value} must be at least 1`)
      }
      if (tokens.some((token) => token.trim() === "")) return yield* Effect.fail("--token must not be empty")
      const origins = yield* parseOrigins(corsOrigins)
      const seeded = Option.isSome(seed) ? yield* SeedFile.read(path.resolve(seed.value)) : undefined
      yield* Effect.gen(function*() {
        const url = yield* LocalApi.url
        yield* Effect.log(`Katanemo local API listening on ${url} (docs: ${url}/docs, spec: ${url}/openapi.json)`)
        return yield* Effect.never
      }).pipe(
        Effect.provide(LocalApi.layer({
          host,
          port,
          seed: seeded,
          validTokens: tokens.length === 0 ? undefined : tokens,
          rateLimit: Option.getOrUndefined(rateLimit),
          corsOrigins: origins
        })),
        Effect.onInterrupt(() => Effect.log("Katanemo local API stopped"))
      )
    }).pipe(
      Effect.catchAll((error) => {
        if (typeof error === "string") return usageError(error)
        switch (error._tag) {
          case "SeedFileError":
            return fail(error.message, 2)
          case "SeedError":
            return fail(SeedFile.describe(error.issues), 2)
          case "ServeError":
            return fail(`cannot listen on ${host}:${port}: ${String(error.cause)}`, 1)
        }
      })
    )
).pipe(Command.withDescription("A local Katanemo Identity API: the in-memory store over HTTP, as the vendor spec says"))

const cli = Command.run(command, { name, version: "0.0.0" })

/** A help document as one plain line: no ANSI codes, no line breaks. */
const oneLine = (doc: HelpDoc.HelpDoc): string =>
  HelpDoc.toAnsiText(doc).replace(/\u001b\[[0-9;]*m/g, "").replace(/\s+/g, " ").trim()

const args = process.argv.slice(2)
// pnpm 10 hands a literal `--` on to the script (`pnpm --filter katanemo-local-api start -- --port 4010`
// runs `node dist/bin.js -- --port 4010`), and @effect/cli would take every argument after it as a
// positional one. One leading `--` is dropped, so both spellings work.
const argv = [...process.argv.slice(0, 2), ...(args[0] === "--" ? args.slice(1) : args)]

Console.consoleWith((console) =>
  cli(argv).pipe(
    // @effect/cli prints a bad argument as a multi-line help document on stderr before failing with
    // it; muted here, the error is reported once, as one line, below
    Console.withConsole({ ...console, error: () => Effect.void }),
    Effect.catchIf(ValidationError.isValidationError, (error) => usageError(oneLine(error.error)))
  )
).pipe(
  Effect.provide(NodeContext.layer),
  Effect.provide(Logger.pretty),
  NodeRuntime.runMain({ disableErrorReporting: false })
)
