/**
 * The README's lists of options and reasons, held to the types they document, so that neither can
 * drift: a new option or reason without its line fails here.
 */
import { assert, describe, it } from "@effect/vitest"
import { type IdentityApi, TransportError } from "@katanemo/client"
import * as fs from "node:fs"

const readme = fs.readFileSync(new URL("../README.md", import.meta.url), "utf8")

// Each must name every key of its type and nothing else: the compiler checks both.
const clientOptions: Record<keyof IdentityApi.Options, true> = {
  baseUrl: true,
  token: true,
  clientId: true,
  clientSecret: true,
  refreshMargin: true,
  timeout: true,
  maxRetries: true,
  deadline: true,
  retrySchedule: true,
  maxResponseBytes: true,
  span: true
}
const callOptions: Record<keyof IdentityApi.CallOptions, true> = {
  timeout: true,
  deadline: true,
  maxRetries: true,
  retrySchedule: true,
  headers: true
}

const sorted = (names: Iterable<string>) => [...names].sort()

/** The first column of the table whose header row starts with `| <first> |`. */
const tableColumn = (first: string): ReadonlyArray<string> => {
  const lines = readme.split("\n")
  const start = lines.findIndex((line) => line.startsWith(`| ${first} |`))
  assert.notStrictEqual(start, -1, `a table starting with | ${first} |`)
  const rows: Array<string> = []
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith("|")) break
    rows.push(line.split("|")[1]?.trim().replace(/^`|`$/g, "") ?? "")
  }
  return rows
}

describe("the README", () => {
  it("its options table lists exactly the client's options", () => {
    assert.deepStrictEqual(sorted(tableColumn("option")), sorted(Object.keys(clientOptions)))
  })

  it("its per-call options are exactly IdentityApi.CallOptions", () => {
    const sentence = /optional second\s+argument of per-call options \(([^)]*)\)/.exec(readme)
    assert.isNotNull(sentence, "the sentence listing the per-call options")
    const names = [...(sentence?.[1] ?? "").matchAll(/`(\w+)`/g)].map((m) => m[1] ?? "")
    assert.deepStrictEqual(sorted(names), sorted(Object.keys(callOptions)))
  })

  it("its TransportError reasons are exactly the type's", () => {
    const list = /A `TransportError`'s `reason` is one of:\n\n((?:- .*\n)+)/.exec(readme)
    assert.isNotNull(list, "the list of TransportError reasons")
    const names = [...(list?.[1] ?? "").matchAll(/^- `(\w+)`/gm)].map((m) => m[1] ?? "")
    assert.deepStrictEqual(sorted(names), sorted(TransportError.fields.reason.literals))
  })

  it("links nothing that is not in the npm tarball (files: dist, src, README, LICENSE)", () => {
    const relative = [...readme.matchAll(/\]\((?!https?:|#)([^)]+)\)|`(bench\/[^`]*)`/g)].map((m) => m[1] ?? m[2])
    assert.deepStrictEqual(relative, [])
  })
})
