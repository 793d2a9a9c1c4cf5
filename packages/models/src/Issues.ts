/**
 * Schema failures as short lines, for messages a person reads.
 *
 * @since 0.1.0
 */
import * as Arr from "effect/Array"
import * as ParseResult from "effect/ParseResult"

const formatPath = (path: ReadonlyArray<PropertyKey>): string =>
  path.map((key, i) => (typeof key === "number" ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`)).join("")

const isPrefix = (prefix: ReadonlyArray<PropertyKey>, path: ReadonlyArray<PropertyKey>): boolean =>
  prefix.length <= path.length && prefix.every((key, i) => key === path[i])

/** How deep, how wide and how long a value is quoted in a message; the rest reads `…`. */
const quoted = { depth: 4, width: 20, length: 200 } as const

/** Stands for the part of a value left out of a message: formats as `…`. */
class Elided {
  toString(): string {
    return "…"
  }
}
const elided = new Elided()

const isPlainObject = (u: object): u is Readonly<Record<string, unknown>> => {
  const proto: unknown = Object.getPrototypeOf(u)
  return proto === Object.prototype || proto === null
}

/**
 * A value cut down to what a message quotes: strings, arrays and plain objects beyond the
 * bounds are elided. Effect's formatter walks a value recursively with no bound, so a value of
 * 100,000 nested arrays (as a hostile server may send) would overflow the stack; so would a
 * 16 MB string make a 16 MB message.
 */
const bounded = (value: unknown, depth: number): unknown => {
  if (typeof value === "string") {
    return value.length > quoted.length ? `${value.slice(0, quoted.length)}…` : value
  }
  if (typeof value !== "object" || value === null) return value
  if (Array.isArray(value)) {
    if (depth >= quoted.depth) return value.length === 0 ? [] : [elided]
    const out: Array<unknown> = value.slice(0, quoted.width).map((item: unknown) => bounded(item, depth + 1))
    if (value.length > quoted.width) out.push(elided)
    return out
  }
  if (!isPlainObject(value)) return value
  const keys = Object.keys(value)
  if (depth >= quoted.depth) return keys.length === 0 ? {} : { "…": elided }
  const out: Record<string, unknown> = {}
  for (const key of keys.slice(0, quoted.width)) {
    out[key.length > quoted.length ? `${key.slice(0, quoted.length)}…` : key] = bounded(value[key], depth + 1)
  }
  if (keys.length > quoted.width) out["…"] = elided
  return out
}

const isIssueList = (
  issues: ParseResult.SingleOrNonEmpty<ParseResult.ParseIssue>
): issues is Arr.NonEmptyReadonlyArray<ParseResult.ParseIssue> => Array.isArray(issues)

/** The issue with every value it holds cut down by {@link bounded}, so that formatting it is safe. */
const boundIssue = (issue: ParseResult.ParseIssue): ParseResult.ParseIssue => {
  switch (issue._tag) {
    case "Type":
      return new ParseResult.Type(issue.ast, bounded(issue.actual, 0), issue.message)
    case "Forbidden":
      return new ParseResult.Forbidden(issue.ast, bounded(issue.actual, 0), issue.message)
    case "Unexpected":
      return new ParseResult.Unexpected(bounded(issue.actual, 0), issue.message)
    case "Missing":
      return issue
    case "Pointer":
      return new ParseResult.Pointer(issue.path, bounded(issue.actual, 0), boundIssue(issue.issue))
    case "Refinement":
      return new ParseResult.Refinement(issue.ast, bounded(issue.actual, 0), issue.kind, boundIssue(issue.issue))
    case "Transformation":
      return new ParseResult.Transformation(issue.ast, bounded(issue.actual, 0), issue.kind, boundIssue(issue.issue))
    case "Composite": {
      const issues = issue.issues
      return new ParseResult.Composite(
        issue.ast,
        bounded(issue.actual, 0),
        isIssueList(issues) ? Arr.map(issues, boundIssue) : boundIssue(issues),
        issue.output === undefined ? undefined : bounded(issue.output, 0)
      )
    }
  }
}

/** "Expected null" or "Expected undefined": the other alternative of an optional or nullable field. */
const isAlternative = (message: string): boolean => /^Expected (null|undefined), actual /.test(message)

/**
 * One line per issue of a `ParseError`, each naming where it is: `clientName: Expected a non
 * empty string, actual ""`, `accounts[0].keys[1].clientId: …`. For an optional or nullable field
 * that failed, the `null`/`undefined` alternative's complaint is left out: it only repeats the
 * real one. Values are quoted cut short (at most 4 levels deep, 20 items wide, 200
 * characters long), so any value, however large or deeply nested, gives short lines.
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
  const all = ParseResult.ArrayFormatter.formatIssueSync(boundIssue(error.issue))
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
