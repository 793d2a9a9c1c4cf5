/**
 * The contract suite with its client in a real headless Chromium: every case's calls run in the
 * browser on `FetchTransport`, from a page at `http://localhost:<port>` (a dev server's origin, served by
 * the test) to the local API on another port, through its CORS. Chromium is the one installed on the
 * machine (`.ci/run` installs Debian's); where there is none, the suite is skipped with a line
 * that says how to install it, and under `CI=true` that is a failure.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { IdentityApi } from "@katanemo/client"
import { AccountId } from "@katanemo/models"
import { ContractSuite } from "@katanemo/testing"
import * as Effect from "effect/Effect"
import * as Chromium from "katanemo-testkit/Chromium"
import * as Http from "node:http"
import * as LocalApi from "../src/LocalApi.js"
import type { Bridge } from "./runtimes/protocol.js"
import * as Remote from "./runtimes/Remote.js"
import { target } from "./runtimes/target.js"

const located = Chromium.locate()

/**
 * The bridge in the page, each call an `evaluate` of the page's `katanemoBridge` (each function is
 * sent to the page as its source: it can use only its arguments and the page's globals).
 */
const pageBridge = (page: Chromium.Page): Bridge => ({
  open: (client, baseUrl, token) =>
    page.evaluate(
      ([client, baseUrl, token]) => globalThis.katanemoBridge?.open(client, baseUrl, token),
      [client, baseUrl, token] as const
    ),
  call: async (client, call, request) => {
    const answer = await page.evaluate(
      ([client, call, request]) => globalThis.katanemoBridge?.call(client, call, request),
      [client, call, request] as const
    )
    if (answer === undefined) throw new Error("the bridge is not loaded in the page")
    return answer
  },
  abort: (call) => page.evaluate((call) => globalThis.katanemoBridge?.abort(call), call),
  close: (client) => page.evaluate((client) => globalThis.katanemoBridge?.close(client), client)
})

if (located._tag === "Missing") {
  describe("contract: the client in Chromium", () => {
    it.skip(`every case in Chromium (${located.skip})`, () => {})
  })
} else {
  describe("contract: the client in Chromium on FetchTransport, against the local API with CORS", () => {
    let browser: Chromium.Browser | undefined
    let bridge: Bridge | undefined
    let page: Chromium.Page | undefined
    let pageServer: Http.Server | undefined
    let facadeInputs: ReadonlyArray<string> = []
    const current = () => {
      if (bridge === undefined) throw new Error("Chromium did not start")
      return bridge
    }

    beforeAll(async () => {
      const [{ code }, facade] = await Effect.runPromise(
        Effect.all([Remote.bundle("bridge.ts"), Remote.bundle("facade.ts")], { concurrency: "unbounded" })
      )
      facadeInputs = facade.inputs
      browser = await Chromium.launch(located.executablePath)
      page = await browser.newPage()
      // the page's own origin: a server on another port of localhost, which the local API's CORS allows
      pageServer = Http.createServer((_, response) => {
        response.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>contract</title>")
      })
      await new Promise<void>((resolve) => pageServer?.listen(0, "127.0.0.1", resolve))
      const address = pageServer.address()
      if (address === null || typeof address === "string") throw new Error("the page server has no port")
      await page.goto(`http://localhost:${address.port}/`)
      await page.addScriptTag({ content: code })
      await page.addScriptTag({ content: facade.code })
      bridge = pageBridge(page)
    }, 120_000)

    afterAll(async () => {
      await browser?.close()
      await new Promise((resolve) => pageServer?.close(resolve))
    })

    for (const rule of ContractSuite.cases) {
      it.effect(rule.name, () => Effect.provide(rule.run, target(current)(rule.options)))
    }

    // it.live: the local API's own clock; nothing here is timed
    it.live("the Promise API with no transport given takes fetch, in a browser bundle without undici", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(facadeInputs.filter((input) => input.includes("/undici/")), [], "undici in the bundle")
        const baseUrl = yield* LocalApi.url
        const outcome = yield* Effect.promise(() => {
          if (page === undefined) throw new Error("Chromium did not start")
          return page.evaluate(
            ([baseUrl]) => globalThis.katanemoFacadeCheck?.(baseUrl, "tok_facade"),
            [baseUrl] as const
          )
        })
        assert.deepStrictEqual(outcome, { users: ["ada@acme.example"], missing: "NotFoundException" })
      }).pipe(Effect.provide(LocalApi.layer({ port: 0, validTokens: ["tok_facade"] }))))

    it.effect("an origin the local API does not allow: the browser refuses the answer, a TransportError", () =>
      Effect.gen(function*() {
        const identity = yield* IdentityApi
        const error = yield* Effect.flip(identity.getUsersForAccount({ accountId: AccountId.make("acme") }))
        assert.strictEqual(error._tag, "TransportError", String(error))
      }).pipe(Effect.provide(target(current, ["http://admin.example"])({}))))
  })
}
