/**
 * `katanemo … --help`: the help of the whole CLI, of a group (`katanemo keys`) or of one command,
 * with full command lines (`$ katanemo keys list …`), optional flags in brackets, and the global
 * options that every command takes.
 */
import * as CliConfig from "@effect/cli/CliConfig"
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Span from "@effect/cli/HelpDoc/Span"
import * as Usage from "@effect/cli/Usage"
import * as Arr from "effect/Array"

/** What help knows of one command (`keys list`). */
export interface Leaf {
  readonly name: string
  readonly description: string
  /** The command's own options, as `list (-a, --account text)`. */
  readonly usage: string
  /** The command's DESCRIPTION and OPTIONS sections. */
  readonly sections: HelpDoc.HelpDoc
}

/** What help knows of one group of commands (`keys`). */
export interface Group {
  readonly name: string
  readonly description: string
  readonly commands: Arr.NonEmptyReadonlyArray<Leaf>
}

/** What help knows of the whole CLI. */
export interface Tree {
  readonly description: string
  readonly groups: Arr.NonEmptyReadonlyArray<Group>
}

/** How help is laid out: no built-in @effect/cli options, which `katanemo` does not take. */
export const config: CliConfig.CliConfig = CliConfig.make({ showBuiltIns: false })

/** Removes ANSI escape sequences (colour, bold). */
export const plain = (text: string): string => text.replace(/\u001b\[[0-9;]*m/g, "")

/** The help entry of `command`. */
export const leaf = <Name extends string, R, E, A>(
  name: Name,
  description: string,
  command: Command.Command<Name, R, E, A>
): Leaf => ({
  name,
  description,
  usage: plain(HelpDoc.toAnsiText(Usage.getHelp(Command.getUsage(command)))).trim(),
  sections: Command.getHelp(command, config)
})

const globalOptions: Arr.NonEmptyReadonlyArray<readonly [string, string]> = [
  [
    "--json",
    "Print machine-readable JSON on stdout; an error is then one JSON object on stderr: "
    + "{\"error\": {\"tag\", \"message\", \"exitCode\"}}, plus status, operation and requestId when known."
  ],
  [
    "--token text",
    "The API token. Prefer the environment (KATANEMO_API_TOKEN): flags end up in shell history. "
    + "Or, instead of a token, an API key's id and secret in KATANEMO_CLIENT_ID and KATANEMO_CLIENT_SECRET: "
    + "the CLI then obtains a token itself."
  ],
  ["--base-url text", "The API's URL (env KATANEMO_BASE_URL; default https://api.katanemo.com)."],
  [
    "--log-level all | trace | debug | info | warning | error | fatal | none",
    "Logs on stderr: at debug, each request and each retry (env KATANEMO_LOG)."
  ],
  ["(-h, --help)", "Show this help."],
  ["--version", "Show the version."]
]

const definitions = (
  entries: Arr.NonEmptyReadonlyArray<readonly [string, string]>
): HelpDoc.HelpDoc =>
  HelpDoc.descriptionList(Arr.map(entries, ([term, text]): [Span.Span, HelpDoc.HelpDoc] => [
    Span.strong(term),
    HelpDoc.p(text)
  ]))

const globals = HelpDoc.sequence(
  HelpDoc.h1("GLOBAL OPTIONS (before or after the command, all optional)"),
  definitions(globalOptions)
)

const exitCodes = HelpDoc.sequence(
  HelpDoc.h1("EXIT CODES"),
  HelpDoc.p(
    "0 ok, 1 the API answered with an error, 2 usage error (nothing was sent), 3 network error, 70 internal error"
  )
)

const commandList = (prefix: string, leaves: Arr.NonEmptyReadonlyArray<readonly [string, Leaf]>) =>
  HelpDoc.sequence(
    HelpDoc.h1("COMMANDS"),
    definitions(Arr.map(leaves, ([group, command]) => [`$ ${prefix}${group} ${command.usage}`, command.description]))
  )

const page = (version: string, usage: string, ...sections: ReadonlyArray<HelpDoc.HelpDoc>): HelpDoc.HelpDoc =>
  HelpDoc.blocks([
    HelpDoc.p(`katanemo ${version}`),
    HelpDoc.sequence(
      HelpDoc.h1("USAGE"),
      HelpDoc.sequence(
        HelpDoc.p(`$ ${usage}`),
        HelpDoc.p("Options in [brackets] are optional; the others are required.")
      )
    ),
    ...sections
  ])

/** The help of the whole CLI. */
export const root = (tree: Tree, version: string): HelpDoc.HelpDoc =>
  page(
    version,
    "katanemo <group> <command> [options]",
    HelpDoc.sequence(HelpDoc.h1("DESCRIPTION"), HelpDoc.p(tree.description)),
    commandList(
      "katanemo ",
      Arr.flatMap(tree.groups, (group) => Arr.map(group.commands, (command) => [group.name, command] as const))
    ),
    globals,
    exitCodes
  )

/** The help of a group, such as `katanemo keys`. */
export const group = (self: Group, version: string): HelpDoc.HelpDoc =>
  page(
    version,
    `katanemo ${self.name} <command> [options]`,
    HelpDoc.sequence(HelpDoc.h1("DESCRIPTION"), HelpDoc.p(self.description)),
    commandList("katanemo ", Arr.map(self.commands, (command) => [self.name, command] as const)),
    globals
  )

/** The help of one command, such as `katanemo keys list`. */
export const command = (group: Group, self: Leaf, version: string): HelpDoc.HelpDoc =>
  page(version, `katanemo ${group.name} ${self.usage} [global options]`, self.sections, globals, exitCodes)
