// The CLI as one file: bundles tsc's output (dist/bin.js) and every package it imports into
// dist/katanemo.mjs, which bin/katanemo.js runs. Most of a cold start of the unbundled CLI is
// Node loading hundreds of small ES modules (effect/Schema alone loads effect/FastCheck); one
// file starts several times faster (the client README's "A fast start" has the figures, and
// `pnpm bench` measures both). `pnpm build` runs this after tsc.
import * as esbuild from "esbuild"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const app = path.dirname(path.dirname(fileURLToPath(import.meta.url)))

await esbuild.build({
  entryPoints: [path.join(app, "dist", "bin.js")],
  outfile: path.join(app, "dist", "katanemo.mjs"),
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // not minified: it measured no faster (V8 parses lazily), and a stack trace stays readable
  minify: false,
  // undici (under @katanemo/client/UndiciTransport) is CommonJS and requires Node's own modules; an ES module
  // has no `require`, so the bundle makes one
  banner: {
    js: "import { createRequire as __katanemoCreateRequire } from \"node:module\"\n"
      + "const require = __katanemoCreateRequire(import.meta.url)"
  },
  logLevel: "warning"
})
