#!/usr/bin/env node
// The `katanemo` executable: runs the built CLI (dist/bin.js). It is committed, so that
// `pnpm install` can link it before anything is built; until then it says how to build.
import * as fs from "node:fs"

const built = new URL("../dist/bin.js", import.meta.url)
if (fs.existsSync(built)) {
  await import(built.href)
} else {
  process.stderr.write(
    "katanemo: internal error: the CLI is not built yet (no apps/cli/dist/bin.js); run `pnpm build` first\n"
  )
  process.exitCode = 70
}
