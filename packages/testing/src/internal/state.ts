/**
 * What a store holds: accounts by id, each with its keys and users in creation order, and how a
 * seed becomes that.
 *
 * @internal
 */
import { ClientKeyObject, UserResponse } from "@katanemo/models"
import * as Redacted from "effect/Redacted"
import type { Seed } from "../Seed.js"

/**
 * One account as the store holds it: its keys and users, in creation order, and beside them the
 * keys' secrets (by key id), which no read answers: only the token exchange looks at them. A key
 * without a secret (one seeded without `clientSecret`) cannot be exchanged.
 */
export interface Account {
  readonly keys: ReadonlyArray<ClientKeyObject>
  readonly users: ReadonlyArray<UserResponse>
  readonly secrets: ReadonlyMap<string, Redacted.Redacted<string>>
}

/** Every account the store holds, by account id, in creation order. */
export type State = ReadonlyMap<string, Account>

/** The id of the account that holds key `clientId`, if any (key ids are unique across accounts). */
export const accountOfKey = (state: State, clientId: string): string | undefined => {
  for (const [accountId, account] of state) {
    if (account.keys.some((key) => key.clientKeyId === clientId)) return accountId
  }
  return undefined
}

/** An account the store does not hold reads as this one: no keys, no users. */
export const emptyAccount: Account = { keys: [], users: [], secrets: new Map() }

/** The state a (decoded) seed describes; what it leaves out is `serviceId`'s. */
export const fromSeed = (seed: typeof Seed.Type, serviceId: string): State => {
  const state = new Map<string, Account>()
  for (const account of seed.accounts) {
    const keys = account.keys.map((key) =>
      ClientKeyObject.make({
        accountId: account.accountId,
        roles: key.roles,
        clientName: key.clientName,
        clientKeyId: key.clientId,
        serviceId: key.serviceId ?? serviceId,
        isActive: key.isActive
      })
    )
    const users = account.users.map((user) =>
      UserResponse.make({
        accountId: account.accountId,
        serviceId: user.serviceId ?? serviceId,
        userId: user.userId,
        isAdmin: user.isAdmin,
        isActive: user.isActive,
        ...(user.token === undefined ? {} : { token: Redacted.make(user.token) }),
        tags: user.tags,
        roles: user.roles
      })
    )
    const secrets = new Map<string, Redacted.Redacted<string>>()
    for (const key of account.keys) {
      if (key.clientSecret !== undefined) secrets.set(key.clientId, Redacted.make(key.clientSecret))
    }
    state.set(account.accountId, { keys, users, secrets })
  }
  return state
}
