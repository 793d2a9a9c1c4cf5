// After `changeset version` bumps package.json, writes the new version into the client's
// src/internal/version.ts, which the User-Agent header sends. A test checks the two agree.
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const client = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "packages", "client")
const { version } = JSON.parse(fs.readFileSync(path.join(client, "package.json"), "utf8"))
const file = path.join(client, "src", "internal", "version.ts")
const source = fs.readFileSync(file, "utf8")
const updated = source.replace(/export const version = "[^"]*"/, `export const version = ${JSON.stringify(version)}`)
if (updated === source && !source.includes(`"${version}"`)) throw new Error(`no version constant in ${file}`)
fs.writeFileSync(file, updated)
console.log(`client version constant: ${version}`)
