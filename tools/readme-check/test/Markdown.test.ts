/** The block finder itself: a check that found nothing, or skipped a block by a typo, would prove nothing. */
import { assert, describe, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { blocks, markdownFiles, parseMarker, root, substitutePort, withoutSetUp } from "./Markdown.js"

describe("finding blocks", () => {
  it("reads each block with the marker on the line before it, and attaches output to the ts block", () => {
    const text = [
      "# Title",
      "<!-- readme-check: skip: needs the npm registry -->",
      "```sh",
      "npm install x",
      "```",
      "",
      "```ts",
      "console.log(1)",
      "```",
      "<!-- readme-check: output -->",
      "```text",
      "1",
      "```",
      "<!-- readme-check: local-api: --seed seed.json -->",
      "",
      "```sh",
      "pnpm katanemo keys list --account acme",
      "```"
    ].join("\n")
    assert.deepStrictEqual(blocks("X.md", text), [
      {
        file: "X.md",
        line: 3,
        lang: "sh",
        code: "npm install x",
        marker: { _tag: "Skip", reason: "needs the npm registry" }
      },
      { file: "X.md", line: 7, lang: "ts", code: "console.log(1)", marker: { _tag: "Run" }, output: "1" },
      {
        file: "X.md",
        line: 16,
        lang: "sh",
        code: "pnpm katanemo keys list --account acme",
        marker: { _tag: "LocalApi", args: ["--seed", "seed.json"] }
      }
    ])
  })

  it("refuses unknown markers, skips without a reason, stray output blocks and unclosed fences", () => {
    assert.throws(() => parseMarker("skp: typo"), /unknown readme-check marker/)
    assert.throws(() => parseMarker("skip"), /needs a reason/)
    assert.throws(() => parseMarker("server"), /needs the text/)
    assert.throws(() => blocks("X.md", "<!-- readme-check: output -->\n```text\n1\n```"), /must follow a ts block/)
    assert.throws(() => blocks("X.md", "```ts\nconst a = 1\n"), /never closed/)
  })

  it("substitutes only the local API's port, and checks the set-up prefix against the pinned pnpm", () => {
    assert.strictEqual(
      substitutePort("--port 4010 http://127.0.0.1:4010/x 40100", 5555),
      "--port 5555 http://127.0.0.1:5555/x 40100"
    )
    assert.strictEqual(
      withoutSetUp("npm install -g pnpm@10.34.9 && pnpm install --frozen-lockfile && pnpm demo", "10.34.9"),
      "pnpm demo"
    )
    assert.throws(
      () => withoutSetUp("npm install -g pnpm@9.0.0 && pnpm install --frozen-lockfile && pnpm demo", "10.34.9"),
      /pins 10.34.9/
    )
  })

  it("finds the blocks of every README in the repository", () => {
    const files = markdownFiles()
    for (
      const readme of ["README.md", "packages/client/README.md", "packages/testing/README.md", "apps/cli/README.md"]
    ) {
      assert.include(files, readme)
    }
    for (const file of files.filter((f) => f.endsWith("README.md") && f !== "tools/readme-check/README.md")) {
      const found = blocks(file, fs.readFileSync(path.join(root, file), "utf8"))
      assert.isAbove(found.length, 0, `${file} has no code block, or the finder missed them`)
    }
  })
})
