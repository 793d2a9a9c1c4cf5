/**
 * `katanemo`: API keys and users of a Katanemo organization from the command line.
 *
 *   katanemo keys create --account acme --name ci-bot --role admin
 *   katanemo users invite --account acme --user ada@acme.example --role developer --tag team=platform
 *   katanemo keys list --account acme --json
 */
import type * as CliApp from "@effect/cli/CliApp"
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import { NodeHttpClient } from "@effect/platform-node"
import { type AddressedError, IdentityApi, IdentityApiConfig, type Service } from "@katanemo/client"
import { AccountId, ClientKeyResponse, Issues, KeyId, UserId } from "@katanemo/models"
import * as Config from "effect/Config"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { CliExit, describe, ExitCode } from "./Failure.js"
import * as Render from "./Render.js"

// ---------------------------------------------------------------------------------------------
// options
// ---------------------------------------------------------------------------------------------

const common = {
  baseUrl: Options.text("base-url").pipe(
    Options.withFallbackConfig(Config.string("KATANEMO_BASE_URL")),
    Options.withDefault(IdentityApiConfig.defaultBaseUrl),
    Options.withDescription("The API's URL (env KATANEMO_BASE_URL)")
  ),
  token: Options.redacted("token").pipe(
    Options.withFallbackConfig(Config.redacted("KATANEMO_API_TOKEN")),
    Options.optional,
    Options.withDescription("The API token (env KATANEMO_API_TOKEN, preferred: flags end up in shell history)")
  ),
  json: Options.boolean("json").pipe(Options.withDescription("Print machine-readable JSON"))
}

/** A text option read with `schema`; a bad value is a one-line usage error naming the flag. */
const id = <A>(name: string, alias: string, schema: Schema.Schema<A, string>, description: string) =>
  Options.text(name).pipe(
    Options.withAlias(alias),
    Options.mapEffect((text) =>
      Effect.mapError(
        Schema.decodeUnknown(schema)(text),
        (error) => ValidationError.invalidValue(HelpDoc.p(`--${name}: ${Issues.issues(error).join("; ")}`))
      )
    ),
    Options.withDescription(description)
  )

const account = id("account", "a", AccountId, "The organization (account) id")
const key = id("key", "k", KeyId, "The key id")
const user = id("user", "u", UserId, "The user id (email)")
const roles = Options.text("role").pipe(Options.repeated, Options.withDescription("A role (repeatable)"))

/** `--tag key=value`, repeatable; values of one key accumulate. */
const tags = Options.text("tag").pipe(
  Options.repeated,
  Options.mapEffect((pairs) => {
    const out: Record<string, Array<string>> = {}
    for (const pair of pairs) {
      const index = pair.indexOf("=")
      if (index <= 0) {
        return Effect.fail(
          ValidationError.invalidValue(HelpDoc.p(`--tag expects key=value, got ${JSON.stringify(pair)}`))
        )
      }
      ;(out[pair.slice(0, index)] ??= []).push(pair.slice(index + 1))
    }
    return Effect.succeed(out)
  }),
  Options.withDescription("A tag as key=value (repeatable)")
)

interface Common {
  readonly baseUrl: string
  readonly token: Option.Option<Redacted.Redacted<string>>
  readonly json: boolean
}

/**
 * Runs `f` with a live client built from the options (and the environment's timeout and
 * retries), and turns each typed failure into one line on stderr and an exit code.
 */
const withClient = <A>(
  options: Common,
  f: (identity: Service) => Effect.Effect<A, AddressedError>
): Effect.Effect<A, CliExit> =>
  Effect.gen(function*() {
    const env = yield* Effect.catchAll(IdentityApiConfig.fromEnv, (error) =>
      Effect.zipRight(
        Console.error(`katanemo: invalid environment: ${String(error)}`),
        Effect.fail(new CliExit({ code: ExitCode.usage }))
      ))
    const identity = yield* IdentityApi.make({
      ...env,
      baseUrl: options.baseUrl,
      token: Option.getOrUndefined(options.token)
    })
    return yield* Effect.catchAll(f(identity), (error) => {
      const { code, message } = describe(error, options.baseUrl)
      return Effect.zipRight(Console.error(`katanemo: ${message}`), Effect.fail(new CliExit({ code })))
    })
  }).pipe(Effect.provide(NodeHttpClient.layerUndici))

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`

// ---------------------------------------------------------------------------------------------
// keys
// ---------------------------------------------------------------------------------------------

const keysCreate = Command.make(
  "create",
  {
    ...common,
    account,
    name: Options.text("name").pipe(Options.withDescription("The key's name")),
    role: Options.text("role").pipe(Options.withDescription("The key's default role"))
  },
  (options) =>
    withClient(
      options,
      (identity) =>
        identity.createClientKey({ accountId: options.account, clientName: options.name, defaultRoleId: options.role })
    ).pipe(
      Effect.flatMap((created) =>
        options.json
          ? Render.wireJson(ClientKeyResponse, created)
          : Console.log(
            [
              `Created API key ${created.clientId ?? "?"} (${options.name}) in account ${options.account}.`,
              `Client secret: ${
                created.clientSecret === undefined ? "(none returned)" : Redacted.value(created.clientSecret)
              }`,
              "Store this secret now: it is shown only once and cannot be read again."
            ].join("\n")
          )
      )
    )
).pipe(Command.withDescription("Create an API key; prints its secret once"))

const keysList = Command.make(
  "list",
  { ...common, account },
  (options) =>
    withClient(options, (identity) => identity.getClientKeyList({ accountId: options.account })).pipe(
      Effect.flatMap((keys) =>
        options.json
          ? Render.json(keys)
          : Console.log(`${Render.keysTable(keys)}\n\n${plural(keys.length, "key")} in account ${options.account}`)
      )
    )
).pipe(Command.withDescription("List the account's API keys"))

const keysGet = Command.make(
  "get",
  { ...common, account, key },
  (options) =>
    withClient(options, (identity) => identity.getClientKey({ accountId: options.account, keyId: options.key })).pipe(
      Effect.flatMap((
        found
      ) => (options.json ? Render.json(found) : Console.log(Render.keyFields(found))))
    )
).pipe(Command.withDescription("Show one API key"))

const keysDelete = Command.make(
  "delete",
  { ...common, account, key },
  (options) =>
    withClient(options, (identity) => identity.deleteClientKey({ accountId: options.account, keyId: options.key }))
      .pipe(
        Effect.flatMap((confirmation) =>
          options.json
            ? Console.log(JSON.stringify({ deleted: options.key, message: confirmation }, null, 2))
            : Console.log(`Deleted API key ${options.key} from account ${options.account}: ${confirmation}`)
        )
      )
).pipe(Command.withDescription("Delete an API key"))

const keys = Command.make("keys").pipe(
  Command.withDescription("API keys: create, list, get, delete"),
  Command.withSubcommands([keysCreate, keysList, keysGet, keysDelete])
)

// ---------------------------------------------------------------------------------------------
// users
// ---------------------------------------------------------------------------------------------

const usersInvite = Command.make(
  "invite",
  { ...common, account, user, roles, tags },
  (options) =>
    withClient(options, (identity) =>
      identity.createUserForAccount({
        accountId: options.account,
        userId: options.user,
        roles: options.roles,
        tags: options.tags
      })).pipe(
        Effect.flatMap((invited) =>
          options.json
            ? Render.json(invited)
            : Console.log(
              `Invited ${invited.userId ?? options.user} to account ${options.account}; `
                + "they stay inactive until they accept the invitation.\n\n"
                + Render.userFields(invited)
            )
        )
      )
).pipe(Command.withDescription("Invite a user to the account"))

const usersList = Command.make(
  "list",
  { ...common, account },
  (options) =>
    withClient(options, (identity) => identity.getUsersForAccount({ accountId: options.account })).pipe(
      Effect.flatMap((users) =>
        options.json
          ? Render.json(users)
          : Console.log(`${Render.usersTable(users)}\n\n${plural(users.length, "user")} in account ${options.account}`)
      )
    )
).pipe(Command.withDescription("List the account's users"))

const usersGet = Command.make(
  "get",
  { ...common, account, user },
  (options) =>
    withClient(options, (identity) => identity.getUser({ accountId: options.account, userId: options.user })).pipe(
      Effect.flatMap((
        found
      ) => (options.json ? Render.json(found) : Console.log(Render.userFields(found))))
    )
).pipe(Command.withDescription("Show one user"))

const usersUpdate = Command.make(
  "update",
  { ...common, account, user, roles, tags },
  (options) =>
    withClient(options, (identity) =>
      Effect.gen(function*() {
        // the API replaces both roles and tags: keep whichever was not given from the current user
        const current = options.roles.length > 0 && Object.keys(options.tags).length > 0
          ? undefined
          : yield* identity.getUser({ accountId: options.account, userId: options.user })
        return yield* identity.updateUser({
          accountId: options.account,
          userId: options.user,
          roles: options.roles.length > 0 ? options.roles : current?.roles ?? [],
          tags: Object.keys(options.tags).length > 0 ? options.tags : current?.tags ?? {}
        })
      })).pipe(
        Effect.flatMap((updated) =>
          options.json
            ? Render.json(updated)
            : Console.log(`Updated ${options.user} in account ${options.account}.\n\n${Render.userFields(updated)}`)
        )
      )
).pipe(Command.withDescription("Set a user's roles and/or tags; what is not given stays as it is"))

const users = Command.make("users").pipe(
  Command.withDescription("Users: invite, list, get, update"),
  Command.withSubcommands([usersInvite, usersList, usersGet, usersUpdate])
)

// ---------------------------------------------------------------------------------------------
// the app
// ---------------------------------------------------------------------------------------------

const katanemo = Command.make("katanemo").pipe(
  Command.withDescription(
    "API keys and users of a Katanemo organization. Exit codes: 0 ok, 1 API error, 2 usage error, 3 network error."
  ),
  Command.withSubcommands([keys, users])
)

const app = Command.run(katanemo, { name: "katanemo", version: "0.1.0" })

/**
 * Runs the CLI on `argv` (as `process.argv`: node, script, then the arguments) and answers the
 * exit code. Output goes through Effect's `Console`.
 */
export const run = (argv: ReadonlyArray<string>): Effect.Effect<number, never, CliApp.CliApp.Environment> =>
  app(argv).pipe(
    Effect.as(ExitCode.ok),
    Effect.catchAll((error) =>
      error._tag === "CliExit"
        ? Effect.succeed(error.code)
        : Effect.succeed(ExitCode.usage)
    ),
    Effect.catchAllDefect((defect) =>
      Effect.as(Console.error(`katanemo: internal error: ${String(defect)}`), ExitCode.internal)
    )
  )
