#!/usr/bin/env node
// The `katanemo` executable: runs the built CLI, bundled into one file (dist/katanemo.mjs, made by
// scripts/bundle.mjs), which starts several times faster than tsc's many files (dist/bin.js).
// This launcher is committed, so that `pnpm install` can link it before anything is built;
// until then it says how to build.
import * as fs from "node:fs"

const bundle = new URL("../dist/katanemo.mjs", import.meta.url)
if (fs.existsSync(bundle)) {
  await import(bundle.href)
} else {
  process.stderr.write(
    "katanemo: internal error: the CLI is not built yet (no apps/cli/dist/katanemo.mjs); run `pnpm build` first\n"
  )
  process.exitCode = 70
}
