// One setting each for what every published package.json repeats: the repository (from the root
// package.json's `repository`), the homepage (the package's README in that repository; docgen reads
// it too) and the Node versions (`engines`). This copies them into each package; tools/readme-check's
// Metadata test fails when a copy differs.
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const rootManifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"))
const repositoryBase = rootManifest.repository.url.replace(/^git\+/, "").replace(/\.git$/, "")

for (const name of fs.readdirSync(path.join(root, "packages"))) {
  const file = path.join(root, "packages", name, "package.json")
  if (!fs.existsSync(file)) continue
  const manifest = JSON.parse(fs.readFileSync(file, "utf8"))
  if (manifest.private) continue
  const repository = { ...rootManifest.repository, directory: `packages/${name}` }
  const homepage = `${repositoryBase}/tree/main/packages/${name}#readme`
  // homepage right after repository, wherever the manifest had it
  const { homepage: _old, ...rest } = manifest
  const updated = Object.fromEntries(
    Object.entries({ ...rest, repository }).flatMap(([key, value]) =>
      key === "repository" ? [[key, value], ["homepage", homepage]] : [[key, value]]
    )
  )
  updated.engines = rootManifest.engines
  fs.writeFileSync(file, `${JSON.stringify(updated, null, 2)}\n`)
  console.log(`${manifest.name}: repository ${manifest.repository.url}, node ${manifest.engines.node}`)
}
