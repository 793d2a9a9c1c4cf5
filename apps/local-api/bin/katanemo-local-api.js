#!/usr/bin/env node
// The installed `katanemo-local-api` command. It is committed, not built, so that `pnpm install` can
// link it before anything is built; it runs the built server, dist/bin.js.
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"

const program = new URL("../dist/bin.js", import.meta.url)
if (!existsSync(fileURLToPath(program))) {
  process.stderr.write(
    `katanemo-local-api: not built yet (${fileURLToPath(program)} is missing): run \`pnpm build\` first\n`
  )
  process.exit(1)
}
await import(program.href)
