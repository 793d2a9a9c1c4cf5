/**
 * How the CLI prints: readable tables and lines for people, JSON for machines.
 */
import type { ClientKeyObject, UserResponse } from "@katanemo/models"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"

/** A table with a header row, columns padded to their widest cell. */
export const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? "").length)))
  const line = (cells: ReadonlyArray<string>) =>
    cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join("  ").trimEnd()
  return [line(header), ...rows.map(line)].join("\n")
}

const list = (
  values: ReadonlyArray<string> | undefined
) => (values === undefined || values.length === 0 ? "-" : values.join(","))
const yesNo = (value: boolean | undefined) => (value === undefined ? "-" : value ? "yes" : "no")
const tagsText = (tags: Readonly<Record<string, ReadonlyArray<string>>> | undefined) =>
  tags === undefined || Object.keys(tags).length === 0
    ? "-"
    : Object.entries(tags).map(([key, values]) => `${key}=${values.join("|")}`).join(",")

/**
 * Prints a value in its wire form, secrets included: only for `keys create --json`, whose output
 * exists to store the new secret.
 */
export const wireJson = <A, I>(schema: Schema.Schema<A, I>, value: A) =>
  Effect.flatMap(Schema.encode(schema)(value), (encoded) => Console.log(JSON.stringify(encoded, null, 2))).pipe(
    Effect.orDie
  )

/** Prints a value as pretty JSON; a secret in it (a user's `token`) prints as `<redacted>`. */
export const json = (value: unknown) => Console.log(JSON.stringify(value, null, 2))

export const keysTable = (keys: ReadonlyArray<ClientKeyObject>): string =>
  table(
    ["KEY ID", "NAME", "ROLES", "ACTIVE"],
    keys.map((key) => [key.clientKeyId ?? "-", key.clientName ?? "-", list(key.roles), yesNo(key.isActive)])
  )

export const usersTable = (users: ReadonlyArray<UserResponse>): string =>
  table(
    ["USER ID", "ROLES", "TAGS", "ACTIVE", "ADMIN"],
    users.map((
      user
    ) => [user.userId ?? "-", list(user.roles), tagsText(user.tags), yesNo(user.isActive), yesNo(user.isAdmin)])
  )

/** One key or user as aligned `field  value` lines. */
export const fields = (pairs: ReadonlyArray<readonly [string, string]>): string => {
  const width = Math.max(...pairs.map(([name]) => name.length))
  return pairs.map(([name, value]) => `${name.padEnd(width)}  ${value}`).join("\n")
}

export const keyFields = (key: ClientKeyObject): string =>
  fields([
    ["key id", key.clientKeyId ?? "-"],
    ["name", key.clientName ?? "-"],
    ["account", key.accountId ?? "-"],
    ["roles", list(key.roles)],
    ["active", yesNo(key.isActive)],
    ["service", key.serviceId ?? "-"]
  ])

export const userFields = (user: UserResponse): string =>
  fields([
    ["user id", user.userId ?? "-"],
    ["account", user.accountId],
    ["roles", list(user.roles)],
    ["tags", tagsText(user.tags)],
    ["active", yesNo(user.isActive)],
    ["admin", yesNo(user.isAdmin)],
    ["service", user.serviceId ?? "-"]
  ])
