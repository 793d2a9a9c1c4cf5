/**
 * The examples' command line: `<account-id> [<old-key-id>]`, checked before any call is made. The
 * account is never guessed: an id that is missing, empty or looks like an option is a usage error,
 * so the examples never write to an account the user did not name.
 */
import { AccountId, KeyId } from "@katanemo/models"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"

/** How to run the examples, shown with every usage error. */
export const usage = "usage: pnpm --filter katanemo-examples start <account-id> [<old-key-id>]"

/** What the user named: the account to onboard into, and the key to rotate, if any. */
export interface Arguments {
  readonly accountId: AccountId
  readonly oldKeyId: Option.Option<KeyId>
}

/** The command line asks for help (`-h`, `--help`). */
export class HelpRequested extends Schema.TaggedError<HelpRequested>()("HelpRequested", {}) {}

/** The command line is wrong; `message` says how, in one line. */
export class UsageError extends Schema.TaggedError<UsageError>()("UsageError", { message: Schema.String }) {}

/** Checks one id: not empty or blank, not an option, no control characters. */
const id = (what: string, value: string): Either.Either<string, UsageError> => {
  const shown = JSON.stringify(value)
  if (value.trim() === "") return Either.left(new UsageError({ message: `the ${what} is empty` }))
  if (value.startsWith("-")) {
    return Either.left(new UsageError({ message: `the ${what} ${shown} starts with "-": an id, not an option` }))
  }

  if (/[\u0000-\u001f\u007f]/.test(value) || value !== value.trim()) {
    return Either.left(new UsageError({ message: `the ${what} ${shown} has spaces or control characters around it` }))
  }
  return Either.right(value)
}

/**
 * Reads the arguments after the program's name. One leading `--` is skipped: pnpm 10 passes it on
 * (`pnpm start -- acme` runs the program with `-- acme`).
 */
export const parse = (argv: ReadonlyArray<string>): Either.Either<Arguments, UsageError | HelpRequested> => {
  const args = argv[0] === "--" ? argv.slice(1) : argv
  if (args.includes("-h") || args.includes("--help")) return Either.left(new HelpRequested())
  const [account, oldKey, ...extra] = args
  if (account === undefined) return Either.left(new UsageError({ message: "the account id is missing" }))
  if (extra.length > 0) {
    return Either.left(new UsageError({ message: `unexpected arguments after the key id: ${extra.join(" ")}` }))
  }
  return Either.gen(function*() {
    const accountId = AccountId.make(yield* id("account id", account))
    const oldKeyId = oldKey === undefined ? Option.none() : Option.some(KeyId.make(yield* id("key id", oldKey)))
    return { accountId, oldKeyId }
  })
}
