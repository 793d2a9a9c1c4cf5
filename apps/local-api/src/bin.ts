#!/usr/bin/env node
/**
 * `katanemo-local-api`: runs the local Katanemo Identity API until SIGINT or SIGTERM.
 *
 *   katanemo-local-api --port 4010 --seed seed.json --token tok_local
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import * as FileSystem from "@effect/platform/FileSystem"
import { decodeSeed } from "@katanemo/testing"
import * as Console from "effect/Console"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as LocalApi from "./LocalApi.js"

class SeedFileError extends Data.TaggedError("SeedFileError")<{ readonly message: string }> {}

/** Reads and checks a seed file; every problem names the file and the bad entry. */
const readSeed = (file: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const text = yield* Effect.mapError(
      fs.readFileString(file),
      (error) => new SeedFileError({ message: `cannot read the seed file ${file}: ${error.message}` })
    )
    const json = yield* Effect.try({
      try: (): unknown => JSON.parse(text),
      catch: (error) => new SeedFileError({ message: `the seed file ${file} is not valid JSON: ${String(error)}` })
    })
    return yield* Effect.mapError(decodeSeed(json), (error) =>
      new SeedFileError({ message: `${file}: ${error.message}` }))
  })

const command = Command.make(
  "katanemo-local-api",
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
      Options.withDescription("A valid bearer token; when given, every request must carry one (repeatable)")
    ),
    rateLimit: Options.integer("rate-limit").pipe(
      Options.optional,
      Options.withDescription("Requests allowed per second; more are answered 429")
    )
  },
  ({ host, port, rateLimit, seed, tokens }) =>
    Effect.gen(function*() {
      const seeded = Option.isSome(seed) ? yield* readSeed(seed.value) : undefined
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
          rateLimit: Option.getOrUndefined(rateLimit)
        })),
        Effect.onInterrupt(() => Effect.log("Katanemo local API stopped"))
      )
    }).pipe(
      Effect.catchTags({
        SeedFileError: (error) =>
          Effect.zipRight(Console.error(error.message), Effect.sync(() => (process.exitCode = 2))),
        ServeError: (error) =>
          Effect.zipRight(
            Console.error(`cannot listen on ${host}:${port}: ${String(error.cause)}`),
            Effect.sync(() => (process.exitCode = 1))
          )
      })
    )
).pipe(Command.withDescription("A local Katanemo Identity API: the in-memory store over HTTP, as the vendor spec says"))

const cli = Command.run(command, { name: "katanemo-local-api", version: "0.0.0" })

cli(process.argv).pipe(
  Effect.provide(NodeContext.layer),
  Effect.provide(Logger.pretty),
  NodeRuntime.runMain({ disableErrorReporting: false })
)
