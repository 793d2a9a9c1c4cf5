import { NodeContext } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import type * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import { demo } from "../src/Demo.js"

describe("the demo", () => {
  it.live(
    "runs the examples and the CLI against the in-process local API, and tells what happened",
    () =>
      Effect.gen(function*() {
        const lines: Array<string> = []
        const base = yield* Effect.console
        const capture: Console.Console = {
          ...base,
          log: (...parts) => Effect.sync(() => void lines.push(parts.map(String).join(" "))),
          error: (...parts) => Effect.sync(() => void lines.push(parts.map(String).join(" ")))
        }
        const logged: Array<string> = []
        const logger = Logger.make(({ logLevel, message }) => void logged.push(`${logLevel.label} ${String(message)}`))
        yield* demo.pipe(
          Effect.withConsole(capture),
          Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
          Logger.withMinimumLogLevel(LogLevel.Warning)
        )
        assert.deepStrictEqual(logged, [], "no log line interrupts the story (the API's 500s are injected)")
        const output = lines.join("\n")
        for (
          const expected of [
            "1. The local API, in process",
            "5 invited, 1 already members, 0 failed",
            "rotated ck_legacy -> ck_",
            "rotation failed at delete-old: InternalServerErrorException: injected failure (the replacement was deleted again)",
            "(exactly one)",
            "$ katanemo keys list --account acme",
            "1 key in account acme",
            "katanemo: conflict: User ada@acme.example already exists in account acme",
            "katanemo: not found: Key ck_missing not found",
            "6. What the API saw"
          ]
        ) {
          assert.include(output, expected)
        }
        assert.deepStrictEqual(lines.filter((line) => /^\s+\(exit \d+\)$/.test(line)).map((line) => line.trim()), [
          "(exit 0)",
          "(exit 0)",
          "(exit 0)",
          "(exit 1)",
          "(exit 1)"
        ])
        assert.notMatch(output, /cs_\w{10,}/, "secrets are shown masked")
      }).pipe(Effect.provide(NodeContext.layer)),
    60_000
  )
})
