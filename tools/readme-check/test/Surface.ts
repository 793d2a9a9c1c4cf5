/**
 * The public surface of a package's root as a consumer's compiler sees it (the built declarations,
 * resolved by package name): every name `import { … } from "@katanemo/x"` can take, values and
 * types alike, and for each the members a reader reaches through it: the exports of a namespace
 * (`export * as ApiExceptions`), and of a class the statics it declares itself and the types of
 * the namespace merged with it (`IdentityApi.layer`, `IdentityApi.Options`).
 */
import * as path from "node:path"
import ts from "typescript"

/** One export of a package root and its members, both sorted. */
export interface Export {
  readonly name: string
  readonly members: ReadonlyArray<string>
}

const byName = (a: string, b: string) => a.localeCompare(b)

/** The surface of each package, resolved from `fromDir` as an import there would resolve it. */
export const surfaces = (
  packageNames: ReadonlyArray<string>,
  fromDir: string
): ReadonlyMap<string, ReadonlyArray<Export>> => {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: []
  }
  const host = ts.createCompilerHost(options)
  const from = path.join(fromDir, "surface.ts")
  const roots = packageNames.map((name) => {
    const resolved = ts.resolveModuleName(name, from, options, host).resolvedModule
    if (resolved === undefined) throw new Error(`${name} does not resolve from ${fromDir}: is it built?`)
    return { name, file: resolved.resolvedFileName }
  })
  const program = ts.createProgram(roots.map((root) => root.file), options, host)
  const checker = program.getTypeChecker()

  const membersOf = (exported: ts.Symbol): ReadonlyArray<string> => {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported
    const declarations = symbol.declarations ?? []
    // `export * as Name from "./Module.js"`: every export of the module
    if (declarations.some(ts.isSourceFile)) return checker.getExportsOfModule(symbol).map((s) => s.name).sort(byName)
    const names = new Set<string>()
    for (const declaration of declarations) {
      // the statics a class declares itself, not those it inherits (from Context.Tag, Schema.Class, …)
      if (ts.isClassDeclaration(declaration)) {
        for (const member of declaration.members) {
          const isStatic = (ts.getCombinedModifierFlags(member) & ts.ModifierFlags.Static) !== 0
          if (isStatic && member.name !== undefined && ts.isIdentifier(member.name)) names.add(member.name.text)
        }
      }
      // the namespace merged with it: its types
      if (ts.isModuleDeclaration(declaration)) {
        for (const inner of checker.getExportsOfModule(symbol)) if (inner.name !== "prototype") names.add(inner.name)
      }
    }
    return [...names].sort(byName)
  }

  return new Map(roots.map(({ file, name }) => {
    const source = program.getSourceFile(file)
    const moduleSymbol = source === undefined ? undefined : checker.getSymbolAtLocation(source)
    if (moduleSymbol === undefined) throw new Error(`${name}: no module at ${file}`)
    const exports = checker.getExportsOfModule(moduleSymbol)
      .map((symbol) => ({ name: symbol.name, members: membersOf(symbol) }))
      .sort((a, b) => byName(a.name, b.name))
    return [name, exports]
  }))
}

/** One row of a README's "At a glance" table: the exports it names, and the members (`.name`) it lists. */
export interface GlanceRow {
  readonly line: number
  readonly names: ReadonlyArray<string>
  readonly members: ReadonlyArray<string>
}

/**
 * The rows of the table under `## At a glance`. The first cell names one or more exports
 * (`` `Name` ``); the rest of the row lists the members of its one export as `` `.member` ``.
 */
export const glance = (readme: string): ReadonlyArray<GlanceRow> => {
  const lines = readme.split("\n")
  const start = lines.findIndex((line) => line.trim() === "## At a glance")
  if (start === -1) throw new Error("no \"## At a glance\" section")
  const rows: Array<GlanceRow> = []
  for (let i = start + 1; i < lines.length && !(lines[i] ?? "").startsWith("## "); i++) {
    const line = lines[i] ?? ""
    if (!line.startsWith("|") || /^\|[\s|:-]+\|$/.test(line)) continue
    const [, first = "", ...rest] = line.split("|")
    const names = [...first.matchAll(/`([A-Za-z_$][\w$]*)/g)].map((found) => found[1] ?? "")
    const members = [...rest.join("|").matchAll(/`\.([A-Za-z_$][\w$]*)/g)].map((found) => found[1] ?? "")
    if (names.length > 0) rows.push({ line: i + 1, names, members: [...new Set(members)].sort(byName) })
  }
  return rows
}
