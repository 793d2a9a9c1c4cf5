/**
 * Finds the code blocks of the repository's Markdown files and the `readme-check` markers that say
 * how each is checked. The rules are written down for readers in `tools/readme-check/README.md`.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

/** The repository root. */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..")

/** How a block is checked, from the `<!-- readme-check: … -->` line right before it. */
export type Marker =
  | { readonly _tag: "Run" }
  | { readonly _tag: "Skip"; readonly reason: string }
  | { readonly _tag: "LocalApi"; readonly args: ReadonlyArray<string> }
  | { readonly _tag: "Server"; readonly ready: string }
  | { readonly _tag: "Output" }

export interface Block {
  /** The file, relative to the repository root. */
  readonly file: string
  /** The line of the opening fence (1-based). */
  readonly line: number
  readonly lang: string
  readonly code: string
  readonly marker: Marker
  /** For a `ts` block: the text it prints, from a `text` block marked `output` right after it. */
  readonly output?: string
}

const markerLine = /^<!--\s*readme-check:\s*(.*?)\s*-->$/

/** Reads one marker; throws on a marker this check does not know, so a typo cannot skip a block. */
export const parseMarker = (text: string): Marker => {
  const [kind = "", ...rest] = text.split(":")
  const arg = rest.join(":").trim()
  switch (kind.trim()) {
    case "skip":
      if (arg === "") throw new Error(`a skip marker needs a reason: "${text}"`)
      return { _tag: "Skip", reason: arg }
    case "local-api":
      return { _tag: "LocalApi", args: arg === "" ? [] : arg.split(/\s+/) }
    case "server":
      if (arg === "") throw new Error(`a server marker needs the text that says it is ready: "${text}"`)
      return { _tag: "Server", ready: arg }
    case "output":
      return { _tag: "Output" }
    default:
      throw new Error(`unknown readme-check marker: "${text}"`)
  }
}

/** The code blocks of one Markdown text, with their markers; `output` blocks are attached to the block before. */
export const blocks = (file: string, text: string): ReadonlyArray<Block> => {
  const lines = text.split("\n")
  const found: Array<Block> = []
  let i = 0
  while (i < lines.length) {
    const open = /^```(\S*)\s*$/.exec(lines[i] ?? "")
    if (open === null) {
      i++
      continue
    }
    const start = i
    const body: Array<string> = []
    i++
    while (i < lines.length && !/^```\s*$/.test(lines[i] ?? "")) body.push(lines[i++] ?? "")
    if (i >= lines.length) throw new Error(`${file}:${start + 1}: a code block is never closed`)
    i++
    let before = start - 1
    while (before >= 0 && (lines[before] ?? "").trim() === "") before--
    const marked = markerLine.exec((lines[before] ?? "").trim())
    const marker = marked?.[1] === undefined ? { _tag: "Run" as const } : parseMarker(marked[1])
    const block: Block = { file, line: start + 1, lang: open[1] ?? "", code: body.join("\n"), marker }
    if (marker._tag === "Output") {
      const previous = found.pop()
      if (previous === undefined || previous.lang !== "ts" || previous.output !== undefined) {
        throw new Error(`${file}:${start + 1}: an output block must follow a ts block`)
      }
      found.push({ ...previous, output: block.code })
    } else {
      found.push(block)
    }
  }
  return found
}

const skipDirectories = new Set(["node_modules", "dist", ".git", ".turbo", ".tsbuild", "contract", ".changeset"])

/** Every Markdown file of the repository that a reader meets (not changelogs or pending changesets). */
export const markdownFiles = (dir: string = root): ReadonlyArray<string> =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) {
      return skipDirectories.has(entry.name) || entry.name.startsWith(".")
        ? []
        : markdownFiles(full)
    }
    return entry.name.endsWith(".md") && entry.name !== "CHANGELOG.md" ? [path.relative(root, full)] : []
  }).sort()

/** The one substitution: port 4010 stands for the local API's port, which the check picks free. */
export const substitutePort = (code: string, port: number): string => code.replace(/\b4010\b/g, String(port))

/** The set-up prefix of the README's first commands: checked against the pinned pnpm, not run again. */
const setUp = /^npm install -g pnpm@(\S+) && pnpm install --frozen-lockfile && /

/**
 * The README's first commands set up a fresh machine, then run one task. Inside the test command
 * the machine is set up already, so the check verifies the set-up part (the pnpm version is the one
 * `packageManager` pins) and runs the task.
 */
export const withoutSetUp = (code: string, pinnedPnpm: string): string =>
  code.split("\n").map((line) => {
    const found = setUp.exec(line)
    if (found === null) return line
    if (found[1] !== pinnedPnpm) {
      throw new Error(`the README installs pnpm@${found[1]}, package.json pins ${pinnedPnpm}`)
    }
    return line.slice(found[0].length)
  }).join("\n")
