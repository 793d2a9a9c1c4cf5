/**
 * An in-memory Katanemo Identity API for tests: an `IdentityApi` layer with the API's rules,
 * seeding, inspection and fault injection; a wire-level `HttpClient` fake; and the server side
 * of the contract for a local HTTP server.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as ContractSuite from "./ContractSuite.js"

/**
 * @since 0.1.0
 */
export * as IdentityApiMemory from "./IdentityApiMemory.js"

/**
 * @since 0.1.0
 */
export * as IdentityHttpFake from "./IdentityHttpFake.js"

/**
 * @since 0.1.0
 */
export * as IdentityServer from "./IdentityServer.js"

export {
  /**
   * The store's tag, with its statics: `IdentityStore.layer`, `IdentityStore.make`,
   * `IdentityStore.decodeSeed`, `IdentityStore.faultLabel`.
   *
   * @since 0.1.0
   */
  IdentityStore
} from "./IdentityStore.js"

export {
  /**
   * The schema of a seed (accounts, their keys and users), and its encoded type.
   *
   * @since 0.1.0
   */
  Seed,
  /**
   * The schema of one seeded account.
   *
   * @since 0.1.0
   */
  SeedAccount,
  /**
   * A seed that breaks the schema or the rules, naming every bad entry.
   *
   * @since 0.1.0
   */
  SeedError,
  /**
   * The schema of one seeded key.
   *
   * @since 0.1.0
   */
  SeedKey,
  /**
   * The schema of one seeded user.
   *
   * @since 0.1.0
   */
  SeedUser
} from "./Seed.js"

/**
 * @since 0.1.0
 */
export * as OpenApi from "./OpenApi.js"
