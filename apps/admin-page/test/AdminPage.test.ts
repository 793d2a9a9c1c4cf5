/**
 * The admin page in a real headless Chromium: the BUILT local API (seeded with
 * `apps/local-api/seed.example.json`) and the BUILT admin server (`dist/server.js`, which serves
 * the esbuild bundle `dist/public/main.js`), each a child process killed when its scope ends;
 * Chromium closed the same way. Readiness and the page's outcome are awaited with generous bounds
 * (the machine may be busy) and messages saying what was awaited.
 *
 * Where Chromium is missing, one skipped test's title says how to install it; under `CI=true`,
 * `Chromium.locate()` throws instead (CI installs it).
 */
import { assert, describe, it, layer } from "@effect/vitest"
import { IdentityStore } from "@katanemo/testing"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Chromium from "katanemo-testkit/Chromium"
import * as Spawn from "katanemo-testkit/Spawn"
import * as fs from "node:fs"
import * as Net from "node:net"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import type { Browser, Page } from "playwright-core"
import { afterAll } from "vitest"

const app = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const root = path.resolve(app, "..", "..")
const server = path.join(app, "dist", "server.js")
const localApi = path.join(root, "apps", "local-api", "dist", "bin.js")
const seedFile = path.join(root, "apps", "local-api", "seed.example.json")
const screenshot = path.join(app, "artifacts", "admin-page.png")

/** How long the page may take to show its tables or its error: generous, the machine may be busy. */
const pageBound = 60_000

/** The development token the local API accepts. */
const devToken = "tok_local"

/** The seed's account `acme`, as the store reads it (defaults filled in), and what the page should list. */
const seeded = Effect.gen(function*() {
  const seed = yield* IdentityStore.decodeSeed(JSON.parse(fs.readFileSync(seedFile, "utf8")))
  const account = seed.accounts.find((a) => a.accountId === "acme")
  if (account === undefined) return yield* Effect.dieMessage(`${seedFile} has no account acme`)
  const yesNo = (b: boolean) => b ? "yes" : "no"
  const key = account.keys.find((k) => k.clientSecret !== undefined)
  if (key?.clientSecret === undefined) return yield* Effect.dieMessage(`${seedFile}: acme has no key with a secret`)
  return {
    keyRows: account.keys.map((k) => [k.clientId, k.clientName, k.roles.join(", "), yesNo(k.isActive)]),
    userRows: account.users.map((u) => [u.userId, u.roles.join(", "), yesNo(u.isActive), yesNo(u.isAdmin)]),
    userTokens: account.users.flatMap((u) => u.token === undefined ? [] : [u.token]),
    clientId: key.clientId,
    clientSecret: key.clientSecret
  }
}).pipe(Effect.orDie)

/** The running local API's URL. */
class LocalApi extends Context.Tag("test/LocalApi")<LocalApi, string>() {}

/** The headless Chromium, one for the file. */
class HeadlessChromium extends Context.Tag("test/HeadlessChromium")<HeadlessChromium, Browser>() {}

const localApiLayer = Layer.scoped(
  LocalApi,
  Effect.gen(function*() {
    const run = yield* Spawn.node(localApi, ["--port", "0", "--seed", seedFile, "--token", devToken], { cwd: root })
    const found = yield* run.waitFor(
      /listening on (http:\/\/127\.0\.0\.1:\d+)/,
      "the \"listening on\" line of the local API"
    )
    return found[1] ?? ""
  })
)

const chromiumLayer = (executablePath: string) =>
  Layer.scoped(
    HeadlessChromium,
    Effect.acquireRelease(
      Effect.promise(() => Chromium.launch(executablePath)),
      (browser) => Effect.promise(() => browser.close())
    )
  )

/** Starts the built admin server with `args` (and only the `env` given of the KATANEMO_ variables); answers its URL. */
const adminServer = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  Effect.gen(function*() {
    const run = yield* Spawn.node(server, ["--port", "0", ...args], {
      cwd: app,
      env: {
        KATANEMO_API_TOKEN: undefined,
        KATANEMO_CLIENT_ID: undefined,
        KATANEMO_CLIENT_SECRET: undefined,
        KATANEMO_BASE_URL: undefined,
        ...env
      }
    })
    const found = yield* run.waitFor(
      /admin page: (http:\/\/127\.0\.0\.1:\d+\/)/,
      "the \"admin page:\" line of the server"
    )
    return found[1] ?? ""
  })

/** What the browser saw on the wire: each request and response, as text, with headers and bodies. */
interface Seen {
  readonly requests: Array<{ url: string; method: string; headers: Record<string, string>; body: string }>
  readonly responses: Array<{ url: string; status: number; headers: Record<string, string>; body: string }>
}

/**
 * A new page (closed with the scope) that records every request and response, and every text of
 * the status line (`statuses`), so that a passing progress message can be checked afterwards.
 */
const newPage = Effect.gen(function*() {
  const browser = yield* HeadlessChromium
  const page = yield* Effect.acquireRelease(
    Effect.promise(() => browser.newPage({ viewport: { width: 900, height: 560 } })),
    (page) => Effect.promise(() => page.close())
  )
  const seen: Seen = { requests: [], responses: [] }
  const pending: Array<Promise<void>> = []
  // allHeaders(), not headers(): the latter leaves out security-related ones
  page.on("request", (request) => {
    pending.push(
      request.allHeaders().then((headers) => {
        seen.requests.push({ url: request.url(), method: request.method(), headers, body: request.postData() ?? "" })
      })
    )
  })
  page.on("response", (response) => {
    pending.push(
      Promise.all([response.allHeaders(), response.body().then((body) => body.toString("utf8"), () => "")]).then(
        ([headers, body]) => {
          seen.responses.push({ url: response.url(), status: response.status(), headers, body })
        }
      )
    )
  })
  yield* Effect.promise(() =>
    page.addInitScript(() => {
      const texts: Array<string> = []
      Object.assign(window, { statuses: texts })
      new MutationObserver(() => {
        const text = document.getElementById("status")?.textContent
        if (text != null && texts[texts.length - 1] !== text) texts.push(text)
      }).observe(document, { subtree: true, childList: true, characterData: true })
    })
  )
  /** Waits until every response body seen so far has been read. */
  const settled = Effect.promise(() => Promise.all(pending))
  return { page, seen, settled }
})

/** What the page shows once it is done (`ready` or `failed`). */
const outcome = (page: Page, url: string) =>
  Effect.gen(function*() {
    yield* Effect.promise(() => page.goto(url))
    yield* Effect.tryPromise({
      try: () => page.waitForSelector("body[data-state=ready], body[data-state=failed]", { timeout: pageBound }),
      catch: () => new Error(`waited ${pageBound / 1000} s for the page at ${url} to show its tables or an error`)
    }).pipe(Effect.orDie)
    return yield* Effect.promise(() =>
      page.evaluate(() => {
        const rows = (id: string) =>
          Array.from(
            document.querySelectorAll<HTMLTableRowElement>(`#${id} tbody tr`),
            (row) => Array.from(row.cells, (cell) => cell.textContent ?? "")
          )
        const statuses: unknown = Reflect.get(window, "statuses")
        return {
          state: document.body.dataset["state"] ?? "",
          status: document.getElementById("status")?.textContent ?? "",
          statuses: Array.isArray(statuses) ? statuses.map(String) : [],
          keys: rows("keys"),
          users: rows("users"),
          html: document.documentElement.outerHTML,
          text: document.body.innerText
        }
      })
    )
  })

afterAll(() => {
  const left = Spawn.started.filter(Spawn.isRunning)
  assert.deepStrictEqual(left, [], `processes left running: ${left.join(", ")}`)
})

describe("the admin server's arguments", () => {
  const usage = (args: ReadonlyArray<string>, env: Record<string, string>, port = 0) =>
    Effect.gen(function*() {
      const run = yield* Spawn.node(server, ["--port", String(port), ...args], {
        cwd: app,
        env: { KATANEMO_API_TOKEN: undefined, KATANEMO_CLIENT_ID: undefined, KATANEMO_CLIENT_SECRET: undefined, ...env }
      })
      return yield* Spawn.toExit(run, `katanemo-admin-page ${args.join(" ")}`)
    }).pipe(Effect.scoped)

  it.live(
    "neither a token nor an API key, or both, is one line on stderr and exit code 2",
    () =>
      Effect.gen(function*() {
        const neither = yield* usage([], {})
        assert.deepStrictEqual([neither.code, neither.stderr], [
          2,
          "katanemo-admin-page: give --token (or KATANEMO_API_TOKEN), or an API key in KATANEMO_CLIENT_ID and"
          + " KATANEMO_CLIENT_SECRET (see katanemo-admin-page --help)\n"
        ])
        const both = yield* usage(["--token", devToken], {
          KATANEMO_CLIENT_ID: "ck_ci",
          KATANEMO_CLIENT_SECRET: "cs_x"
        })
        assert.deepStrictEqual([both.code, both.stderr], [
          2,
          "katanemo-admin-page: give a development token or an API key, not both (see katanemo-admin-page --help)\n"
        ])
      }),
    120_000
  )

  it.live(
    "a port already taken is no usage error: one line on stderr, exit code 1",
    () =>
      Effect.gen(function*() {
        const taken = yield* Effect.acquireRelease(
          Effect.async<Net.Server>((resume) => {
            const holder = Net.createServer()
            holder.listen(0, "127.0.0.1", () => resume(Effect.succeed(holder)))
          }),
          (holder) => Effect.async<void>((resume) => void holder.close(() => resume(Effect.void)))
        )
        const address = taken.address()
        assert.isTrue(address !== null && typeof address === "object", "the holder has a port")
        const port = address !== null && typeof address === "object" ? address.port : 0
        const exit = yield* usage(["--token", devToken], {}, port)
        assert.strictEqual(exit.code, 1, exit.stderr)
        assert.strictEqual(
          exit.stderr.replace(/EADDRINUSE.*/, "EADDRINUSE"),
          `katanemo-admin-page: cannot listen on 127.0.0.1:${port}: Error: listen EADDRINUSE\n`
        )
      }).pipe(Effect.scoped),
    120_000
  )
})

const located = Chromium.locate()

if (located._tag === "Missing") {
  describe("the admin page in Chromium", () => {
    it.skip(located.skip, () => {})
  })
} else {
  layer(Layer.merge(localApiLayer, chromiumLayer(located.executablePath)), {
    timeout: "120 seconds",
    excludeTestServices: true
  })("the admin page in Chromium", (it) => {
    it.scoped(
      "lists the seed's keys and users of acme in two tables, with a development token; a screenshot is saved",
      () =>
        Effect.gen(function*() {
          const expected = yield* seeded
          const api = yield* LocalApi
          const url = yield* adminServer(["--api-url", api, "--account", "acme", "--token", devToken])
          const { page } = yield* newPage
          const shown = yield* outcome(page, url)
          assert.strictEqual(shown.state, "ready", `the page failed: ${shown.status}`)
          assert.deepStrictEqual(shown.keys, expected.keyRows, "the keys table")
          assert.deepStrictEqual(shown.users, expected.userRows, "the users table")
          assert.include(shown.statuses, "Loading keys and users of acme…", "the progress line")
          const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`
          assert.strictEqual(
            shown.status,
            `Account acme: ${count(expected.keyRows.length, "API key")}, ${count(expected.userRows.length, "user")}`
          )
          // a user's token is a secret: the API sends it, the page does not show it
          for (const secret of [...expected.userTokens, expected.clientSecret]) {
            assert.notInclude(shown.html, secret, "a secret in the page's DOM")
          }
          fs.mkdirSync(path.dirname(screenshot), { recursive: true })
          fs.rmSync(screenshot, { force: true })
          yield* Effect.promise(() => page.screenshot({ path: screenshot, fullPage: true }))
          // a PNG of this run (the old one is gone), not an empty file
          const png = fs.readFileSync(screenshot)
          assert.strictEqual(png.subarray(1, 4).toString("latin1"), "PNG", `no PNG at ${screenshot}`)
          assert.isAbove(png.length, 1000, `an empty picture at ${screenshot}`)
        }),
      120_000
    )

    it.scoped(
      "a token the API refuses shows the typed Unauthorized message, and no table",
      () =>
        Effect.gen(function*() {
          const api = yield* LocalApi
          const url = yield* adminServer(["--api-url", api, "--token", "tok_not_accepted_here"])
          const { page } = yield* newPage
          const shown = yield* outcome(page, url)
          assert.strictEqual(shown.state, "failed", "the page did not fail")
          assert.strictEqual(
            shown.status,
            `the token was refused by the API at ${api} (401 Unauthorized): the page's server handed out a token`
              + " the API does not accept (check its --token, or its API key)"
          )
          assert.deepStrictEqual([shown.keys, shown.users], [[], []])
        }),
      120_000
    )

    it.scoped(
      "an API it cannot reach shows the typed TransportError message, naming the API and CORS",
      () =>
        Effect.gen(function*() {
          const port = yield* Spawn.freePort
          const api = `http://127.0.0.1:${port}`
          const url = yield* adminServer(["--api-url", api, "--token", devToken])
          const { page } = yield* newPage
          const shown = yield* outcome(page, url)
          assert.strictEqual(shown.state, "failed", "the page did not fail")
          assert.include(
            shown.status,
            `could not reach the API at ${api} (is it running? does it allow this origin, ${
              new URL(url).origin
            }, CORS?)`
          )
        }),
      120_000
    )

    it.scoped(
      "client credentials: the server trades the API key for a short-term token; the secret is in no request,"
        + " response or DOM the browser saw",
      () =>
        Effect.gen(function*() {
          const expected = yield* seeded
          const api = yield* LocalApi
          const url = yield* adminServer(["--api-url", api], {
            KATANEMO_CLIENT_ID: expected.clientId,
            KATANEMO_CLIENT_SECRET: expected.clientSecret
          })
          const { page, seen, settled } = yield* newPage
          const shown = yield* outcome(page, url)
          yield* settled
          assert.strictEqual(shown.state, "ready", `the page failed: ${shown.status}`)
          assert.deepStrictEqual(shown.keys, expected.keyRows, "the keys table")
          assert.deepStrictEqual(shown.users, expected.userRows, "the users table")

          // the recording saw the whole exchange: the session, and both calls with its token
          const session = seen.responses.find((r) => r.url === `${url}session`)
          assert.isDefined(session, `no GET /session among ${seen.responses.map((r) => r.url).join(", ")}`)
          const token: unknown = JSON.parse(session?.body ?? "{}").token
          assert.isString(token)
          assert.notStrictEqual(token, devToken, "the page got the development token, not a short-term one")
          for (const call of ["/org/acme/keys", "/org/acme/user"]) {
            const sent = seen.requests.find((r) => r.url === `${api}${call}` && r.method === "GET")
            assert.isDefined(sent, `the browser did not call GET ${call}`)
            assert.strictEqual(sent?.headers["authorization"], `Bearer ${String(token)}`)
          }

          const wire = JSON.stringify(seen)
          assert.notInclude(wire, expected.clientSecret, "the client secret in what the browser sent or received")
          assert.notInclude(shown.html, expected.clientSecret, "the client secret in the DOM")
          assert.notInclude(shown.text, expected.clientSecret, "the client secret in the page's text")
        }),
      120_000
    )
  })
}
