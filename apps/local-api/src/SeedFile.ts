/**
 * Reading a seed file for `--seed`: whatever the file holds (not JSON, the wrong shape, deeply
 * nested, huge), the result is a seed or a `SeedFileError` whose message names the file and each
 * bad entry, never a defect. The file-level checks (size, a regular file, a byte order mark, JSON)
 * are here; everything about the seed itself is `IdentityStore.decodeSeed`'s, from `@katanemo/testing`.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import { IdentityStore, type Seed } from "@katanemo/testing"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"

/**
 * A seed file that cannot be read, is not JSON or is not a valid seed.
 *
 * @since 0.1.0
 */
export class SeedFileError extends Schema.TaggedError<SeedFileError>()("SeedFileError", { message: Schema.String }) {}

/**
 * The largest seed file read: 64 MiB (a seed of some 300,000 users). A larger one is refused
 * before it is read.
 *
 * @since 0.1.0
 */
export const maxBytes = 64 * 1024 * 1024

/**
 * At most this many issues are listed: `IdentityStore.decodeSeed` names every bad entry (a seed of 300,000 bad
 * users would print 300,000 lines) and cuts each line at 500 characters, but a terminal needs fewer.
 *
 * @since 0.1.0
 */
export const maxIssues = 50

/** Control characters shown escaped (`\x1b`): a key in a seed cannot split a line or colour a terminal. */
const escapeControls = (text: string): string =>
  text.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`)

/**
 * The issues of a `SeedError` made fit for a terminal: `invalid seed:` and one indented line per
 * issue, at most {@link maxIssues} of them, control characters shown escaped.
 *
 * @since 0.1.0
 */
export const describe = (issues: ReadonlyArray<string>): string =>
  [
    "invalid seed:",
    ...issues.slice(0, maxIssues).map((issue) => `  ${escapeControls(issue)}`),
    ...(issues.length > maxIssues ? [`  … and ${issues.length - maxIssues} more`] : [])
  ].join("\n")

/**
 * Reads and checks the seed file `file`.
 *
 * @since 0.1.0
 */
export const read = (file: string): Effect.Effect<Seed, SeedFileError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const cannotRead = (error: { readonly message: string }) =>
      new SeedFileError({ message: `cannot read the seed file ${file}: ${error.message}` })
    const info = yield* Effect.mapError(fs.stat(file), cannotRead)
    if (info.type !== "File") {
      return yield* new SeedFileError({ message: `the seed file ${file} is not a file` })
    }
    if (info.size > BigInt(maxBytes)) {
      return yield* new SeedFileError({
        message: `the seed file ${file} is larger than ${maxBytes / 1024 / 1024} MiB (${info.size} bytes)`
      })
    }
    const text = yield* Effect.mapError(fs.readFileString(file), cannotRead)
    const json = yield* Effect.try({
      // an editor's byte order mark is not part of the JSON
      try: (): unknown => JSON.parse(text.startsWith("\uFEFF") ? text.slice(1) : text),
      catch: (error) =>
        new SeedFileError({
          message: escapeControls(
            `the seed file ${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`
          )
        })
    })
    // the schema, the rules and hostile shapes (deep nesting, huge strings) are IdentityStore.decodeSeed's to
    // check: it fails with a SeedError for input of any shape, never a defect
    return yield* Effect.mapError(
      IdentityStore.decodeSeed(json),
      (error) => new SeedFileError({ message: `${file}: ${describe(error.issues)}` })
    )
  })
