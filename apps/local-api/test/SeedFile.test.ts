/**
 * Seed files: the file-level checks are SeedFile's, the rest is decodeSeed's, and the message fits
 * a terminal whatever the file holds.
 */
import { NodeFileSystem } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as SeedFile from "../src/SeedFile.js"

const refused = (content: string) =>
  Effect.gen(function*() {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "katanemo-seedfile-")), "seed.json")
    fs.writeFileSync(file, content)
    const error = yield* Effect.flip(SeedFile.read(file))
    assert.strictEqual(error._tag, "SeedFileError")
    assert.include(error.message, file)
    return error.message
  }).pipe(Effect.provide(NodeFileSystem.layer))

describe("SeedFile.read", () => {
  it.effect("a seed with 1,000 bad entries lists the first 50 and says how many more", () =>
    Effect.gen(function*() {
      const message = yield* refused(
        JSON.stringify({ accounts: Array.from({ length: 1000 }, () => ({ accountId: "" })) })
      )
      const lines = message.split("\n")
      assert.lengthOf(lines, SeedFile.maxIssues + 2, message.slice(0, 300))
      assert.match(lines[0] ?? "", /: invalid seed:$/)
      assert.include(lines[1], "accounts[0].accountId")
      assert.strictEqual(lines.at(-1), "  … and 950 more")
    }))

  it.effect("control characters in a key are shown escaped, not written to the terminal", () =>
    Effect.gen(function*() {
      const message = yield* refused(JSON.stringify({
        accounts: [{ accountId: "acme", users: [{ userId: "u", roles: [], tags: { "a\nb\u001b[31m": 5 } }] }]
      }))
      assert.notMatch(message.split("\n").slice(1).join(""), /[\u0000-\u001f\u007f]/)
      assert.include(message, "tags.a\\x0ab\\x1b[31m")
      assert.lengthOf(message.split("\n"), 2)
    }))

  it.effect("100,000 nested arrays or objects: decodeSeed names it in a line, JSON.parse copes", () =>
    Effect.gen(function*() {
      const arrays = yield* refused("[".repeat(100_000) + "]".repeat(100_000))
      assert.match(arrays, /: invalid seed:\n {2}Expected .*, actual \[\[\[.*…/)
      const objects = yield* refused(`{"accounts":${"{\"a\":".repeat(100_000)}1${"}".repeat(100_000)}}`)
      assert.match(objects, /\n {2}accounts: Expected .*, actual \{"a":/)
      for (const message of [arrays, objects]) {
        for (const line of message.split("\n")) assert.isAtMost(line.length, 600)
      }
    }))

  it.effect("file-level refusals: not JSON (escaped), a byte order mark is fine", () =>
    Effect.gen(function*() {
      const notJson = yield* refused("\u001b[31m{ accounts: ")
      assert.include(notJson, "is not valid JSON")
      assert.notMatch(notJson, /[\u0000-\u001f]/)
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "katanemo-seedfile-")), "seed.json")
      fs.writeFileSync(file, "\uFEFF{\"accounts\":[{\"accountId\":\"acme\"}]}")
      const seed = yield* SeedFile.read(file)
      assert.strictEqual(seed.accounts?.[0]?.accountId, "acme")
    }).pipe(Effect.provide(NodeFileSystem.layer)))
})
