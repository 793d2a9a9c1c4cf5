// The pack check: proves that what `npm publish` would upload works for a user.
//
// For every publishable package under packages/: `pnpm pack`, then publint and
// @arethetypeswrong/cli on the tarball. Then a fresh project outside the workspace installs the
// tarballs with plain npm, type-checks `consumer.ts` against them with tsc and runs it with node.
// Any failing step exits non-zero. Run after `pnpm build` (the root `test` task graph does).
import { execFileSync, spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { writeConsumerProject } from "../consumer-project.mjs"

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, "../..")
const bin = (name) => path.join(root, "node_modules", ".bin", name)
const readJson = (file) => JSON.parse(fs.readFileSync(file, "utf8"))

const step = (title) => console.log(`\n▸ ${title}`)
const run = (command, args, options = {}) =>
  execFileSync(command, args, { stdio: "inherit", ...options, env: { ...process.env, ...options.env } })

/** A package's modules, one per file of its `src/` (but `index.ts`), as `./Name`. */
const modulesOf = (packageDir) =>
  fs.readdirSync(path.join(packageDir, "src"))
    .filter((file) => file.endsWith(".ts") && file !== "index.ts")
    .map((file) => `./${file.replace(/\.ts$/, "")}`)

/**
 * A browser project in `dir` that imports every module of every package, as a front end on
 * `lib: ["ES2022", "DOM"]` without `@types/node` would, with the packages' .d.ts files checked:
 * a declaration that needs a Node type fails it. Left out: the modules a package's `browser`
 * field maps to nothing (the client's `UndiciTransport`, the Node transport, whose types are
 * Node's).
 */
const writeBrowserProject = (dir, packageDirs) => {
  const specifiers = packageDirs.flatMap((packageDir) => {
    const { browser = {}, name } = readJson(path.join(packageDir, "package.json"))
    const nodeOnly = new Set(
      Object.entries(browser).filter(([, to]) => to === false).map(([from]) =>
        from.replace(/^\.\/dist\//, "./").replace(/\.js$/, "")
      )
    )
    return [
      name,
      ...modulesOf(packageDir).filter((module) => !nodeOnly.has(module)).map((module) => `${name}/${module.slice(2)}`)
    ]
  })
  fs.writeFileSync(
    path.join(dir, "browser.ts"),
    specifiers.map((specifier, i) => `import * as M${i} from ${JSON.stringify(specifier)}\n`).join("")
      + `export const modules = [${specifiers.map((_, i) => `M${i}`).join(", ")}]\n`
  )
  const compilerOptions = {
    target: "ES2022",
    module: "ESNext",
    moduleResolution: "Bundler",
    lib: ["ES2022", "DOM", "DOM.Iterable"],
    types: [],
    strict: true,
    exactOptionalPropertyTypes: true,
    skipLibCheck: false,
    noEmit: true
  }
  fs.writeFileSync(path.join(dir, "tsconfig.browser.json"), JSON.stringify({ compilerOptions, files: ["browser.ts"] }))
  return "tsconfig.browser.json"
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "katanemo-pack-check-"))
const keep = process.env["KATANEMO_KEEP_PACK_CHECK"] === "1"

try {
  const packages = fs.readdirSync(path.join(root, "packages"))
    .map((name) => path.join(root, "packages", name))
    .filter((dir) => fs.existsSync(path.join(dir, "package.json")) && !readJson(path.join(dir, "package.json")).private)
    .sort()

  const tarballs = []
  const names = []
  for (const dir of packages) {
    const manifest = readJson(path.join(dir, "package.json"))
    if (!fs.existsSync(path.join(dir, "dist", "index.js"))) {
      throw new Error(`${manifest.name} has no dist/: run \`pnpm build\` first`)
    }
    step(`pack ${manifest.name}`)
    const out = execFileSync("pnpm", ["pack", "--pack-destination", work], { cwd: dir, encoding: "utf8" })
    const tarball = out.trim().split("\n").map((line) => line.trim()).find((line) => line.endsWith(".tgz"))
    if (tarball === undefined) throw new Error(`pnpm pack printed no tarball for ${manifest.name}:\n${out}`)
    const file = path.isAbsolute(tarball) ? tarball : path.join(work, path.basename(tarball))
    console.log(`  ${path.basename(file)} (${(fs.statSync(file).size / 1024).toFixed(1)} KiB)`)
    tarballs.push(file)
    names.push(manifest.name)

    step(`publint ${manifest.name}`)
    run(bin("publint"), ["run", file, "--strict"])

    step(`attw ${manifest.name}`)
    const subpaths = Object.keys(manifest.exports)
      .filter((key) => key !== "." && !key.includes("*") && manifest.exports[key] !== null && !key.endsWith(".json"))
    run(bin("attw"), [
      file,
      "--profile",
      "esm-only",
      "--no-emoji",
      "--no-color",
      "--format",
      "table-flipped",
      "--include-entrypoints",
      ...subpaths,
      ...modulesOf(dir)
    ])
  }

  step("install the tarballs into a fresh project with npm")
  const consumer = path.join(work, "consumer")
  fs.mkdirSync(consumer)
  // Peer dependencies at the versions the workspace tests against.
  const peer = (name) =>
    `${name}@${readJson(path.join(root, "packages", "client", "node_modules", name, "package.json")).version}`
  fs.writeFileSync(
    path.join(consumer, "package.json"),
    JSON.stringify({ name: "katanemo-consumer", private: true, type: "module" }, null, 2)
  )
  run("npm", [
    "install",
    "--no-audit",
    "--no-fund",
    "--loglevel=error",
    peer("effect"),
    peer("@effect/platform"),
    ...tarballs
  ], {
    cwd: consumer
  })

  step("type-check the consumer program with tsc")
  writeConsumerProject(consumer, path.join(here, "consumer.ts"), { skipLibCheck: false })
  run(bin("tsc"), ["-p", "tsconfig.json"], { cwd: consumer })

  step("type-check a browser project against the tarballs: lib DOM, no @types/node")
  const browser = writeBrowserProject(consumer, packages)
  run(bin("tsc"), ["-p", browser], { cwd: consumer })

  step("run the consumer program with node")
  run(process.execPath, [path.join(consumer, "out", "consumer.js")], { cwd: consumer })

  // The packages are ESM-only; `engines` promises that CommonJS code can `require()` them too,
  // which Node supports unflagged from 20.19. Prove it on this Node, and without a warning.
  step(`require() each package from CommonJS on Node ${process.versions.node}`)
  for (const name of names) {
    const script = `const m = require(${JSON.stringify(name)}); console.log(Object.keys(m).length)`
    const result = spawnSync(process.execPath, ["-e", script], { cwd: consumer, encoding: "utf8" })
    if (result.status !== 0 || result.stderr.trim() !== "") {
      throw new Error(`require(${JSON.stringify(name)}) failed or warned:\n${result.stdout}${result.stderr}`)
    }
    console.log(`  require(${JSON.stringify(name)}): ${result.stdout.trim()} exports`)
  }

  console.log(`\npack check passed: ${tarballs.length} package(s)`)
} finally {
  if (keep) console.log(`(kept ${work})`)
  else fs.rmSync(work, { recursive: true, force: true })
}
