/**
 * What a store starts from: the seed's schemas (`Seed`, `SeedAccount`, `SeedKey`, `SeedUser`), the
 * `SeedError` a bad seed fails with, and `decodeSeed`, which checks one (from a JSON file, say).
 * `IdentityStore.make` and `IdentityStore.layer` take a seed; the root of `@katanemo/testing`
 * exports these names too.
 *
 * @since 0.1.0
 */
import { AccountId, Issues, KeyId, UserId } from "@katanemo/models"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { bounded, formatPath, ruleIssues, tidy } from "./internal/seed.js"

const NonEmpty = Schema.NonEmptyString

/**
 * A key to start from. `clientSecret`, when given, is the key's secret: the key can then be
 * exchanged for a bearer token (`getShortTermToken`), as one `createClientKey` made can. The store
 * keeps it beside the key (as a `Redacted`) and never serves it; a key seeded without
 * one cannot be exchanged.
 *
 * @since 0.1.0
 * @category seed
 */
export const SeedKey = Schema.Struct({
  clientId: KeyId,
  clientName: NonEmpty,
  roles: Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] }),
  isActive: Schema.optionalWith(Schema.Boolean, { default: () => true }),
  serviceId: Schema.optional(NonEmpty),
  clientSecret: Schema.optional(NonEmpty)
})

/**
 * A user to start from. `token`, when given, is the user's token: the store serves it as the
 * user's `token` (a `Redacted` once decoded), so that tests can check it never shows.
 *
 * @since 0.1.0
 * @category seed
 */
export const SeedUser = Schema.Struct({
  userId: UserId,
  token: Schema.optional(NonEmpty),
  isAdmin: Schema.optionalWith(Schema.Boolean, { default: () => false }),
  isActive: Schema.optionalWith(Schema.Boolean, { default: () => false }),
  roles: Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] }),
  tags: Schema.optionalWith(Schema.Record({ key: Schema.String, value: Schema.Array(Schema.String) }), {
    default: () => ({})
  }),
  serviceId: Schema.optional(NonEmpty)
})

/**
 * An account to start from, with its keys and users in creation order.
 *
 * @since 0.1.0
 * @category seed
 */
export const SeedAccount = Schema.Struct({
  accountId: AccountId,
  keys: Schema.optionalWith(Schema.Array(SeedKey), { default: () => [] }),
  users: Schema.optionalWith(Schema.Array(SeedUser), { default: () => [] })
})

const SeedShape = Schema.Struct({
  accounts: Schema.optionalWith(Schema.Array(SeedAccount), { default: () => [] })
})

/**
 * What a store starts from: a list of accounts. The API's rules hold in a seed too: account ids
 * are unique, and within an account so are key ids, key names and user ids. A bad seed fails to
 * decode with an issue naming each bad entry, such as
 * `accounts[0].keys[1].clientName: duplicate clientName "ci-bot"`. {@link decodeSeed} reports the
 * schema's issues and the rules' together, in one go.
 *
 * @example
 * ```ts
 * import { Seed } from "@katanemo/testing"
 * import * as Schema from "effect/Schema"
 *
 * // a seed file (the local API's --seed) holds this, as JSON
 * const json: Seed = {
 *   accounts: [{
 *     accountId: "acme",
 *     keys: [{ clientId: "key-ci", clientName: "ci-bot", roles: ["admin"], clientSecret: "cs_dev_only" }],
 *     users: [{ userId: "ada@acme.example", roles: ["developer"], isActive: true, token: "utok_ada" }]
 *   }]
 * }
 * const seed = Schema.decodeSync(Seed)(json)
 * ```
 *
 * @since 0.1.0
 * @category seed
 */
export const Seed = SeedShape.pipe(
  Schema.filter((seed) => {
    const issues = ruleIssues(seed)
    return issues.length === 0 ? true : issues
  })
).annotations({ identifier: "Seed" })

/**
 * @since 0.1.0
 * @category seed
 */
export type Seed = typeof Seed.Encoded

/**
 * A seed that breaks the rules or the schema. `issues` name each bad entry by its path, such as
 * `accounts[0].keys[1].clientId: Expected a non-empty key id, actual ""`.
 *
 * @since 0.1.0
 * @category seed
 */
export class SeedError extends Schema.TaggedError<SeedError>()("SeedError", { issues: Schema.Array(Schema.String) }) {
  override get message(): string {
    return `invalid seed:\n${this.issues.map((issue) => `  ${issue}`).join("\n")}`
  }
}

/**
 * Reads a seed (from a JSON file, say), or fails with a {@link SeedError} naming every bad entry
 * at once: what breaks the schema and what breaks the rules, in path order. Input of any shape
 * is a `SeedError`, never a defect: a value nested too deep is named, not followed, and each
 * issue line is cut at 500 characters.
 *
 * @since 0.1.0
 * @category seed
 */
export const decodeSeed = (input: unknown): Effect.Effect<typeof Seed.Type, SeedError> =>
  Effect.suspend(() => {
    let copy: unknown
    try {
      copy = bounded(input)
    } catch {
      return Effect.fail(new SeedError({ issues: ["the seed could not be read: a getter threw"] }))
    }
    const rules = ruleIssues(copy).map((issue) => `${formatPath(issue.path)}: ${issue.message}`)
    return Schema.decodeUnknown(SeedShape, { errors: "all" })(copy).pipe(
      Effect.mapError((error) => Issues.issues(error)),
      Effect.filterOrFail(() => rules.length === 0, (): ReadonlyArray<string> => []),
      Effect.mapError((schema) => new SeedError({ issues: tidy([...schema, ...rules]) }))
    )
  })
