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

/**
 * @since 0.1.0
 */
export { IdentityStore } from "./IdentityStore.js"

/**
 * @since 0.1.0
 */
export * as OpenApi from "./OpenApi.js"

/**
 * @since 0.1.0
 */
export { Seed, SeedAccount, SeedError, SeedKey, SeedUser } from "./Seed.js"
