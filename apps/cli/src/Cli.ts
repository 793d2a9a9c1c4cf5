/**
 * `katanemo`: API keys and users of a Katanemo organization from the command line.
 *
 *   katanemo keys create --account acme --name ci-bot --role admin
 *   katanemo users invite --account acme --user ada@acme.example --role developer --tag team=platform
 *   katanemo keys list --account acme --json
 */
import * as AutoCorrect from "@effect/cli/AutoCorrect"
import type * as CliApp from "@effect/cli/CliApp"
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import { type AddressedError, IdentityApi, IdentityApiConfig } from "@katanemo/client"
import { AccountId, ClientKeyResponse, Issues, KeyId, UserId } from "@katanemo/models"
import * as Arr from "effect/Array"
import * as Config from "effect/Config"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import type * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Argv from "./Argv.js"
import * as Failure from "./Failure.js"
import * as Help from "./Help.js"
import * as Render from "./Render.js"
import { Tty } from "./Tty.js"
import { version as packageVersion } from "./Version.js"

// ---------------------------------------------------------------------------------------------
// options
// ---------------------------------------------------------------------------------------------

/**
 * A text option read with `schema`; a bad value is a one-line usage error naming the flag. An
 * id never starts with `-`: such a value is a flag given where a value was expected.
 */
const id = <A>(name: string, alias: string, schema: Schema.Schema<A, string>, description: string) =>
  Options.text(name).pipe(
    Options.withAlias(alias),
    Options.mapEffect((text) =>
      text.startsWith("-")
        ? Effect.fail(
          ValidationError.invalidValue(
            HelpDoc.p(`--${name}: expected an id, got ${Argv.quote(text)} (ids never start with -)`)
          )
        )
        : Effect.mapError(
          Schema.decodeUnknown(schema)(text),
          (error) => ValidationError.invalidValue(HelpDoc.p(`--${name}: ${Issues.issues(error).join("; ")}`))
        )
    ),
    Options.withDescription(description)
  )

const account = id("account", "a", AccountId, "The organization (account) id")
const key = id("key", "k", KeyId, "The key id")
const user = id("user", "u", UserId, "The user id (email)")

/** A repeatable option that may be left out: shown as `[--role text...]`. */
const repeatable = (name: string, description: string) =>
  Options.text(name).pipe(
    Options.repeated,
    Options.optional,
    Options.map(Option.getOrElse((): ReadonlyArray<string> => [])),
    Options.withDescription(description)
  )

/** `--tag key=value`, repeatable; values of one key accumulate. */
const tags = (description: string) =>
  repeatable("tag", description).pipe(
    Options.mapEffect((pairs) => {
      const out: Record<string, Array<string>> = {}
      for (const pair of pairs) {
        const index = pair.indexOf("=")
        if (index <= 0) {
          return Effect.fail(
            ValidationError.invalidValue(HelpDoc.p(`--tag expects key=value, got ${Argv.quote(pair)}`))
          )
        }
        ;(out[pair.slice(0, index)] ??= []).push(pair.slice(index + 1))
      }
      return Effect.succeed(out)
    })
  )

// ---------------------------------------------------------------------------------------------
// the client
// ---------------------------------------------------------------------------------------------

/**
 * The transport (undici), imported when a command first calls the API: `--help`, `--version`
 * and usage errors never load it. undici is about 1 MB of the 2.4 MB bundle (dist/katanemo.mjs).
 */
const transport = Layer.unwrapEffect(
  Effect.map(Effect.promise(() => import("@katanemo/client/UndiciTransport")), (module) => module.layer())
)

/**
 * Runs `f` with a live client built from the global options and the environment (its timeout
 * and retries), and turns each typed failure into a `CliError`. A flag given overrides its
 * variable, which is then not read at all (a bad `KATANEMO_BASE_URL` does not matter with
 * `--base-url`); the client checks the values (a `ConfigError` naming the option or the
 * variable), and its refusal is a usage error.
 */
const withClient = <A>(
  f: (identity: IdentityApi.Service) => Effect.Effect<A, AddressedError>
): Effect.Effect<A, Failure.CliError, Argv.GlobalOptions> =>
  Effect.gen(function*() {
    const globals = yield* Argv.GlobalOptions
    const read = yield* Effect.mapError(
      IdentityApiConfig.fromEnvWith({
        ...(Option.isSome(globals.baseUrl) ? { baseUrl: globals.baseUrl.value } : {}),
        ...(Option.isSome(globals.token) ? { token: globals.token.value } : {})
      }),
      (error) => Failure.usage(`invalid environment: ${String(error)}`)
    )
    // `--token` wins over client credentials in the environment (KATANEMO_CLIENT_ID and
    // KATANEMO_CLIENT_SECRET), as a flag wins over its own variable
    const { clientId: _clientId, clientSecret: _clientSecret, ...withoutCredentials } = read
    const options = Option.isSome(globals.token) ? withoutCredentials : read
    const token = options.token
    if (token !== undefined && !/^[\x21-\x7e]+$/.test(Redacted.value(token))) {
      const source = Option.isSome(globals.token) ? "--token" : "KATANEMO_API_TOKEN"
      return yield* Effect.fail(
        Failure.usage(`${source} is not a valid API token: a token is visible ASCII characters only (not shown here)`)
      )
    }
    // the values given as flags are checked here, by the client: its ConfigError names the option
    const identity = yield* Effect.mapError(
      IdentityApi.make(options),
      (error) =>
        Failure.usage(`invalid ${Option.isSome(globals.baseUrl) ? "--base-url" : "configuration"}: ${String(error)}`)
    )
    // shown as given: the flag's text, or the variable's URL without the trailing slash URL adds
    const given = options.baseUrl ?? IdentityApiConfig.defaultBaseUrl
    const baseUrl = typeof given === "string" ? given : given.href.replace(/\/$/, "")
    return yield* Effect.mapError(f(identity), (error) => Failure.describe(error, baseUrl))
  }).pipe(Effect.provide(transport))

const json = Effect.map(Argv.GlobalOptions, (globals) => globals.json)

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`

// ---------------------------------------------------------------------------------------------
// keys
// ---------------------------------------------------------------------------------------------

const keysCreate = Command.make(
  "create",
  {
    account,
    name: Options.text("name").pipe(Options.withDescription("The key's name")),
    role: Options.text("role").pipe(Options.withDescription("The key's default role"))
  },
  (options) =>
    Effect.gen(function*() {
      const created = yield* withClient((identity) =>
        identity.createClientKey({ accountId: options.account, clientName: options.name, defaultRoleId: options.role })
      )
      if (yield* json) return yield* Render.wireJson(ClientKeyResponse, created)
      yield* Console.log(
        [
          `Created API key ${created.clientId ?? "?"} (${options.name}) in account ${options.account}.`,
          `Client secret: ${
            created.clientSecret === undefined ? "(none returned)" : Redacted.value(created.clientSecret)
          }`,
          "Store this secret now: it is shown only once and cannot be read again."
        ].join("\n")
      )
    })
)

const keysList = Command.make(
  "list",
  { account },
  (options) =>
    Effect.gen(function*() {
      const keys = yield* withClient((identity) => identity.getClientKeyList({ accountId: options.account }))
      if (yield* json) return yield* Render.json(keys)
      yield* Console.log(`${Render.keysTable(keys)}\n\n${plural(keys.length, "key")} in account ${options.account}`)
    })
)

const keysGet = Command.make(
  "get",
  { account, key },
  (options) =>
    Effect.gen(function*() {
      const found = yield* withClient((identity) =>
        identity.getClientKey({ accountId: options.account, keyId: options.key })
      )
      yield* (yield* json) ? Render.json(found) : Console.log(Render.keyFields(found))
    })
)

/** On a terminal, asks before a deletion; elsewhere, only `--yes` deletes. */
const confirmDeletion = (accountId: string, keyId: string): Effect.Effect<void, Failure.CliError> =>
  Effect.gen(function*() {
    const tty = yield* Tty
    if (!tty.stdinIsTerminal) {
      return yield* Effect.fail(
        Failure.usage(
          `keys delete: stdin is not a terminal, so nobody can confirm; pass --yes to delete ${keyId} (nothing was deleted)`
        )
      )
    }
    const answer = yield* tty.ask(`Delete API key ${keyId} from account ${accountId}? This cannot be undone. [y/N] `)
    if (!/^\s*y(es)?\s*$/i.test(answer)) {
      return yield* Effect.fail(
        new Failure.CliError({
          tag: "Cancelled",
          message: `not confirmed: API key ${keyId} was not deleted`,
          exitCode: Failure.ExitCode.usage
        })
      )
    }
  })

const keysDelete = Command.make(
  "delete",
  {
    account,
    key,
    yes: Options.boolean("yes").pipe(
      Options.withAlias("y"),
      Options.withDescription("Delete without asking (required when stdin is not a terminal, as in scripts)")
    )
  },
  (options) =>
    Effect.gen(function*() {
      if (!options.yes) yield* confirmDeletion(options.account, options.key)
      const confirmation = yield* withClient((identity) =>
        identity.deleteClientKey({ accountId: options.account, keyId: options.key })
      )
      yield* (yield* json)
        ? Console.log(JSON.stringify({ deleted: options.key, message: confirmation }, null, 2))
        : Console.log(`Deleted API key ${options.key} from account ${options.account}: ${confirmation}`)
    })
)

// ---------------------------------------------------------------------------------------------
// users
// ---------------------------------------------------------------------------------------------

const usersInvite = Command.make(
  "invite",
  {
    account,
    user,
    roles: repeatable("role", "A role (repeatable)"),
    tags: tags("A tag as key=value (repeatable; a key given twice gets both values)")
  },
  (options) =>
    Effect.gen(function*() {
      const invited = yield* withClient((identity) =>
        identity.createUserForAccount({
          accountId: options.account,
          userId: options.user,
          roles: options.roles,
          tags: options.tags
        })
      )
      if (yield* json) return yield* Render.json(invited)
      yield* Console.log(
        `Invited ${invited.userId ?? options.user} to account ${options.account}; `
          + "they stay inactive until they accept the invitation.\n\n"
          + Render.userFields(invited)
      )
    })
)

const usersList = Command.make(
  "list",
  { account },
  (options) =>
    Effect.gen(function*() {
      const users = yield* withClient((identity) => identity.getUsersForAccount({ accountId: options.account }))
      if (yield* json) return yield* Render.json(users)
      yield* Console.log(`${Render.usersTable(users)}\n\n${plural(users.length, "user")} in account ${options.account}`)
    })
)

const usersGet = Command.make(
  "get",
  { account, user },
  (options) =>
    Effect.gen(function*() {
      const found = yield* withClient((identity) =>
        identity.getUser({ accountId: options.account, userId: options.user })
      )
      yield* (yield* json) ? Render.json(found) : Console.log(Render.userFields(found))
    })
)

const usersUpdate = Command.make(
  "update",
  {
    account,
    user,
    roles: repeatable("role", "A role (repeatable); given, they replace all the user's roles"),
    tags: tags("A tag as key=value (repeatable); given, they replace all the user's tags")
  },
  (options) =>
    Effect.gen(function*() {
      const newRoles = options.roles.length > 0
      const newTags = Object.keys(options.tags).length > 0
      if (!newRoles && !newTags) {
        return yield* Effect.fail(
          Failure.usage("users update: nothing to change; give --role and/or --tag; see 'katanemo users update --help'")
        )
      }
      const updated = yield* withClient((identity) =>
        Effect.gen(function*() {
          // the API replaces both roles and tags (PUT): keep whichever was not given from the current user
          const current = newRoles && newTags
            ? undefined
            : yield* identity.getUser({ accountId: options.account, userId: options.user })
          return yield* identity.updateUser({
            accountId: options.account,
            userId: options.user,
            roles: newRoles ? options.roles : current?.roles ?? [],
            tags: newTags ? options.tags : current?.tags ?? {}
          })
        })
      )
      if (yield* json) return yield* Render.json(updated)
      yield* Console.log(`Updated ${options.user} in account ${options.account}.\n\n${Render.userFields(updated)}`)
    })
)

// ---------------------------------------------------------------------------------------------
// the command tree
// ---------------------------------------------------------------------------------------------

const described = <Name extends string, R, E, A>(
  name: Name,
  description: string,
  command: Command.Command<Name, R, E, A>
) => {
  const withDescription = Command.withDescription(command, description)
  return { command: withDescription, help: Help.leaf(name, description, withDescription) }
}

const keysCommands = [
  described("create", "Create an API key; prints its secret once", keysCreate),
  described("list", "List the account's API keys", keysList),
  described("get", "Show one API key", keysGet),
  described(
    "delete",
    "Delete an API key; asks first on a terminal, and needs --yes where stdin is not a terminal",
    keysDelete
  )
] as const

const usersCommands = [
  described("invite", "Invite a user to the account", usersInvite),
  described("list", "List the account's users", usersList),
  described("get", "Show one user", usersGet),
  described(
    "update",
    "Set a user's roles and/or tags; at least one is needed. What is not given is kept: --role alone keeps the "
      + "tags, --tag alone keeps the roles. (The API's update, the SDK's updateUser, is a PUT that replaces both "
      + "roles and tags, so the CLI reads the user first and sends back what you did not give.)",
    usersUpdate
  )
] as const

const description =
  "API keys and users of a Katanemo organization. Every failure is one line on stderr, starting with 'katanemo:'."

const tree: Help.Tree = {
  description,
  groups: [
    {
      name: "keys",
      description: "API keys: create, list, get, delete",
      commands: Arr.map(keysCommands, (c) => c.help)
    },
    { name: "users", description: "Users: invite, list, get, update", commands: Arr.map(usersCommands, (c) => c.help) }
  ]
}

const katanemo = Command.make("katanemo").pipe(
  Command.withSubcommands([
    Command.make("keys").pipe(
      Command.withSubcommands([
        keysCommands[0].command,
        keysCommands[1].command,
        keysCommands[2].command,
        keysCommands[3].command
      ])
    ),
    Command.make("users").pipe(
      Command.withSubcommands([
        usersCommands[0].command,
        usersCommands[1].command,
        usersCommands[2].command,
        usersCommands[3].command
      ])
    )
  ])
)

// ---------------------------------------------------------------------------------------------
// running it
// ---------------------------------------------------------------------------------------------

/** ` (did you mean 'list'?)` when `word` is close to one of `names`. */
const suggestion = (word: string, names: ReadonlyArray<string>): string => {
  const distances = names.map((name) => [name, AutoCorrect.levensteinDistance(word, name, Help.config)] as const)
  const best = Math.min(...distances.map(([, distance]) => distance))
  const close = best <= 2 ? distances.filter(([, distance]) => distance === best).map(([name]) => name) : []
  return close.length === 0 ? "" : ` (did you mean ${close.map((name) => Argv.quote(name)).join(" or ")}?)`
}

/** A command line's target: the whole CLI, a group, or one command of a group. */
type Target =
  | { readonly _tag: "Root" }
  | { readonly _tag: "Group"; readonly group: Help.Group }
  | { readonly _tag: "Command"; readonly group: Help.Group; readonly command: Help.Leaf }

/** Finds what `rest` names, or the usage error to print. */
const target = (rest: ReadonlyArray<string>, help: boolean): Either.Either<Target, string> => {
  const groupNames = tree.groups.map((group) => group.name)
  const [first, second] = rest
  if (first === undefined || first.startsWith("-")) {
    if (help && first === undefined) return Either.right({ _tag: "Root" })
    return Either.left(
      first === undefined
        ? `missing command; use one of ${groupNames.join(", ")}; see 'katanemo --help'`
        : `expected a command (${groupNames.join(", ")}) before ${Argv.quote(first)}; see 'katanemo --help'`
    )
  }
  const group = tree.groups.find((candidate) => candidate.name === first)
  if (group === undefined) {
    return Either.left(
      `unknown command ${Argv.quote(first)}${suggestion(first, groupNames)}; use one of ${
        groupNames.join(", ")
      }; see 'katanemo --help'`
    )
  }
  const names = group.commands.map((command) => command.name)
  const see = `see 'katanemo ${group.name} --help'`
  if (second === undefined || second.startsWith("-")) {
    if (help) return Either.right({ _tag: "Group", group })
    return Either.left(`${group.name}: missing command; use one of ${names.join(", ")}; ${see}`)
  }
  const command = group.commands.find((candidate) => candidate.name === second)
  if (command === undefined) {
    return Either.left(
      `${group.name}: unknown command ${Argv.quote(second)}${suggestion(second, names)}; use one of ${
        names.join(", ")
      }; ${see}`
    )
  }
  return Either.right({ _tag: "Command", group, command })
}

/** One line for an @effect/cli parse error of `katanemo <group> <command>`. */
const parseError = (error: ValidationError.ValidationError, group: string, command: string): Failure.CliError => {
  const text = Help.plain(HelpDoc.toAnsiText(error.error)).trim().replace(/\s*\n\s*/g, " ")
  const missing = /^Expected to find option: '([^']+)'$/.exec(text)
  const detail = missing === null ? text : `missing option ${missing[1]}`
  return Failure.usage(`${group} ${command}: ${detail}; see 'katanemo ${group} ${command} --help'`)
}

const noColor = Config.option(Config.string("NO_COLOR")).pipe(
  Effect.map(Option.exists((value) => value !== "")),
  Effect.orElseSucceed(() => true)
)

/**
 * The minimum log level: `--log-level` when given (the variable is then not read), else
 * `KATANEMO_LOG` when set and not empty, else Effect's default (Info). An unknown name is a usage
 * error, naming where it came from.
 */
const logLevel = (globals: Argv.Globals): Effect.Effect<Option.Option<LogLevel.LogLevel>, Failure.CliError> =>
  Option.isSome(globals.logLevel)
    ? Effect.succeed(globals.logLevel)
    : Config.option(Config.string("KATANEMO_LOG")).pipe(
      Effect.orElseSucceed(() => Option.none<string>()),
      Effect.flatMap((value) => {
        if (Option.isNone(value) || value.value === "") return Effect.succeed(Option.none())
        const level = Argv.logLevelNamed(value.value)
        return Option.isSome(level)
          ? Effect.succeed(level)
          : Effect.fail(Failure.usage(Argv.unknownLogLevel("KATANEMO_LOG", value.value)))
      })
    )

/** The app itself, for a command line already checked against the command tree. */
const execute = (
  invocation: Argv.Invocation,
  found: Target,
  colour: boolean
): Effect.Effect<void, Failure.CliError, CliApp.CliApp.Environment> =>
  Effect.gen(function*() {
    const version = yield* packageVersion
    const outer = yield* Effect.console
    if (invocation.version) return yield* outer.log(version)
    const print = (doc: HelpDoc.HelpDoc) => {
      const text = HelpDoc.toAnsiText(doc)
      return outer.log(colour ? text : Help.plain(text))
    }
    switch (found._tag) {
      case "Root":
        return yield* print(Help.root(tree, version))
      case "Group":
        return yield* print(Help.group(found.group, version))
      case "Command": {
        if (invocation.help) return yield* print(Help.command(found.group, found.command, version))
        // @effect/cli prints its own parse errors with Console.error: they are reported here instead
        const quiet: Console.Console = {
          ...outer,
          error: () => Effect.void,
          log: (...parts) => outer.log(...(colour ? parts : parts.map((part) => Help.plain(String(part)))))
        }
        const logger = Logger.withConsoleError(invocation.globals.json ? Logger.jsonLogger : Logger.logfmtLogger)
        const app = Command.run(katanemo, { name: "katanemo", version })
        const parsed = app(["node", "katanemo", ...invocation.rest]).pipe(
          Effect.catchIf(
            ValidationError.isValidationError,
            (error) => Effect.fail(parseError(error, found.group.name, found.command.name))
          ),
          Effect.provideService(Argv.GlobalOptions, invocation.globals),
          Effect.withConsole(quiet)
        )
        // logs go to stderr, so that stdout holds only results (one JSON document with --json)
        const level = yield* logLevel(invocation.globals)
        return yield* (Option.isSome(level) ? Logger.withMinimumLogLevel(parsed, level.value) : parsed).pipe(
          Effect.provide(Logger.replace(Logger.defaultLogger, logger))
        )
      }
    }
  })

/**
 * Runs the CLI on `argv` (as `process.argv`: node, script, then the arguments) and answers the
 * exit code. Output goes through Effect's `Console`: results to `log` (stdout), failures and logs
 * to `error` (stderr), each failure as one line (or, with `--json`, one JSON object).
 */
export const run = (argv: ReadonlyArray<string>): Effect.Effect<number, never, CliApp.CliApp.Environment> =>
  Effect.gen(function*() {
    const args = argv.slice(2)
    const outer = yield* Effect.console
    const report = (error: Failure.CliError) =>
      Effect.as(outer.error(Argv.wantsJson(args) ? Failure.json(error) : Failure.line(error)), error.exitCode)
    const program = Effect.gen(function*() {
      const invocation = yield* Effect.mapError(Argv.parse(args), Failure.usage)
      const found = yield* Effect.mapError(
        target(invocation.rest, invocation.help || invocation.version),
        Failure.usage
      )
      const tty = yield* Tty
      const colour = tty.stdoutIsTerminal && !(yield* noColor)
      yield* execute(invocation, found, colour)
      return Failure.ExitCode.ok
    })
    return yield* program.pipe(
      Effect.catchAllDefect((defect) => Effect.fail(Failure.internal(String(defect)))),
      Effect.catchAll(report)
    )
  })
