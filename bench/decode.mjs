// What decoding a list of 1,000 users costs on top of JSON.parse, without sockets: the list
// bench/server.mjs answers, parsed alone, and parsed then decoded by @katanemo/models's FastDecode
// (its build: run `pnpm build` first). Give directories holding other builds of the package (a
// copy of an older packages/models/dist) to measure them side by side, in the same process and
// the same interleaved rounds. Prints the median time per list of each, and its ratio to
// JSON.parse alone. A profile of the current build: node --cpu-prof bench/decode.mjs
//
//   node bench/decode.mjs [dist directory...]
import * as os from "node:os"
import * as path from "node:path"
import { pathToFileURL } from "node:url"
import { thousandUsers } from "./users.mjs"

const builds = [
  ["current build", await import("@katanemo/models")],
  ...await Promise.all(
    process.argv.slice(2).map(async (dir) => [dir, await import(pathToFileURL(path.resolve(dir, "index.js")).href)])
  )
]
const variants = [
  ["JSON.parse", (t) => JSON.parse(t)],
  ...builds.map(([name, models]) => {
    const decode = models.FastDecode.array(models.FastDecode.userResponse)
    return [`+ FastDecode (${name})`, (t) => decode(JSON.parse(t))]
  })
]

const [warmup, rounds, perRound] = [300, 40, 20]
let decoded = 0
for (const [, run] of variants) for (let i = 0; i < warmup; i++) decoded += run(thousandUsers).length
const times = new Map(variants.map(([name]) => [name, []]))
for (let round = 0; round < rounds; round++) {
  // each round in another order, so that no variant always follows the same one
  const order = variants.map((_, i) => (i + round) % variants.length)
  for (const i of order) {
    const [name, run] = variants[i]
    const start = performance.now()
    for (let n = 0; n < perRound; n++) decoded += run(thousandUsers).length
    times.get(name).push(((performance.now() - start) / perRound) * 1000)
  }
}
if (decoded !== (warmup + rounds * perRound) * 1000 * variants.length) throw new Error("a list did not decode")

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const parse = median(times.get("JSON.parse"))
console.log(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}; medians of ${rounds} rounds`)
for (const [name, xs] of times) {
  console.log(
    `${name.padEnd(40)} ${median(xs).toFixed(0).padStart(6)} µs  ${(median(xs) / parse).toFixed(2)}× JSON.parse`
  )
}
