// The page as one browser script: esbuild bundles src/page/main.ts and everything it imports
// (effect, @katanemo/client's fetch transport) into dist/public/main.js, for the browser and with
// no externals. It is the proof that nothing the page runs reaches a Node built-in: esbuild
// cannot resolve `node:*` for the browser, and the build fails. index.html is copied beside it.
import * as esbuild from "esbuild"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const app = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const out = path.join(app, "dist", "public")

await esbuild.build({
  entryPoints: [path.join(app, "src", "page", "main.ts")],
  outfile: path.join(out, "main.js"),
  bundle: true,
  platform: "browser",
  format: "esm",
  target: "es2022",
  minify: true,
  logLevel: "warning"
})
fs.copyFileSync(path.join(app, "src", "page", "index.html"), path.join(out, "index.html"))
