/**
 * What a store holds: accounts by id, each with its keys and users in creation order, and how a
 * seed becomes that.
 *
 * @internal
 */
import { ClientKeyObject, UserResponse } from "@katanemo/models"
import * as Redacted from "effect/Redacted"
import type { Seed } from "../Seed.js"

/** One account as the store holds it: its keys and users, in creation order. */
export interface Account {
  readonly keys: ReadonlyArray<ClientKeyObject>
  readonly users: ReadonlyArray<UserResponse>
}

/** Every account the store holds, by account id, in creation order. */
export type State = ReadonlyMap<string, Account>

/** An account the store does not hold reads as this one: no keys, no users. */
export const emptyAccount: Account = { keys: [], users: [] }

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
    state.set(account.accountId, { keys, users })
  }
  return state
}
