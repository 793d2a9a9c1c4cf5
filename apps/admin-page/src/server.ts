/**
 * `node dist/server.js`: the admin page's backend, until SIGINT or SIGTERM.
 *
 *   node dist/server.js --port 4020 --api-url http://127.0.0.1:4010 --account acme --token tok_local
 *
 * The token it hands the page comes from `--token` (or `KATANEMO_API_TOKEN`): a development
 * token. Without one, from the API key in `KATANEMO_CLIENT_ID` and `KATANEMO_CLIENT_SECRET`, which
 * it trades for short-term tokens (the production pattern); both is a usage error. A secret is
 * never a flag: the command line of a process is visible to every user of the machine. A bad
 * argument is one line on stderr and exit code 2.
 */
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import * as HttpServerError from "@effect/platform/HttpServerError"
import * as Config from "effect/Config"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as AdminServer from "./AdminServer.js"
import * as TokenSource from "./TokenSource.js"

const name = "katanemo-admin-page"

/** A bad argument: one line on stderr, exit code 2. Written to the stream: `Console` is muted while @effect/cli parses. */
const usageError = (problem: string) =>
  Effect.sync(() => {
    process.stderr.write(`${name}: ${problem} (see ${name} --help)\n`)
    process.exitCode = 2
  })

/** A failure once the arguments were right (the port taken, say): one line on stderr, exit code 1. */
const failure = (problem: string) =>
  Effect.sync(() => {
    process.stderr.write(`${name}: ${problem}\n`)
    process.exitCode = 1
  })

/** The API key the server trades for short-term tokens, from the environment, if both are set. */
const clientCredentials = Config.all({
  clientId: Config.option(Config.nonEmptyString("KATANEMO_CLIENT_ID")),
  clientSecret: Config.option(Config.redacted(Config.nonEmptyString("KATANEMO_CLIENT_SECRET")))
})

const command = Command.make(
  name,
  {
    host: Options.text("host").pipe(Options.withDefault("127.0.0.1"), Options.withDescription("The interface")),
    port: Options.integer("port").pipe(
      Options.withDefault(4020),
      Options.withDescription("The port (0: any free one)")
    ),
    apiUrl: Options.text("api-url").pipe(
      Options.withFallbackConfig(Config.string("KATANEMO_BASE_URL")),
      Options.withDefault("http://127.0.0.1:4010"),
      Options.withDescription("The API the page calls (default: KATANEMO_BASE_URL, else the local API)")
    ),
    accountId: Options.text("account").pipe(
      Options.withDefault("acme"),
      Options.withDescription("The account whose keys and users the page shows")
    ),
    token: Options.redacted("token").pipe(
      Options.withFallbackConfig(Config.redacted("KATANEMO_API_TOKEN")),
      Options.optional,
      Options.withDescription("A development token to hand the page (default: KATANEMO_API_TOKEN)")
    )
  },
  ({ accountId, apiUrl, host, port, token }) =>
    Effect.gen(function*() {
      const { clientId, clientSecret } = yield* clientCredentials
      const key = Option.isSome(clientId) && Option.isSome(clientSecret)
        ? Option.some({ clientId: clientId.value, clientSecret: clientSecret.value })
        : Option.none()
      if (Option.isSome(token) && Option.isSome(key)) {
        return yield* Effect.fail("give a development token or an API key, not both")
      }
      const tokens: TokenSource.TokenSource | undefined = Option.isSome(token)
        ? { _tag: "Development", token: token.value }
        : Option.isSome(key)
        ? { _tag: "ClientCredentials", ...key.value }
        : undefined
      if (tokens === undefined) {
        return yield* Effect.fail(
          "give --token (or KATANEMO_API_TOKEN), or an API key in KATANEMO_CLIENT_ID and KATANEMO_CLIENT_SECRET"
        )
      }
      yield* Layer.launch(
        Layer.effectDiscard(Effect.gen(function*() {
          // the line a script (or the test) waits for
          yield* Console.log(`admin page: ${yield* AdminServer.url}/ (account ${accountId}, API ${apiUrl})`)
          yield* Console.log(TokenSource.describe(tokens))
        })).pipe(Layer.provideMerge(AdminServer.layer({ host, port, apiUrl, accountId, tokens })))
      )
    }).pipe(
      // the two option conflicts fail with their text; anything else is no usage error
      Effect.catchAll((error) =>
        typeof error === "string"
          ? usageError(error)
          : failure(
            error instanceof HttpServerError.ServeError
              ? `cannot listen on ${host}:${port}: ${String(error.cause)}`
              : String(error)
          )
      )
    )
).pipe(Command.withDescription("A small admin page: one account's API keys and users, in the browser"))

const cli = Command.run(command, { name, version: "0.0.0" })

// pnpm 10 hands a literal `--` on to the script; one leading `--` is dropped, as the local API does
const args = process.argv.slice(2)
const argv = [...process.argv.slice(0, 2), ...(args[0] === "--" ? args.slice(1) : args)]

/** A help document as one plain line: no ANSI codes, no line breaks. */
const oneLine = (doc: HelpDoc.HelpDoc): string =>
  HelpDoc.toAnsiText(doc).replace(/\u001b\[[0-9;]*m/g, "").replace(/\s+/g, " ").trim()

Console.consoleWith((console) =>
  cli(argv).pipe(
    // @effect/cli prints a bad argument as a multi-line help document before failing with it: muted
    // here, it is reported once, as one line
    Console.withConsole({ ...console, error: () => Effect.void }),
    Effect.catchIf(ValidationError.isValidationError, (error) => usageError(oneLine(error.error)))
  )
).pipe(Effect.provide(NodeContext.layer), NodeRuntime.runMain({ disableErrorReporting: false }))
