// The release rehearsal: the whole release path, against a real npm registry on loopback.
//
// 1. Starts Verdaccio (registry.mjs, a child process) on a free 127.0.0.1 port, with its config,
//    storage and users in a temporary folder. @katanemo/* come only from its storage; every other
//    package comes through its uplink, the registry npm is configured with.
// 2. Copies the three packages, .changeset/ and the root manifests into a scratch folder (the
//    checkout is never touched), and there runs `pnpm version-packages` (changeset version and the
//    User-Agent version sync), builds with tsc -b and runs `changeset publish` against the registry.
//    It does not go through scripts/release-guard.mjs, which guards publishing to npm: instead it
//    refuses every registry that is not on 127.0.0.1 or localhost, before each publish.
// 3. Checks what the registry now serves: the three at one version, no `workspace:` range left.
// 4. Installs the three by version into a fresh npm project from the registry, type-checks
//    consumer.ts with tsc and runs it with node.
// 5. Adds a patch changeset for @katanemo/testing alone, versions, builds and publishes again;
//    `npm update` in the consumer must move all three to the new version (the fixed group), and
//    the consumer runs again against them.
// 6. Stops the registry whatever happened, and shows that its process is gone.
//
// Any failing step exits non-zero. KATANEMO_KEEP_REHEARSAL=1 keeps the temporary folder.
import { fork, spawn } from "node:child_process"
import * as crypto from "node:crypto"
import * as fs from "node:fs"
import * as http from "node:http"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { writeConsumerProject } from "../consumer-project.mjs"

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, "../..")
const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc")
const readJson = (file) => JSON.parse(fs.readFileSync(file, "utf8"))
const started = Date.now()
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`

const step = (title) => console.log(`\n▸ ${title}`)
const stepTimeout = 5 * 60_000
/** The command of the step that is running, if any: a signal to this process stops it too. */
let current
/**
 * Runs one command (never through a shell) and resolves with what it printed on stdout when
 * `capture` is set (else its output goes straight to ours); rejects unless it exits with 0.
 */
const run = (command, args, { capture = false, cwd, env = process.env } = {}) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", capture ? "pipe" : "inherit", "inherit"] })
    current = child
    let stdout = ""
    child.stdout?.setEncoding("utf8").on("data", (chunk) => (stdout += chunk))
    const timer = setTimeout(() => child.kill("SIGTERM"), stepTimeout)
    child.once("error", reject)
    child.once("close", (code, signal) => {
      clearTimeout(timer)
      current = undefined
      if (code === 0) resolve(stdout.trim())
      else reject(new Error(`${path.basename(command)} ${args.join(" ")} failed (${signal ?? `exit code ${code}`})`))
    })
  })
const output = (command, args, options = {}) => run(command, args, { ...options, capture: true })

/**
 * One HTTP request to the loopback registry, on a connection of its own: a kept-alive one would be
 * closed by the registry while a long synchronous step blocks this process, and fail the next call.
 */
const request = (url, { body, method = "GET" } = {}) =>
  new Promise((resolve, reject) => {
    const call = http.request(url, {
      method,
      agent: false,
      headers: body === undefined ? {} : { "content-type": "application/json" }
    }, (response) => {
      let text = ""
      response.setEncoding("utf8")
      response.on("data", (chunk) => (text += chunk))
      response.on("end", () => resolve({ status: response.statusCode, text }))
    })
    call.on("error", reject)
    call.setTimeout(60_000, () => call.destroy(new Error(`${method} ${url}: no answer within 60 s`)))
    call.end(body === undefined ? undefined : JSON.stringify(body))
  })

/** Refuses any registry that is not on this machine: the rehearsal publishes nowhere else. */
const loopbackHosts = new Set(["127.0.0.1", "localhost"])
const assertLoopback = (url, what) => {
  let host
  try {
    host = new URL(url).hostname
  } catch {
    host = undefined
  }
  if (host === undefined || !loopbackHosts.has(host)) {
    throw new Error(
      `refusing to publish: ${what} is ${JSON.stringify(url)}, not a registry on 127.0.0.1 or localhost`
    )
  }
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "katanemo-release-rehearsal-"))
const keep = process.env["KATANEMO_KEEP_REHEARSAL"] === "1"
const registryLog = path.join(work, "verdaccio.log")
let registryProcess
let failed = false

// Whatever way this process exits (a signal included), the registry goes too (it also exits by
// itself once its IPC channel closes), and so does the temporary folder.
process.on("exit", () => {
  registryProcess?.kill("SIGKILL")
  if (!keep) fs.rmSync(work, { recursive: true, force: true })
})
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    console.error(`\nrelease rehearsal: ${signal}, stopping the step that runs and the registry`)
    current?.kill("SIGTERM")
    process.exit(1)
  })
}

/** Starts Verdaccio on a free loopback port; resolves once it answers `GET /-/ping`. */
const startRegistry = async (config) => {
  const limit = 60_000
  const deadline = Date.now() + limit
  const log = fs.openSync(registryLog, "a")
  const child = fork(path.join(here, "registry.mjs"), [config], { stdio: ["ignore", log, log, "ipc"] })
  fs.closeSync(log)
  registryProcess = child
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Verdaccio (pid ${child.pid}) did not listen on 127.0.0.1 within ${limit / 1000} s`)),
      limit
    )
    child.once("message", (message) => {
      clearTimeout(timer)
      resolve(message.port)
    })
    child.once("exit", (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`Verdaccio exited (${signal ?? `code ${code}`}) before it listened`))
    })
  })
  const url = `http://127.0.0.1:${port}/`
  for (;;) {
    const answer = await request(`${url}-/ping`).then((response) => response.status, (error) => String(error))
    if (answer === 200) return url
    if (Date.now() > deadline) {
      throw new Error(`Verdaccio on ${url} did not answer GET /-/ping with 200 within ${limit / 1000} s: ${answer}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

/** Stops the registry: SIGTERM, SIGKILL after 10 s; then checks that no such process is left. */
const stopRegistry = async () => {
  const child = registryProcess
  if (child === undefined) return
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once("exit", resolve))
    child.kill("SIGTERM")
    const killer = setTimeout(() => child.kill("SIGKILL"), 10_000)
    await exited
    clearTimeout(killer)
  }
  registryProcess = undefined
  let alive = true
  try {
    process.kill(child.pid, 0)
  } catch (error) {
    alive = error.code !== "ESRCH"
  }
  if (alive) throw new Error(`the registry's process ${child.pid} is still running`)
  console.log(
    `registry stopped: process ${child.pid} exited (${child.signalCode ?? child.exitCode}), kill -0 finds none`
  )
}

const katanemo = ["@katanemo/models", "@katanemo/client", "@katanemo/testing"]

try {
  // --- the registry -----------------------------------------------------------------------------
  // as npm sees it here (under `pnpm run`, pnpm's exported settings warn as unknown: not shown)
  const uplink = await output("npm", ["config", "get", "registry", "--loglevel=error"], { cwd: root })
  const shown = new URL(uplink)
  step(`start Verdaccio on 127.0.0.1 (uplink ${shown.origin}${shown.pathname})`)
  const config = path.join(work, "verdaccio.yaml")
  // JSON is YAML: Verdaccio reads it from a .yaml file.
  fs.writeFileSync(
    config,
    JSON.stringify(
      {
        storage: path.join(work, "storage"),
        auth: { htpasswd: { file: path.join(work, "htpasswd"), max_users: 1, rounds: 4 } },
        // a failed request takes the uplink offline for fail_timeout: short, so npm's retry can work
        uplinks: { upstream: { url: uplink, timeout: "60s", fail_timeout: "10s" } },
        packages: {
          // ours come only from this registry: no proxy, so never from npm
          "@katanemo/*": { access: "$all", publish: "$authenticated", unpublish: "$authenticated" },
          "**": { access: "$all", publish: "$authenticated", proxy: "upstream" }
        },
        web: { enable: false },
        log: { type: "stdout", format: "pretty", level: "warn" }
      },
      null,
      2
    )
  )
  const waitStart = Date.now()
  const registry = await startRegistry(config)
  assertLoopback(registry, "the rehearsal's registry")
  console.log(`  ${registry} (pid ${registryProcess.pid}), answered GET /-/ping after ${seconds(waitStart)}`)

  const password = crypto.randomBytes(18).toString("base64url")
  const signUp = await request(`${registry}-/user/org.couchdb.user:rehearsal`, {
    method: "PUT",
    body: { name: "rehearsal", password }
  })
  const { token } = JSON.parse(signUp.text)
  if (signUp.status !== 201 || typeof token !== "string") throw new Error(`user not created: ${signUp.status}`)
  console.log("  user rehearsal created, publishing with its token")

  // Every npm and pnpm call below sees only this configuration: the user's own .npmrc (and any
  // token in it) is never read, the registry, scoped or not, is the loopback one, and none of the
  // npm_config_* variables that `pnpm run` exports from the workspace's settings (save-exact,
  // overrides, ...) leaks into the consumer's npm project.
  const npmrc = path.join(work, "npmrc")
  fs.writeFileSync(npmrc, `registry=${registry}\n//${new URL(registry).host}/:_authToken=${token}\n`)
  const env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_config_/i.test(name))),
    npm_config_userconfig: npmrc,
    npm_config_registry: registry,
    "npm_config_@katanemo:registry": registry,
    npm_config_audit: "false",
    npm_config_fund: "false",
    npm_config_update_notifier: "false"
  }

  // --- the scratch copy -------------------------------------------------------------------------
  step("copy the packages, .changeset/ and the root manifests into a scratch folder")
  const scratch = path.join(work, "scratch")
  for (const file of ["package.json", "pnpm-workspace.yaml", "tsconfig.base.json", "scripts/sync-version.mjs"]) {
    fs.mkdirSync(path.dirname(path.join(scratch, file)), { recursive: true })
    fs.copyFileSync(path.join(root, file), path.join(scratch, file))
  }
  fs.cpSync(path.join(root, ".changeset"), path.join(scratch, ".changeset"), { recursive: true })
  // .docgen: the docgen task writes and deletes it while this copies (the test command runs both at once)
  const generated = new Set(["node_modules", "dist", ".tsbuild", ".turbo", ".test-results", "coverage", ".docgen"])
  const packages = fs.readdirSync(path.join(root, "packages"))
    .filter((dir) => fs.existsSync(path.join(root, "packages", dir, "package.json")))
    .map((dir) => ({ dir, manifest: readJson(path.join(root, "packages", dir, "package.json")) }))
    .filter(({ manifest }) => !manifest.private)
  const dirOf = new Map(packages.map(({ dir, manifest }) => [manifest.name, dir]))
  if (katanemo.some((name) => !dirOf.has(name))) throw new Error(`packages/ should hold ${katanemo.join(", ")}`)
  for (const { dir } of packages) {
    const from = path.join(root, "packages", dir)
    fs.cpSync(from, path.join(scratch, "packages", dir), {
      recursive: true,
      filter: (source) => !generated.has(path.relative(from, source).split(path.sep)[0])
    })
  }
  // Dependencies as installed in the checkout, except that @katanemo/* link to the scratch copies:
  // pnpm publish reads their versions there to replace `workspace:` ranges.
  fs.symlinkSync(path.join(root, "node_modules"), path.join(scratch, "node_modules"), "dir")
  for (const { dir } of packages) {
    const installed = path.join(root, "packages", dir, "node_modules")
    const target = path.join(scratch, "packages", dir, "node_modules")
    const entries = fs.readdirSync(installed)
      .filter((name) => !name.startsWith("."))
      .flatMap((name) =>
        name.startsWith("@") ? fs.readdirSync(path.join(installed, name)).map((sub) => `${name}/${sub}`) : [name]
      )
    for (const name of entries) {
      const link = path.join(target, name)
      fs.mkdirSync(path.dirname(link), { recursive: true })
      const sibling = dirOf.get(name)
      fs.symlinkSync(
        sibling === undefined ? fs.realpathSync(path.join(installed, name)) : path.join(scratch, "packages", sibling),
        link,
        "dir"
      )
    }
  }
  console.log(`  ${packages.map(({ dir }) => `packages/${dir}`).join(", ")} -> ${scratch}`)

  const scratchVersions = () =>
    katanemo.map((name) => readJson(path.join(scratch, "packages", dirOf.get(name), "package.json")).version)
  const oneVersion = (what) => {
    const versions = scratchVersions()
    if (versions.some((version) => version !== versions[0])) {
      throw new Error(
        `${what} left the packages at different versions (${
          katanemo.map((name, i) => `${name} ${versions[i]}`).join(", ")
        }): the fixed group ["@katanemo/*"] in .changeset/config.json should keep them at one`
      )
    }
    return versions[0]
  }

  /** One release from the scratch copy: `pnpm version-packages`, tsc -b, `changeset publish`. */
  const release = async (round) => {
    step(`${round}: pnpm version-packages (changeset version, then the User-Agent version sync)`)
    await run("pnpm", ["run", "--silent", "version-packages"], { cwd: scratch, env })
    const version = oneVersion("changeset version")
    console.log(`  ${katanemo.join(", ")}: ${version}`)

    step(`${round}: build the scratch copy with tsc -b`)
    const buildStart = Date.now()
    await run(process.execPath, [
      tsc,
      "-b",
      ...packages.map(({ dir }) => path.join("packages", dir, "tsconfig.src.json"))
    ], { cwd: scratch })
    console.log(`  built in ${seconds(buildStart)}`)

    step(`${round}: changeset publish to ${registry}`)
    const where = path.join(scratch, "packages", dirOf.get(katanemo[0]))
    for (const tool of ["npm", "pnpm"]) {
      assertLoopback(await output(tool, ["config", "get", "registry"], { cwd: where, env }), `${tool}'s registry`)
      const scoped = await output(tool, ["config", "get", "@katanemo:registry"], { cwd: where, env })
      if (scoped !== "undefined" && scoped !== "") assertLoopback(scoped, `${tool}'s @katanemo registry`)
    }
    for (const { dir } of packages) {
      const { name, publishConfig = {} } = readJson(path.join(scratch, "packages", dir, "package.json"))
      for (const key of ["registry", "@katanemo:registry"]) {
        if (publishConfig[key] !== undefined) assertLoopback(publishConfig[key], `${name}'s publishConfig.${key}`)
      }
    }
    await run("pnpm", ["exec", "changeset", "publish", "--no-git-tag"], { cwd: scratch, env })
    return version
  }

  const checkPublished = async (version) => {
    step(`check what ${registry} serves`)
    for (const name of katanemo) {
      const response = await request(`${registry}${name.replace("/", "%2f")}`)
      if (response.status !== 200) throw new Error(`${name}: the registry answered ${response.status}`)
      const packument = JSON.parse(response.text)
      const manifest = packument.versions?.[version]
      if (manifest === undefined || packument["dist-tags"]?.latest !== version) {
        throw new Error(
          `${name}: ${version} is not the latest published (dist-tags ${JSON.stringify(packument["dist-tags"])})`
        )
      }
      const dependencies = Object.entries(manifest.dependencies ?? {})
      const internal = dependencies.filter(([dependency]) => katanemo.includes(dependency))
      const unresolved = dependencies.filter(([, range]) => range.startsWith("workspace:"))
      if (unresolved.length > 0) {
        throw new Error(
          `${name}@${version} was published with workspace ranges: ${JSON.stringify(Object.fromEntries(unresolved))}`
        )
      }
      if (internal.some(([, range]) => range !== `^${version}`)) {
        throw new Error(
          `${name}@${version} depends on ${JSON.stringify(Object.fromEntries(internal))}, not ^${version}`
        )
      }
      console.log(
        `  ${name}@${version}: versions ${Object.keys(packument.versions).join(", ")}; dependencies ${
          dependencies.map(([dependency, range]) => `${dependency} ${range}`).join(", ") || "none"
        }`
      )
    }
  }

  const first = await release("round 1")
  await checkPublished(first)

  // --- the consumer -----------------------------------------------------------------------------
  step(`install ${katanemo.map((name) => `${name}@${first}`).join(", ")} into a fresh npm project`)
  const consumer = path.join(work, "consumer")
  fs.mkdirSync(consumer)
  fs.writeFileSync(
    path.join(consumer, "package.json"),
    JSON.stringify({ name: "katanemo-rehearsal-consumer", private: true, type: "module" }, null, 2)
  )
  // Peer dependencies at the versions the workspace tests against, through the uplink.
  const peer = (name) =>
    `${name}@${readJson(path.join(root, "packages", "client", "node_modules", name, "package.json")).version}`
  const installStart = Date.now()
  await run("npm", [
    "install",
    "--loglevel=error",
    peer("effect"),
    peer("@effect/platform"),
    ...katanemo.map((name) => `${name}@${first}`)
  ], { cwd: consumer, env })
  const saved = readJson(path.join(consumer, "package.json")).dependencies
  console.log(
    `  installed in ${seconds(installStart)}; package.json: ${
      katanemo.map((name) => `${name} ${saved[name]}`).join(", ")
    }`
  )

  const installedVersions = async () => {
    const tree = JSON.parse(await output("npm", ["ls", "--json", "--depth=0"], { cwd: consumer, env }))
    return katanemo.map((name) => tree.dependencies?.[name]?.version)
  }

  step("type-check the consumer program with tsc")
  // the pack check type-checks the packages' own .d.ts files (skipLibCheck off); here, the
  // program against them, at a third of the time
  writeConsumerProject(consumer, path.join(here, "consumer.ts"), { skipLibCheck: true })
  const checkStart = Date.now()
  await run(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: consumer })
  console.log(`  type-checked in ${seconds(checkStart)}`)

  step("run the consumer program with node")
  await run(process.execPath, [path.join(consumer, "out", "consumer.js"), first], { cwd: consumer })

  // --- the second round: a patch of one package moves all three ---------------------------------
  fs.writeFileSync(
    path.join(scratch, ".changeset", "release-rehearsal-patch.md"),
    "---\n\"@katanemo/testing\": patch\n---\n\nThe release rehearsal's patch: @katanemo/testing alone; the fixed group moves all three.\n"
  )
  const second = await release("round 2, a patch changeset for @katanemo/testing alone")
  if (second === first) throw new Error(`the patch changeset left the packages at ${first}`)
  await checkPublished(second)

  step("npm update in the consumer")
  // --prefer-online: npm revalidates the metadata it cached in the first round
  await run("npm", ["update", "--prefer-online", "--loglevel=error"], { cwd: consumer, env })
  const updated = await installedVersions()
  console.log(`  ${katanemo.map((name, i) => `${name} ${updated[i]}`).join(", ")}`)
  if (updated.some((version) => version !== second)) {
    throw new Error(
      `npm update did not move all three to ${second}: ${katanemo.map((name, i) => `${name} ${updated[i]}`).join(", ")}`
    )
  }

  step("run the consumer program again, on the updated packages")
  await run(process.execPath, [path.join(consumer, "out", "consumer.js"), second], { cwd: consumer })

  console.log(`\nrelease rehearsal passed: published ${first}, then ${second}; npm update moved all three`)
} catch (error) {
  failed = true
  console.error(`\nrelease rehearsal failed: ${error instanceof Error ? error.message : String(error)}`)
  if (fs.existsSync(registryLog) && fs.statSync(registryLog).size > 0) {
    console.error(`Verdaccio's log (warnings and errors):\n${fs.readFileSync(registryLog, "utf8").slice(-4000)}`)
  }
} finally {
  step("stop the registry")
  try {
    await stopRegistry()
  } catch (error) {
    failed = true
    console.error(String(error))
  }
  if (keep) console.log(`(kept ${work})`)
  else fs.rmSync(work, { recursive: true, force: true })
  console.log(`wall time ${seconds(started)}`)
}
process.exit(failed ? 1 : 0)
