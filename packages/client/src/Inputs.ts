/**
 * The input of each operation: one object with the path ids and the body fields. Ids are plain
 * strings (`{ accountId: "acme", userId: "ada@acme.example" }`). The live client and the
 * in-memory fakes validate inputs against these schemas, so a bad input fails the same way
 * (`InvalidRequestError`, naming the field) whichever layer runs.
 *
 * @since 0.1.0
 */
import * as Models from "@katanemo/models"
import { ClientKeyRequest, TokenRequest, UserRequest } from "@katanemo/models"
import type * as Brand from "effect/Brand"
import * as Schema from "effect/Schema"

/**
 * An id that travels as one path segment: besides being non-empty, it must not be `.` or `..`,
 * which URLs treat as "this" and "parent" directory even when percent-encoded.
 */
const pathSegment = <A extends string>(id: Schema.Schema<A, string>) =>
  id.pipe(Schema.filter((value) => value !== "." && value !== "..", {
    message: () => "\".\" and \"..\" cannot be sent as a path segment"
  }))

/**
 * An input as a caller writes it: the schema's type, with each id a plain string. The call
 * checks it, so an empty id or a missing field fails as an `InvalidRequestError` naming the field,
 * in the error channel; the schema brands the ids of a valid input.
 */
type Plain<A> = { readonly [K in keyof A]: Brand.Brand.Unbranded<A[K]> }

const AccountId = pathSegment(Models.AccountId)
const KeyId = pathSegment(Models.KeyId)
const UserId = pathSegment(Models.UserId)

/**
 * `createClientKey`: the account, and the new key's name and default role.
 *
 * @since 0.1.0
 * @category inputs
 */
export const CreateClientKeyInput = Schema.Struct({ accountId: AccountId, ...ClientKeyRequest.fields }).annotations({
  identifier: "CreateClientKeyInput"
})

/**
 * @since 0.1.0
 * @category inputs
 */
export type CreateClientKeyInput = Plain<typeof CreateClientKeyInput.Type>

/**
 * `getClientKeyList` and `getUsersForAccount`: the account.
 *
 * @since 0.1.0
 * @category inputs
 */
export const AccountInput = Schema.Struct({ accountId: AccountId }).annotations({ identifier: "AccountInput" })

/**
 * @since 0.1.0
 * @category inputs
 */
export type AccountInput = Plain<typeof AccountInput.Type>

/**
 * `getClientKey` and `deleteClientKey`: the account and the key.
 *
 * @since 0.1.0
 * @category inputs
 */
export const KeyInput = Schema.Struct({ accountId: AccountId, keyId: KeyId }).annotations({ identifier: "KeyInput" })

/**
 * @since 0.1.0
 * @category inputs
 */
export type KeyInput = Plain<typeof KeyInput.Type>

/**
 * `createUserForAccount` (invite): the account (path and body), and the user's id, tags and
 * roles.
 *
 * @since 0.1.0
 * @category inputs
 */
export const CreateUserInput = Schema.Struct({ ...UserRequest.fields, accountId: AccountId }).annotations({
  identifier: "CreateUserInput"
})

/**
 * @since 0.1.0
 * @category inputs
 */
export type CreateUserInput = Plain<typeof CreateUserInput.Type>

/**
 * `getUser`: the account and the user.
 *
 * @since 0.1.0
 * @category inputs
 */
export const UserInput = Schema.Struct({ accountId: AccountId, userId: UserId }).annotations({
  identifier: "UserInput"
})

/**
 * @since 0.1.0
 * @category inputs
 */
export type UserInput = Plain<typeof UserInput.Type>

/**
 * `updateUser`: the account and the user (path and body), and the new tags and roles.
 *
 * @since 0.1.0
 * @category inputs
 */
export const UpdateUserInput = Schema.Struct({ ...UserRequest.fields, accountId: AccountId, userId: UserId })
  .annotations({
    identifier: "UpdateUserInput"
  })

/**
 * @since 0.1.0
 * @category inputs
 */
export type UpdateUserInput = Plain<typeof UpdateUserInput.Type>

/**
 * `getShortTermToken`: an API key's id (`clientId`, as `createClientKey` answered it) and its
 * secret, as a `Redacted` (`Redacted.make(secret)`), so that the secret shows in no log, span or
 * error. It is sent in clear only in the request body.
 *
 * @since 0.1.0
 * @category inputs
 */
export const TokenInput = Schema.Struct(TokenRequest.fields).annotations({ identifier: "TokenInput" })

/**
 * @since 0.1.0
 * @category inputs
 */
export type TokenInput = Plain<typeof TokenInput.Type>
