/**
 * The global options, read from anywhere on the command line before `@effect/cli` parses the
 * rest: `--json`, `--token`, `--base-url`, `--log-level`, `--help` (`-h`) and `--version` mean the
 * same before or after the subcommand.
 */
import * as Context from "effect/Context"
import * as Either from "effect/Either"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"

/** The global options of one invocation. */
export interface Globals {
  readonly json: boolean
  readonly token: Option.Option<Redacted.Redacted<string>>
  readonly baseUrl: Option.Option<string>
  readonly logLevel: Option.Option<LogLevel.LogLevel>
}

/** A command line with its global options taken out. */
export interface Invocation {
  readonly globals: Globals
  readonly help: boolean
  readonly version: boolean
  /** The rest of the arguments, in order: the command words, then the command's own options. */
  readonly rest: ReadonlyArray<string>
}

/** The log levels `--log-level` accepts. */
export const logLevels: ReadonlyArray<readonly [string, LogLevel.LogLevel]> = [
  ["all", LogLevel.All],
  ["trace", LogLevel.Trace],
  ["debug", LogLevel.Debug],
  ["info", LogLevel.Info],
  ["warning", LogLevel.Warning],
  ["error", LogLevel.Error],
  ["fatal", LogLevel.Fatal],
  ["none", LogLevel.None]
]

/** The log level of a name `--log-level` and `KATANEMO_LOG` accept (in any case). */
export const logLevelNamed = (name: string): Option.Option<LogLevel.LogLevel> =>
  Option.map(Option.fromNullable(logLevels.find(([label]) => label === name.toLowerCase())), ([, level]) => level)

/** The usage error of a log level no one knows, given to `source` (the flag or the variable). */
export const unknownLogLevel = (source: string, value: string): string =>
  `${source} expects one of ${logLevels.map(([label]) => label).join(", ")}, got ${quote(value)}`

/** Whether the command line asks for JSON: known even when the rest of it is wrong. */
export const wantsJson = (args: ReadonlyArray<string>): boolean => args.includes("--json")

const unsupported = new Set(["--wizard", "--completions"])

/**
 * Takes the global options out of `args` (the arguments after the executable), or answers the
 * usage error to print.
 */
export const parse = (args: ReadonlyArray<string>): Either.Either<Invocation, string> => {
  let json = false
  let help = false
  let version = false
  let token = Option.none<Redacted.Redacted<string>>()
  let baseUrl = Option.none<string>()
  let logLevel = Option.none<LogLevel.LogLevel>()
  const rest: Array<string> = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? ""
    const equals = arg.startsWith("--") ? arg.indexOf("=") : -1
    const name = equals > 0 ? arg.slice(0, equals) : arg
    const takesValue = name === "--token" || name === "--base-url" || name === "--log-level"
    if (!takesValue) {
      if (arg === "--json") json = true
      else if (arg === "--help" || arg === "-h") help = true
      else if (arg === "--version") version = true
      else if (unsupported.has(name)) return Either.left(`${name} is not supported; see 'katanemo --help'`)
      else rest.push(arg)
      continue
    }
    let value: string
    if (equals > 0) {
      value = arg.slice(equals + 1)
    } else {
      const next = args[i + 1]
      if (next === undefined || next.startsWith("-")) return Either.left(`${name} needs a value`)
      value = next
      i++
    }
    if (value === "") return Either.left(`${name} needs a value`)
    switch (name) {
      case "--token": {
        token = Option.some(Redacted.make(value))
        break
      }
      case "--base-url": {
        baseUrl = Option.some(value)
        break
      }
      default: {
        logLevel = logLevelNamed(value)
        if (Option.isNone(logLevel)) return Either.left(unknownLogLevel("--log-level", value))
      }
    }
  }
  return Either.right({ globals: { json, token, baseUrl, logLevel }, help, version, rest })
}

/** `text` quoted for a message, cut short when long. */
export const quote = (text: string): string => JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text)

/** The global options of the running command, for its handler. */
export class GlobalOptions extends Context.Tag("katanemo-cli/GlobalOptions")<GlobalOptions, Globals>() {}
