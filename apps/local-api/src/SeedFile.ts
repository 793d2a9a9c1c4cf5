/**
 * Reading a seed file for `--seed`: whatever the file holds (not JSON, the wrong shape, deeply
 * nested, huge), the result is a seed or a `SeedFileError` whose message names the file and each
 * bad entry, never a defect.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import { decodeSeed, type Seed } from "@katanemo/testing"
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
 * The deepest nesting a seed may have. A valid seed is 7 levels deep (`accounts[0].users[0].tags.team[0]`);
 * the schema checks recurse, so a hostile file of 100,000 nested arrays is refused before them.
 *
 * @since 0.1.0
 */
export const maxDepth = 32

interface Visit {
  readonly value: unknown
  readonly depth: number
  /** How the value is reached from its parent (`[0]`, `.users`), and the parent's visit. */
  readonly step: string
  readonly parent: Visit | undefined
}

const pathOf = (visit: Visit): string => {
  const steps: Array<string> = []
  for (let at: Visit | undefined = visit; at !== undefined; at = at.parent) steps.push(at.step)
  return steps.reverse().join("").replace(/^\./, "")
}

/** Where `json` is nested deeper than {@link maxDepth}, walking it without recursion. */
const tooDeep = (json: unknown): string | undefined => {
  const stack: Array<Visit> = [{ value: json, depth: 0, step: "", parent: undefined }]
  for (let visit = stack.pop(); visit !== undefined; visit = stack.pop()) {
    const { depth, value } = visit
    if (typeof value !== "object" || value === null) continue
    if (depth >= maxDepth) return depth === 0 ? "the top level" : pathOf(visit)
    if (Array.isArray(value)) {
      value.forEach((item: unknown, i) => stack.push({ value: item, depth: depth + 1, step: `[${i}]`, parent: visit }))
    } else {
      for (const [key, item] of Object.entries(value)) {
        const step = /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`
        stack.push({ value: item, depth: depth + 1, step, parent: visit })
      }
    }
  }
  return undefined
}

/** At most this many issues are listed, each cut to `maxIssueLength` characters. */
const maxIssues = 50
const maxIssueLength = 300

/**
 * A validation message made fit for a terminal: at most 50 lines, each at most 300 characters
 * (an issue quotes the bad value, which may be megabytes long), control characters shown escaped.
 *
 * @since 0.1.0
 */
export const describe = (message: string): string => {
  const lines = message.split("\n").map((line) => {
    const plain = line.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`)
    return plain.length > maxIssueLength ? `${plain.slice(0, maxIssueLength)}...` : plain
  })
  return lines.length > maxIssues + 1
    ? [...lines.slice(0, maxIssues + 1), `  ... and ${lines.length - maxIssues - 1} more`].join("\n")
    : lines.join("\n")
}

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
          message: `the seed file ${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`
        })
    })
    const deep = tooDeep(json)
    if (deep !== undefined) {
      return yield* new SeedFileError({
        message: describe(`${file}: invalid seed: nested deeper than ${maxDepth} levels at ${deep}`)
      })
    }
    return yield* decodeSeed(json).pipe(
      // whatever else the checks may trip over stays a SeedFileError, not a crash
      Effect.catchAllDefect((defect) =>
        Effect.fail({
          message: `cannot check the seed: ${defect instanceof Error ? defect.message : String(defect)}`
        })
      ),
      Effect.mapError((error) => new SeedFileError({ message: describe(`${file}: ${error.message}`) }))
    )
  })
