/**
 * The API's rules, as pure functions. Each operation's rule takes the account as the store holds
 * it, the call's (validated) input and what the store settled beforehand (its `serviceId`; for a
 * new key, the id and secret it drew), and answers either the exception the API sends, or the
 * account after the call together with the call's answer (for the token exchange, the claims of
 * the token to issue: the store signs them, for signing is asynchronous). A rule reads no clock, draws no random
 * number and keeps no state: the store applies it in one step over its state, so no lock is
 * needed around it, and the harness (tokens, faults, rate limit, call log) stays outside.
 *
 * @internal
 */
import type { Operation } from "@katanemo/client"
import {
  type ApiException,
  BadRequestException,
  ClientKeyObject,
  ClientKeyResponse,
  ConflictException,
  type KeyId,
  NotFoundException,
  UnauthorizedException,
  UserResponse
} from "@katanemo/models"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import type { InputOf, OutputOf } from "./operations.js"
import { type Account, accountOfKey, type State } from "./state.js"

/** What every rule may use besides the account and the input. */
export interface Context {
  /** The `serviceId` of the keys and users the store creates. */
  readonly serviceId: string
}

/** A new key's id and secret, drawn by the store before `createClientKey`'s rule runs. */
export interface NewKey extends Context {
  readonly clientId: KeyId
  readonly clientSecret: Redacted.Redacted<string>
}

/** When a token the exchange issues is issued and expires, read off the clock by the store, in seconds. */
export interface Issue extends Context {
  readonly issuedAt: number
  readonly expiresAt: number
}

/**
 * The claims of a token the store issues: the key (`sub`), its account (`acct`), and when it was
 * issued and expires (`iat`, `exp`, in seconds since the epoch, as JWTs count).
 */
export interface Claims {
  readonly sub: string
  readonly acct: string
  readonly iat: number
  readonly exp: number
}

/**
 * The context an operation's rule takes: a create of a key needs its drawn id and secret, the
 * token exchange the time.
 */
export type ContextOf<K extends Operation> = K extends "createClientKey" ? NewKey
  : K extends "getShortTermToken" ? Issue
  : Context

/** What an operation's rule answers: the operation's answer, or, for the token exchange, the claims to sign. */
export type RuleOutputOf<K extends Operation> = K extends "getShortTermToken" ? Claims : OutputOf<K>

/** What a rule answers when the call succeeds: the account after it (the same one for a read), and the answer. */
export interface Applied<A> {
  readonly account: Account
  readonly answer: A
}

/** The rule of one operation. */
export type Rule<K extends Operation> = (
  account: Account,
  input: InputOf<K>,
  context: ContextOf<K>
) => Either.Either<Applied<RuleOutputOf<K>>, ApiException>

const withoutKey = <V>(secrets: ReadonlyMap<string, V>, keyId: string): ReadonlyMap<string, V> => {
  const rest = new Map(secrets)
  rest.delete(keyId)
  return rest
}

const notFound = (what: string) => new NotFoundException({ message: `${what} not found`, errorCode: "NOT_FOUND" })

/** A read: the account stays as it was. */
const read = <A>(account: Account, answer: A): Either.Either<Applied<A>, ApiException> =>
  Either.right({ account, answer })

const named = (input: { readonly accountId: string }): string => input.accountId

/**
 * The account each operation's rule applies to: the one its input names; for the token exchange,
 * which names none, the one holding the key (none for an unknown key: the rule then sees an
 * empty account).
 */
export const accountOf: { readonly [K in Operation]: (input: InputOf<K>, state: State) => string | undefined } = {
  createClientKey: named,
  getClientKeyList: named,
  getClientKey: named,
  deleteClientKey: named,
  createUserForAccount: named,
  getUsersForAccount: named,
  getUser: named,
  updateUser: named,
  getShortTermToken: ({ clientId }, state) => accountOfKey(state, clientId)
}

/**
 * The one refusal of a token exchange, whatever was wrong (an unknown or deleted key, a key
 * without a secret or inactive, a wrong secret), so that the answer tells an attacker nothing. It
 * names no secret.
 */
export const badCredentials = () =>
  new UnauthorizedException({ message: "Invalid client credentials", errorCode: "INVALID_CLIENT" })

/** Compares two secrets in time that depends on their lengths only. */
const sameSecret = (a: Redacted.Redacted<string>, b: Redacted.Redacted<string>): boolean => {
  const x = Redacted.value(a)
  const y = Redacted.value(b)
  let diff = x.length ^ y.length
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x.charCodeAt(i) | 0) ^ (y.charCodeAt(i) | 0)
  return diff === 0
}

/** The rule of each of the nine operations (the type proves none is missing). */
export const rules: { readonly [K in Operation]: Rule<K> } = {
  createClientKey: (account, { accountId, clientName, defaultRoleId }, { clientId, clientSecret, serviceId }) => {
    if (account.keys.some((key) => key.clientName === clientName)) {
      return Either.left(
        new ConflictException({
          message: `A key named ${JSON.stringify(clientName)} already exists in account ${accountId}`,
          errorCode: "KEY_NAME_EXISTS"
        })
      )
    }
    const key = ClientKeyObject.make({
      accountId,
      roles: [defaultRoleId],
      clientName,
      clientKeyId: clientId,
      serviceId,
      isActive: true
    })
    return Either.right({
      account: {
        ...account,
        keys: [...account.keys, key],
        secrets: new Map(account.secrets).set(clientId, clientSecret)
      },
      answer: ClientKeyResponse.make({ clientId, clientSecret })
    })
  },
  getClientKeyList: (account) => read(account, account.keys),
  getClientKey: (account, { keyId }) => {
    const found = account.keys.find((key) => key.clientKeyId === keyId)
    return found === undefined ? Either.left(notFound(`Key ${keyId}`)) : read(account, found)
  },
  deleteClientKey: (account, { keyId }) =>
    account.keys.some((key) => key.clientKeyId === keyId)
      ? Either.right({
        account: {
          ...account,
          keys: account.keys.filter((key) => key.clientKeyId !== keyId),
          secrets: withoutKey(account.secrets, keyId)
        },
        answer: `Key ${keyId} deleted`
      })
      : Either.left(notFound(`Key ${keyId}`)),
  createUserForAccount: (account, { accountId, roles, tags, userId }, { serviceId }) => {
    if (userId === undefined) {
      return Either.left(
        new BadRequestException({ message: "userId is required to invite a user", errorCode: "VALIDATION_ERROR" })
      )
    }
    if (account.users.some((user) => user.userId === userId)) {
      return Either.left(
        new ConflictException({
          message: `User ${userId} already exists in account ${accountId}`,
          errorCode: "USER_EXISTS"
        })
      )
    }
    const user = UserResponse.make({
      accountId,
      serviceId,
      userId,
      isAdmin: false,
      isActive: false,
      tags: tags ?? {},
      roles: roles ?? []
    })
    return Either.right({ account: { ...account, users: [...account.users, user] }, answer: user })
  },
  getUsersForAccount: (account) => read(account, account.users),
  getUser: (account, { userId }) => {
    const user = account.users.find((u) => u.userId === userId)
    return user === undefined ? Either.left(notFound(`User ${userId}`)) : read(account, user)
  },
  updateUser: (account, { roles, tags, userId }) => {
    const current = account.users.find((u) => u.userId === userId)
    if (current === undefined) return Either.left(notFound(`User ${userId}`))
    // a PUT replaces both: one left out is cleared, as an invite without it starts empty
    const updated = UserResponse.make({ ...current, roles: roles ?? [], tags: tags ?? {} })
    return Either.right({
      account: { ...account, users: account.users.map((u) => (u.userId === userId ? updated : u)) },
      answer: updated
    })
  },
  getShortTermToken: (account, { clientId, clientSecret }, { expiresAt, issuedAt }) => {
    const key = account.keys.find((k) => k.clientKeyId === clientId)
    const secret = account.secrets.get(clientId)
    if (
      key === undefined || key.accountId == null || key.isActive === false || secret === undefined
      || !sameSecret(secret, clientSecret)
    ) {
      return Either.left(badCredentials())
    }
    return read(account, { sub: clientId, acct: key.accountId, iat: issuedAt, exp: expiresAt })
  }
}
