// Startup: how long a program takes to start, bundled and not. run.mjs runs it while its server is
// up and puts the figures in its report; it reports and asserts nothing.
//
// - `katanemo --help`, wall time from spawn to exit: the CLI as it ships (bin/katanemo.js, which
//   runs the one bundled file dist/katanemo.mjs) and unbundled (tsc's dist/bin.js, run directly),
//   with Node alone (`node -e 0`) for the floor;
// - an SDK program (variant.mjs with the SDK over layerUndici), from the start of its process to
//   its first response: as tsc and pnpm leave it (hundreds of ES modules) and bundled by esbuild
//   into one file. Measured from the process's start, not the script's: a bundle is compiled
//   before its first line runs, so the script's start would leave its cost out.
//
// Each child reports its own CPU time (user + system): `katanemo` and Node alone through a module
// preloaded with --import (startup-probe.mjs), at exit; the SDK program itself, at its first response.
import * as esbuild from "esbuild"
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const here = path.dirname(fileURLToPath(import.meta.url))
const cli = path.join(here, "..", "apps", "cli")
const probe = path.join(here, "startup-probe.mjs")

/** Bundles variant.mjs (and everything it imports) into one file, as an application would ship it. */
const bundleVariant = async () => {
  const outfile = path.join(here, "dist", "variant.bundled.mjs")
  await esbuild.build({
    entryPoints: [path.join(here, "variant.mjs")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // undici is CommonJS and requires Node's modules: an ES module has no `require`
    banner: {
      js:
        "import { createRequire as __createRequire } from \"node:module\"\nconst require = __createRequire(import.meta.url)"
    },
    logLevel: "warning"
  })
  return outfile
}

/** The CPU time the probe printed on the child's stderr. */
const cpuOf = (stderr) => {
  const match = /\nstartup-probe (\{.*\})\n$/.exec(stderr)
  if (match === null) throw new Error(`startup: no probe line on stderr:\n${stderr}`)
  return JSON.parse(match[1]).cpuMs
}

/** Runs `node <args>` to its end; answers its wall time (spawn to exit) and its own CPU time. */
const timed = (args) => {
  const start = performance.now()
  const child = spawnSync(process.execPath, ["--import", probe, ...args], { encoding: "utf8" })
  const wallMs = performance.now() - start
  if (child.status !== 0) throw new Error(`startup: node ${args.join(" ")} failed:\n${child.stderr}`)
  return { wallMs, cpuMs: cpuOf(child.stderr) }
}

/**
 * Every startup run, interleaved: `runs` of each program, one after the other in turn.
 * `runVariant(variant, scenario, extraArgs, script)` runs one variant (run.mjs's, which checks the
 * requests the server saw); `recommended` names the SDK variant to time.
 */
export const measureStartup = async ({ recommended, runVariant, runs }) => {
  const bundled = await bundleVariant()
  const programs = [
    { name: "node -e 0 (Node alone)", kind: "help", run: () => timed(["-e", "0"]) },
    {
      name: "katanemo --help, bundled (bin/katanemo.js → dist/katanemo.mjs)",
      kind: "help",
      run: () => timed([path.join(cli, "bin", "katanemo.js"), "--help"])
    },
    {
      name: "katanemo --help, unbundled (dist/bin.js, tsc's output)",
      kind: "help",
      run: () => timed([path.join(cli, "dist", "bin.js"), "--help"])
    },
    {
      name: "raw fetch (reference)",
      kind: "first",
      run: () => runVariant("raw fetch (reference)", "first response")
    },
    {
      name: `${recommended}, bundled (esbuild, one file)`,
      kind: "first",
      run: () => runVariant(recommended, "first response", [], bundled)
    },
    {
      name: `${recommended}, unbundled`,
      kind: "first",
      run: () => runVariant(recommended, "first response")
    }
  ]
  for (const file of [path.join(cli, "dist", "katanemo.mjs"), path.join(cli, "dist", "bin.js")]) {
    if (!fs.existsSync(file)) throw new Error(`startup: ${file} is missing: run \`pnpm build\` first`)
  }
  const measured = programs.map(({ kind, name }) => ({ name, kind, runs: [] }))
  for (let i = 0; i < runs; i++) {
    for (const [index, program] of programs.entries()) measured[index].runs.push(await program.run())
  }
  return measured
}
