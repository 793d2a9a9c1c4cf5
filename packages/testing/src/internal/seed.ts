/**
 * What a seed check needs besides the schema: a bounded copy of untrusted input, the API's rules
 * checked on input of any shape, and issue lines a person can read.
 *
 * @internal
 */
import * as Predicate from "effect/Predicate"

/**
 * How deep a copy goes. A valid seed nests 7 levels (`accounts[0].users[0].tags.team[0]`); a
 * deeper value is wrong anyway, and showing it whole would overflow the stack.
 */
export const maxDepth = 12

/** What stands for a value nested deeper than {@link maxDepth} in the bounded copy. */
export const tooDeep = `<nested deeper than ${maxDepth} levels>`

/** The longest issue line: a huge value is cut, not printed whole. */
export const maxLineLength = 500

const isArray = (value: unknown): value is ReadonlyArray<unknown> => Array.isArray(value)

/**
 * A plain copy of `input` (arrays and own enumerable string keys), with anything nested deeper
 * than {@link maxDepth} replaced by {@link tooDeep}. A `__proto__` key stays an own property.
 * Throws only what a getter of `input` throws.
 */
export const bounded = (input: unknown, depth = 0): unknown => {
  if (typeof input !== "object" || input === null) return input
  if (depth >= maxDepth) return tooDeep
  if (isArray(input)) return Array.from(input, (item) => bounded(item, depth + 1))
  return Object.fromEntries(Object.entries(input).map(([key, value]) => [key, bounded(value, depth + 1)]))
}

/** A seed rule broken: where and how. */
export interface RuleIssue {
  readonly path: ReadonlyArray<string | number>
  readonly message: string
}

const field = (value: unknown, key: string): unknown =>
  Predicate.isRecord(value) && Object.hasOwn(value, key) ? value[key] : undefined

const list = (value: unknown): ReadonlyArray<unknown> => (isArray(value) ? value : [])

/** Each later entry whose `key` is a non-empty string already seen. */
const duplicates = (
  items: ReadonlyArray<unknown>,
  key: string,
  issue: (index: number, value: string) => RuleIssue
): Array<RuleIssue> => {
  const seen = new Set<string>()
  const found: Array<RuleIssue> = []
  for (const [index, item] of items.entries()) {
    const value = field(item, key)
    if (typeof value !== "string" || value === "") continue
    if (seen.has(value)) found.push(issue(index, value))
    else seen.add(value)
  }
  return found
}

/**
 * Every broken rule of a seed of any shape: account ids are unique, and within an account so are
 * key ids, key names and user ids. Entries of the wrong shape are the schema's to report; they
 * are skipped here, so both kinds of problem show in one go.
 */
export const ruleIssues = (input: unknown): Array<RuleIssue> => {
  const accounts = list(field(input, "accounts"))
  const issues = duplicates(accounts, "accountId", (i, value) => ({
    path: ["accounts", i, "accountId"],
    message: `duplicate account ${JSON.stringify(value)}`
  }))
  for (const [i, account] of accounts.entries()) {
    const keys = list(field(account, "keys"))
    issues.push(
      ...duplicates(keys, "clientId", (j, value) => ({
        path: ["accounts", i, "keys", j, "clientId"],
        message: `duplicate key ${JSON.stringify(value)}`
      })),
      ...duplicates(keys, "clientName", (j, value) => ({
        path: ["accounts", i, "keys", j, "clientName"],
        message: `duplicate clientName ${JSON.stringify(value)}`
      })),
      ...duplicates(list(field(account, "users")), "userId", (j, value) => ({
        path: ["accounts", i, "users", j, "userId"],
        message: `duplicate user ${JSON.stringify(value)}`
      }))
    )
  }
  return issues
}

/** `accounts[0].keys[1].clientName`, as `Issues.issues` of `@katanemo/models` writes a path. */
export const formatPath = (path: ReadonlyArray<string | number>): string =>
  path.map((key, i) => (typeof key === "number" ? `[${key}]` : i === 0 ? key : `.${key}`)).join("")

/** A sort key that orders issue lines by their path, with indexes compared as numbers. */
const sortKey = (line: string): string => {
  const colon = line.indexOf(": ")
  const path = colon === -1 ? "" : line.slice(0, colon)
  return path.replace(/\[(\d+)\]/g, (_, index: string) => `[${index.padStart(16, "0")}]`)
}

/** Issue lines in path order (stable), each at most {@link maxLineLength} characters. */
export const tidy = (lines: ReadonlyArray<string>): Array<string> =>
  lines
    .map((line, index) => ({ line, index, key: sortKey(line) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.index - b.index))
    .map(({ line }) => (line.length > maxLineLength ? `${line.slice(0, maxLineLength - 1)}…` : line))
