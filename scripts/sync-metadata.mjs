// One setting each for what every published package.json repeats: the repository (from the root
// package.json's `repository`) and the Node versions (`engines`). This copies them into each
// package; tools/readme-check's Metadata test fails when a copy differs.
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const rootManifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"))

for (const name of fs.readdirSync(path.join(root, "packages"))) {
  const file = path.join(root, "packages", name, "package.json")
  if (!fs.existsSync(file)) continue
  const manifest = JSON.parse(fs.readFileSync(file, "utf8"))
  if (manifest.private) continue
  manifest.repository = { ...rootManifest.repository, directory: `packages/${name}` }
  manifest.engines = rootManifest.engines
  fs.writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`)
  console.log(`${manifest.name}: repository ${manifest.repository.url}, node ${manifest.engines.node}`)
}
