/**
 * The package version, sent in the `User-Agent` header. `pnpm version-packages` rewrites it
 * (scripts/sync-version.mjs) and a test checks that it matches package.json.
 *
 * @internal
 */
export const version = "0.0.0"
