/** One setting each for the repository URL and the Node versions: every copy must agree with the root. */
import { assert, describe, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { markdownFiles, root } from "./Markdown.js"

interface Manifest {
  readonly name: string
  readonly private?: boolean
  readonly repository?: { readonly type: string; readonly url: string; readonly directory?: string }
  readonly homepage?: string
  readonly engines?: { readonly node: string }
}

const read = (file: string): Manifest => JSON.parse(fs.readFileSync(path.join(root, file), "utf8")) as Manifest
const rootManifest = read("package.json")
const published = fs.readdirSync(path.join(root, "packages"))
  .map((name) => ({ dir: `packages/${name}`, manifest: read(`packages/${name}/package.json`) }))
  .filter(({ manifest }) => manifest.private !== true)

describe("package metadata (pnpm sync-metadata writes the copies)", () => {
  it("every published package names the root's repository, with its own directory", () => {
    assert.isDefined(rootManifest.repository, "the root package.json holds the one repository setting")
    assert.isAbove(published.length, 2)
    for (const { dir, manifest } of published) {
      assert.deepStrictEqual(manifest.repository, { ...rootManifest.repository, directory: dir }, manifest.name)
    }
  })

  it("every published package's homepage is its README in the root's repository (docgen reads it too)", () => {
    const base = (rootManifest.repository?.url ?? "").replace(/^git\+/, "").replace(/\.git$/, "")
    for (const { dir, manifest } of published) {
      assert.strictEqual(manifest.homepage, `${base}/tree/main/${dir}#readme`, manifest.name)
    }
  })

  it("every published package supports the Node versions the root states", () => {
    for (const { manifest } of published) assert.deepStrictEqual(manifest.engines, rootManifest.engines, manifest.name)
  })

  it("every link to the repository in a document uses the root's repository URL", () => {
    const base = (rootManifest.repository?.url ?? "").replace(/^git\+/, "").replace(/\.git$/, "")
    for (const file of markdownFiles()) {
      const text = fs.readFileSync(path.join(root, file), "utf8")
      for (const link of text.match(/https:\/\/github\.com\/[^\s)>"]*/g) ?? []) {
        assert.isTrue(link === base || link.startsWith(`${base}/`), `${file} links ${link}, not ${base}`)
      }
    }
  })

  it("pnpm release refuses to publish while a value is marked OWNER-TO-CONFIRM", () => {
    const marked = spawnSync("git", ["grep", "-l", "OWNER-TO-CONFIRM", "--", ":!scripts/release-guard.mjs"], {
      cwd: root,
      encoding: "utf8"
    }).stdout.trim()
    const guard = spawnSync(process.execPath, ["scripts/release-guard.mjs"], { cwd: root, encoding: "utf8" })
    if (marked === "") {
      assert.strictEqual(guard.status, 0, guard.stderr)
    } else {
      assert.strictEqual(guard.status, 1, "the guard let a release through")
      for (const file of marked.split("\n")) assert.include(guard.stderr, file)
    }
  })
})
