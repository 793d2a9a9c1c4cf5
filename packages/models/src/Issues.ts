/**
 * Schema failures as short lines, for messages a person reads.
 *
 * @since 0.1.0
 */
import * as ParseResult from "effect/ParseResult"

const formatPath = (path: ReadonlyArray<PropertyKey>): string =>
  path.map((key, i) => (typeof key === "number" ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`)).join("")

const isPrefix = (prefix: ReadonlyArray<PropertyKey>, path: ReadonlyArray<PropertyKey>): boolean =>
  prefix.length <= path.length && prefix.every((key, i) => key === path[i])

/** "Expected null" or "Expected undefined": the other alternative of an optional or nullable field. */
const isAlternative = (message: string): boolean => /^Expected (null|undefined), actual /.test(message)

/**
 * One line per issue of a `ParseError`, each naming where it is: `clientName: Expected a non
 * empty string, actual ""`, `accounts[0].keys[1].clientId: …`. For an optional or nullable field
 * that failed, the `null`/`undefined` alternative's complaint is left out: it only repeats the
 * real one.
 *
 * @since 0.1.0
 * @category formatting
 */
export const issues = (
  error: ParseResult.ParseError,
  options: {
    /**
     * Leave out the offending values (`, actual …`): for data that may hold a secret, such as
     * a response body.
     */
    readonly withoutValues?: boolean | undefined
  } = {}
): ReadonlyArray<string> => {
  const all = ParseResult.ArrayFormatter.formatErrorSync(error)
  const text = (
    message: string
  ) => (options.withoutValues === true ? message.replace(/, actual [\s\S]*$/, "") : message)
  return all
    .filter((issue) =>
      !isAlternative(issue.message)
      || !all.some((other) => other !== issue && !isAlternative(other.message) && isPrefix(issue.path, other.path))
    )
    .map((
      issue
    ) => (issue.path.length === 0 ? text(issue.message) : `${formatPath(issue.path)}: ${text(issue.message)}`))
}
