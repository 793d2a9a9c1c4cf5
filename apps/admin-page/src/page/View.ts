/**
 * What the page shows: one status line (progress, then the error if any) and two plain tables.
 * Text goes in with `textContent` only, never as HTML. `body[data-state]` says where the page is
 * (`loading`, `ready`, `failed`), for the stylesheet and for tests.
 */
import type { ClientKeyObject, UserResponse } from "@katanemo/models"

const byId = (id: string): HTMLElement => {
  const element = document.getElementById(id)
  if (element === null) throw new Error(`the page has no #${id}`)
  return element
}

/** A progress line. */
export const progress = (text: string): void => {
  document.body.dataset["state"] = "loading"
  byId("status").textContent = text
}

/** The failure, as one readable line. */
export const failure = (text: string): void => {
  document.body.dataset["state"] = "failed"
  const status = byId("status")
  status.setAttribute("role", "alert")
  status.textContent = text
}

const flag = (value: boolean | null | undefined): string => value === true ? "yes" : value === false ? "no" : "–"

/** `1 user`, `2 users`. */
const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? "" : "s"}`

const roles = (value: ReadonlyArray<string> | null | undefined): string => (value ?? []).join(", ")

/** A table of `headers` and `rows`, in the element `id`; an empty list says so in one row. */
const table = (id: string, headers: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): void => {
  const element = document.createElement("table")
  const head = element.createTHead().insertRow()
  for (const header of headers) {
    const cell = document.createElement("th")
    cell.textContent = header
    head.appendChild(cell)
  }
  const body = element.createTBody()
  for (const row of rows) {
    const line = body.insertRow()
    for (const value of row) line.insertCell().textContent = value
  }
  if (rows.length === 0) {
    const cell = body.insertRow().insertCell()
    cell.colSpan = headers.length
    cell.textContent = "none"
  }
  byId(id).replaceChildren(element)
}

/**
 * The keys and the users, and a status line that counts them. A user's `token` is a secret and
 * is not shown (it is a `Redacted`, which would print as `<redacted>` anyway).
 */
export const ready = (
  accountId: string,
  keys: ReadonlyArray<ClientKeyObject>,
  users: ReadonlyArray<UserResponse>
): void => {
  table(
    "keys",
    ["key id", "name", "roles", "active"],
    keys.map((key) => [
      key.clientKeyId ?? "",
      key.clientName ?? "",
      roles(key.roles),
      flag(key.isActive)
    ])
  )
  table(
    "users",
    ["user id", "roles", "active", "admin"],
    users.map((user) => [
      user.userId ?? "",
      roles(user.roles),
      flag(user.isActive),
      flag(user.isAdmin)
    ])
  )
  byId("status").textContent = `Account ${accountId}: ${count(keys.length, "API key")}, ${count(users.length, "user")}`
  document.body.dataset["state"] = "ready"
}
