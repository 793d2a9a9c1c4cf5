/**
 * Decoders for the response models that check exactly what their schemas check, without the
 * schemas' generic machinery: about ten times faster on a list of 1,000 users. Each answers
 * `undefined` when the value does not conform; decode it with the schema then, for the error.
 * They build the model instances without the classes' constructors, field by field in the order
 * the constructors would; secrets are made with `Redacted.make`. Property tests hold them to the
 * schemas: same acceptance, and results that cannot be told apart from the schemas' (prototype,
 * own keys and their order, `Equal`, printing, encoding).
 *
 * They take values fresh from `JSON.parse` (plain objects and arrays, which they may reuse).
 *
 * @since 0.1.0
 */
import * as Redacted from "effect/Redacted"
import { ClientKeyObject, ClientKeyResponse } from "./ClientKey.js"
import type { AccountId, KeyId, UserId } from "./Ids.js"
import { type Tags, UserResponse } from "./User.js"

type Json = Readonly<Record<string, unknown>>

const isObject = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)

/** Marks a key the object does not have. */
const missing: unique symbol = Symbol("missing")

/**
 * A property, or `missing` (as the schema reads properties: `undefined` present is not missing). It
 * reads the value first: JSON never holds `undefined`, so `in` is rarely asked.
 */
const own = (u: Json, key: string): unknown => {
  const value = u[key]
  return value !== undefined || key in u ? value : missing
}

/**
 * Whether an optional field is there to check: a missing key or `null` reads as absent; anything
 * else (even `undefined`, as the schema's `exact` option says) must pass the field's check.
 */
const present = (value: unknown): boolean => value !== missing && value !== null

const isNonEmptyString = (u: unknown): u is string => typeof u === "string" && u.length > 0

const isStringArray = (u: unknown): u is ReadonlyArray<string> => {
  if (!Array.isArray(u)) return false
  for (const item of u) if (typeof item !== "string") return false
  return true
}

const isTags = (u: unknown): u is Tags => {
  if (!isObject(u)) return false
  for (const key of Object.keys(u)) if (!isStringArray(u[key])) return false
  return true
}

/**
 * The tags as the schema hands them out: a plain object, the keys in order, without `__proto__`.
 * The schema rebuilds them by plain assignment twice (once for `Tags`, once more in the optional
 * field's transformation): the first turns a `__proto__` key into the object's prototype, so the
 * second, which copies own keys only, leaves it out.
 */
const copyTags = (u: Tags): Tags => {
  const out: Record<string, ReadonlyArray<string>> = {}
  for (const key of Object.keys(u)) {
    const values = u[key]
    if (key !== "__proto__" && values !== undefined) out[key] = values
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// The one boundary with casts in this package.
//
// Brands: a string that passed `isNonEmptyString` is exactly what the brand's refinement accepts,
// so it is branded here without checking it twice.
const accountId = (s: string) => s as AccountId
const keyId = (s: string) => s as KeyId
const userId = (s: string) => s as UserId

/** An instance being filled in: its fields, writable and each optional. */
type Draft<A> = { -readonly [K in keyof A]?: A[K] }

/**
 * Instances without their class's constructor. Called as the schema's decoder calls it (props and
 * `true`: no validation), a `Schema.Class` constructor copies the props, merges the fields'
 * defaults (these classes have none), and `Object.assign`s the props onto a fresh object whose
 * prototype is the class's: own, enumerable, writable data properties in the props' order and
 * nothing else. `blank` makes that object; the decoders then assign each present field in the
 * order of the class's fields (the order the schema's decoder builds its props in), and `built`
 * hands it out once every required field is set. The property tests hold the result to the
 * schema's: prototype, own keys and their order, `Equal`, printing and encoding.
 */
const blank = <A extends object>(klass: { readonly prototype: A }): Draft<A> =>
  Object.create(klass.prototype) as Draft<A>
const built = <A extends object>(draft: Draft<A>): A => draft as A
// ---------------------------------------------------------------------------------------------

const isString = (u: unknown): u is string => typeof u === "string"
const isBoolean = (u: unknown): u is boolean => typeof u === "boolean"

/**
 * A `UserResponse` from its wire JSON, or `undefined` when it does not conform.
 *
 * @since 0.1.0
 * @category decoders
 */
export const userResponse = (u: unknown): UserResponse | undefined => {
  if (!isObject(u)) return undefined
  let v = own(u, "accountId")
  if (!isNonEmptyString(v)) return undefined
  const user = blank(UserResponse)
  user.accountId = accountId(v)
  v = own(u, "serviceId")
  if (present(v)) {
    if (!isString(v)) return undefined
    user.serviceId = v
  }
  v = own(u, "userId")
  if (present(v)) {
    if (!isNonEmptyString(v)) return undefined
    user.userId = userId(v)
  }
  v = own(u, "isAdmin")
  if (present(v)) {
    if (!isBoolean(v)) return undefined
    user.isAdmin = v
  }
  v = own(u, "isActive")
  if (present(v)) {
    if (!isBoolean(v)) return undefined
    user.isActive = v
  }
  v = own(u, "token")
  if (present(v)) {
    if (!isString(v)) return undefined
    user.token = Redacted.make(v)
  }
  v = own(u, "tags")
  if (present(v)) {
    if (!isTags(v)) return undefined
    user.tags = copyTags(v)
  }
  v = own(u, "roles")
  if (present(v)) {
    if (!isStringArray(v)) return undefined
    user.roles = v
  }
  return built(user)
}

/**
 * A `ClientKeyObject` from its wire JSON, or `undefined` when it does not conform.
 *
 * @since 0.1.0
 * @category decoders
 */
export const clientKeyObject = (u: unknown): ClientKeyObject | undefined => {
  if (!isObject(u)) return undefined
  const key = blank(ClientKeyObject)
  let v = own(u, "accountId")
  if (present(v)) {
    if (!isNonEmptyString(v)) return undefined
    key.accountId = accountId(v)
  }
  v = own(u, "roles")
  if (present(v)) {
    if (!isStringArray(v)) return undefined
    key.roles = v
  }
  v = own(u, "clientName")
  if (present(v)) {
    if (!isString(v)) return undefined
    key.clientName = v
  }
  v = own(u, "clientKeyId")
  if (present(v)) {
    if (!isNonEmptyString(v)) return undefined
    key.clientKeyId = keyId(v)
  }
  v = own(u, "serviceId")
  if (present(v)) {
    if (!isString(v)) return undefined
    key.serviceId = v
  }
  v = own(u, "isActive")
  if (present(v)) {
    if (!isBoolean(v)) return undefined
    key.isActive = v
  }
  return built(key)
}

/**
 * A `ClientKeyResponse` from its wire JSON, or `undefined` when it does not conform.
 *
 * @since 0.1.0
 * @category decoders
 */
export const clientKeyResponse = (u: unknown): ClientKeyResponse | undefined => {
  if (!isObject(u)) return undefined
  const created = blank(ClientKeyResponse)
  let v = own(u, "clientId")
  if (present(v)) {
    if (!isNonEmptyString(v)) return undefined
    created.clientId = keyId(v)
  }
  v = own(u, "clientSecret")
  if (present(v)) {
    if (!isString(v)) return undefined
    created.clientSecret = Redacted.make(v)
  }
  return built(created)
}

/**
 * A list of `item`s, or `undefined` when it is not an array or any element does not conform.
 *
 * @since 0.1.0
 * @category decoders
 */
export const array = <A>(item: (u: unknown) => A | undefined) => (u: unknown): ReadonlyArray<A> | undefined => {
  if (!Array.isArray(u)) return undefined
  const out: Array<A> = new Array(u.length)
  for (let i = 0; i < u.length; i++) {
    const decoded = item(u[i])
    if (decoded === undefined) return undefined
    out[i] = decoded
  }
  return out
}

/**
 * A string (the confirmation `deleteClientKey` answers), or `undefined`.
 *
 * @since 0.1.0
 * @category decoders
 */
export const string = (u: unknown): string | undefined => (typeof u === "string" ? u : undefined)
