/** Runs the real command parser in process against the local API, capturing what it prints. */
import { NodeContext } from "@effect/platform-node"
import { type IdentityStore } from "@katanemo/testing"
import * as ConfigProvider from "effect/ConfigProvider"
import type * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as LocalApi from "katanemo-local-api/LocalApi"
import { run } from "../src/Cli.js"
import { Tty, type TtyShape } from "../src/Tty.js"

export interface Outcome {
  readonly code: number
  /** stdout, ANSI sequences removed */
  readonly stdout: string
  /** stderr, ANSI sequences removed */
  readonly stderr: string
  /** stdout as printed */
  readonly rawStdout: string
  /** stderr as printed */
  readonly rawStderr: string
  /** the questions asked on the terminal */
  readonly asked: ReadonlyArray<string>
}

export interface Setup {
  /** extra environment variables */
  readonly env?: Record<string, string>
  /** the terminal: by default neither stdin nor stdout is one, as in a script */
  readonly stdinIsTerminal?: boolean
  readonly stdoutIsTerminal?: boolean
  /** what the person at the terminal answers */
  readonly answer?: string
}

export type LocalApiEnv = Layer.Layer.Success<ReturnType<typeof LocalApi.layer>> | NodeContext.NodeContext

const plain = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, "")

/** Runs `katanemo <args>` in process with `setup`. */
export const katanemoWith = (
  setup: Setup,
  ...args: ReadonlyArray<string>
): Effect.Effect<Outcome, never, LocalApiEnv> =>
  Effect.gen(function*() {
    const stdout: Array<string> = []
    const stderr: Array<string> = []
    const asked: Array<string> = []
    const base = yield* Effect.console
    const text = (parts: ReadonlyArray<unknown>) => parts.map(String).join(" ")
    const capture: Console.Console = {
      ...base,
      log: (...parts) => Effect.sync(() => void stdout.push(text(parts))),
      info: (...parts) => Effect.sync(() => void stdout.push(text(parts))),
      error: (...parts) => Effect.sync(() => void stderr.push(text(parts))),
      warn: (...parts) => Effect.sync(() => void stderr.push(text(parts))),
      unsafe: {
        ...base.unsafe,
        log: (...parts) => void stdout.push(text(parts)),
        info: (...parts) => void stdout.push(text(parts)),
        error: (...parts) => void stderr.push(text(parts)),
        warn: (...parts) => void stderr.push(text(parts))
      }
    }
    const tty: TtyShape = {
      stdinIsTerminal: setup.stdinIsTerminal ?? false,
      stdoutIsTerminal: setup.stdoutIsTerminal ?? false,
      ask: (question) => Effect.sync(() => (asked.push(question), setup.answer ?? ""))
    }
    const url = yield* LocalApi.url
    const code = yield* run(["node", "katanemo", ...args]).pipe(
      Effect.withConsole(capture),
      Effect.provideService(Tty, tty),
      Effect.withConfigProvider(
        ConfigProvider.fromMap(new Map([["KATANEMO_BASE_URL", url], ...Object.entries(setup.env ?? {})]))
      )
    )
    const rawStdout = stdout.join("\n")
    const rawStderr = stderr.join("\n")
    return { code, stdout: plain(rawStdout), stderr: plain(rawStderr), rawStdout, rawStderr, asked }
  })

/** Runs `katanemo <args>` in process, as a script would (no terminal). */
export const katanemo = (...args: ReadonlyArray<string>): Effect.Effect<Outcome, never, LocalApiEnv> =>
  katanemoWith({}, ...args)

/** Provides a local API on a free port (and Node's platform) to a test. */
export const withApi = (options: IdentityStore.Options = {}) =>
  Effect.provide(Layer.merge(Layer.orDie(LocalApi.layer({ ...options, port: 0 })), NodeContext.layer))
