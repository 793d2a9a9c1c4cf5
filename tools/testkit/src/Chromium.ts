/**
 * A real headless Chromium for the browser tests, driven by `playwright-core` (which downloads no
 * browser of its own): the executable installed on the machine, Debian's `chromium` where `.ci/run`
 * installs it.
 *
 * Where there is none, as on a newcomer's machine, a browser test is skipped with a title that
 * says how to install it, and the test command's summary repeats that line. Under `CI=true` a
 * missing Chromium is an error instead: CI installs it, so its absence there is a broken set-up,
 * not a reason to skip.
 */
import * as Fs from "node:fs"
import { type Browser, chromium } from "playwright-core"

/** Where to look, in order, after `KATANEMO_CHROMIUM`. */
const candidates = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
  "/Applications/Chromium.app/Contents/MacOS/Chromium"
]

/** How to get one, as the skip line says it. */
export const installHint =
  "install it with `sudo apt-get install chromium` (Debian, Ubuntu) or set KATANEMO_CHROMIUM to a Chromium or Chrome executable"

/** Where Chromium is, or why a browser test is skipped. */
export type Located =
  | { readonly _tag: "Found"; readonly executablePath: string }
  | { readonly _tag: "Missing"; readonly skip: string }

/**
 * Finds Chromium: `KATANEMO_CHROMIUM` if set (it must exist), else the first of the usual paths.
 * Under `CI=true`, none found throws.
 */
export const locate = (
  env: Record<string, string | undefined> = process.env,
  paths: ReadonlyArray<string> = candidates
): Located => {
  const given = env["KATANEMO_CHROMIUM"]
  if (given !== undefined && given !== "" && !Fs.existsSync(given)) {
    throw new Error(`KATANEMO_CHROMIUM is ${given}, which does not exist`)
  }
  const executablePath = given !== undefined && given !== "" ? given : paths.find((path) => Fs.existsSync(path))
  if (executablePath !== undefined) return { _tag: "Found", executablePath }
  if (env["CI"] === "true") {
    throw new Error(`CI=true but no Chromium was found (looked in ${paths.join(", ")}): .ci/run installs it`)
  }
  return { _tag: "Missing", skip: `skipped: Chromium not found; ${installHint}` }
}

/**
 * The flags of a headless Chromium on a machine with a closed network, run as root: no sandbox
 * (it refuses to start as root with one), no GPU, and none of the background connections
 * (updates, sync, QUIC probes) that the network would refuse.
 */
export const flags: ReadonlyArray<string> = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync"
]

/** Starts Chromium headless; the caller closes it (in `afterAll`, which runs when a test fails too). */
export const launch = (executablePath: string): Promise<Browser> =>
  chromium.launch({ executablePath, headless: true, args: [...flags], timeout: 120_000 })

export type { Browser, Page } from "playwright-core"
