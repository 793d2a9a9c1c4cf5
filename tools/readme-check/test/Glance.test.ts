/**
 * Each published package's README opens with "At a glance": its whole public surface on one
 * screen. These tests hold that list to the package as built: every export of the root, values and
 * types, with its members, and nothing the package does not export; so the list cannot drift.
 */
import { assert, describe, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { root } from "./Markdown.js"
import { glance, surfaces } from "./Surface.js"

const here = path.join(root, "tools", "readme-check")
const packages = ["models", "client", "testing"] as const
// One compiler program for the three (a few seconds): the built declarations, as a consumer resolves them.
const actual = surfaces(packages.map((dir) => `@katanemo/${dir}`), here)

const repository = (JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
  readonly repository: { readonly url: string }
}).repository.url.replace(/^git\+/, "").replace(/\.git$/, "")

const difference = (a: ReadonlyArray<string>, b: ReadonlyArray<string>) => a.filter((x) => !b.includes(x))

describe.each(packages)("packages/%s/README.md, At a glance", (dir) => {
  const packageName = `@katanemo/${dir}`
  const file = `packages/${dir}/README.md`
  const readme = fs.readFileSync(path.join(root, file), "utf8")
  const exports = actual.get(packageName) ?? []
  // read in each test, so that a README without the section fails its tests, not the whole file
  const rows = () => glance(readme)

  it("the compiler's list of exports holds every value the package exports at run time", async () => {
    const values = Object.keys(await import(packageName) as object)
    assert.isAbove(values.length, 3)
    const names = exports.map((e) => e.name)
    assert.deepStrictEqual(difference(values, names), [], "values the compiler did not find")
  })

  it("lists every export of the package root, once, and nothing else", () => {
    const listed = rows().flatMap((row) => row.names)
    const names = exports.map((e) => e.name)
    const missing = difference(names, listed)
    const extra = difference(listed, names)
    const twice = listed.filter((name, i) => listed.indexOf(name) !== i)
    assert.deepStrictEqual(
      { missing, extra, twice },
      { missing: [], extra: [], twice: [] },
      `${file}: "At a glance" must list exactly the exports of ${packageName} `
        + `(missing: exported but not listed; extra: listed but not exported; twice: listed more than once)`
    )
  })

  it("lists the members of each export: namespace exports, declared statics, merged types", () => {
    const table = rows()
    for (const { members, name } of exports) {
      const row = table.find((r) => r.names.includes(name))
      if (row === undefined) continue // reported by the test above
      if (members.length > 0) {
        assert.deepStrictEqual(
          row.names,
          [name],
          `${file}:${row.line}: ${name} has members, so its row names it alone`
        )
      }
      assert.deepStrictEqual(
        { missing: difference(members, row.members), extra: difference(row.members, members) },
        { missing: [], extra: [] },
        `${file}:${row.line}: the members of ${name}, written \`.member\` (missing: ${name} has them; extra: it has not)`
      )
    }
  })

  it("links the generated API reference, which exists", () => {
    // by its address in the repository: npm shows the README without the repository's other files
    const link = `${repository}/blob/main/docs/${dir}/README.md`
    assert.include(readme, `](${link})`, `${file} links its API reference ${link}`)
    assert.isTrue(fs.existsSync(path.join(root, "docs", dir, "README.md")), `docs/${dir}/README.md: run pnpm docgen`)
  })
})
