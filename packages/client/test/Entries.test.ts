/**
 * What each entry point loads at run time: the root chooses no platform, and each transport brings
 * only what it runs on. The graph is read from the sources as TypeScript compiles them (imports
 * used only as types are erased), following relative imports.
 */
import { assert, describe, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import ts from "typescript"

const src = new URL("../src/", import.meta.url).pathname

const transpiled = (file: string) =>
  ts.transpileModule(fs.readFileSync(file, "utf8"), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 }
  }).outputText

/**
 * The specifiers of a module's static `import`s and `export ... from`s, read by the TypeScript
 * parser (not an `import(...)`, which the walk does not follow).
 */
const staticImports = (js: string): ReadonlyArray<string> =>
  ts.createSourceFile("module.js", js, ts.ScriptTarget.ES2022).statements.flatMap((statement) =>
    (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement))
      && statement.moduleSpecifier !== undefined && ts.isStringLiteral(statement.moduleSpecifier)
      ? [statement.moduleSpecifier.text]
      : []
  )

/**
 * The packages (bare specifiers) a module loads when it is imported, through its relative imports
 * too. Lazy `import(...)`s are not followed: they load only when called (see `lazyImports`).
 */
const runtimeImports = (entry: string): ReadonlyArray<string> => {
  const seen = new Set<string>()
  const packages = new Set<string>()
  const visit = (file: string) => {
    if (seen.has(file)) return
    seen.add(file)
    for (const specifier of staticImports(transpiled(file))) {
      if (specifier.startsWith(".")) visit(path.resolve(path.dirname(file), specifier.replace(/\.js$/, ".ts")))
      else packages.add(specifier)
    }
  }
  visit(path.join(src, entry))
  return [...packages].sort()
}

/** The specifiers a module's own code imports lazily, with `import("...")`. */
const lazyImports = (entry: string): ReadonlyArray<string> =>
  [...transpiled(path.join(src, entry)).matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)].map(([, s]) => s ?? "").sort()

const matching = (imports: ReadonlyArray<string>, pattern: RegExp) => imports.filter((s) => pattern.test(s))

describe("entry points load only what they run on", () => {
  it("the root (@katanemo/client): neither @effect/platform nor undici", () => {
    const imports = runtimeImports("index.ts")
    assert.isTrue(imports.includes("effect/Effect"), "the walk sees the root's imports")
    assert.deepStrictEqual(matching(imports, /^@effect\/platform|^undici/), [])
  })

  it("FetchTransport: no @effect/platform, no undici, no Node built-in", () => {
    assert.deepStrictEqual(matching(runtimeImports("FetchTransport.ts"), /^@effect\/platform|^undici|^node:/), [])
  })

  it("UndiciTransport: undici, and no @effect/platform", () => {
    const imports = runtimeImports("UndiciTransport.ts")
    assert.deepStrictEqual(matching(imports, /^undici/), ["undici"])
    assert.deepStrictEqual(matching(imports, /^@effect\/platform/), [])
  })

  it("HttpClientTransport: @effect/platform, and no undici", () => {
    const imports = runtimeImports("HttpClientTransport.ts")
    assert.isNotEmpty(matching(imports, /^@effect\/platform\//))
    assert.deepStrictEqual(matching(imports, /^undici/), [])
  })

  it("KatanemoIdentity: neither @effect/platform nor undici when imported; undici only lazily, as the default", () => {
    const imports = runtimeImports("KatanemoIdentity.ts")
    assert.isTrue(imports.includes("effect/ManagedRuntime"), "the walk sees the entry's imports")
    assert.deepStrictEqual(matching(imports, /^@effect\/platform|^undici|^node:/), [])
    // the default transport, loaded by the first call of a client made without `transport`
    assert.deepStrictEqual(lazyImports("KatanemoIdentity.ts"), ["./UndiciTransport.js"])
  })
})
