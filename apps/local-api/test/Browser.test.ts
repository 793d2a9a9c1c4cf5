/**
 * The contract suite with its client in a real headless Chromium: every case's calls run in the
 * browser on `FetchTransport`, from a page at `http://localhost:<port>` (a dev server's origin,
 * served by the test) to the local API on another port, through its CORS. Chromium is the one
 * installed on the machine (`.ci/run` installs Debian's); where there is none, the suite is
 * skipped with a line that says how to install it, and under `CI=true` that is a failure.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { IdentityApi } from "@katanemo/client"
import { ContractSuite, IdentityStore } from "@katanemo/testing"
import * as Effect from "effect/Effect"
import * as Chromium from "katanemo-testkit/Chromium"
import * as Http from "node:http"
import type { Bridge } from "./runtimes/protocol.js"
import * as Remote from "./runtimes/Remote.js"
import { facadeCheck, target } from "./runtimes/target.js"

const located = Chromium.locate()

/**
 * The bridge in the page, each call an `evaluate` of the page's `katanemoBridge` (each function is
 * sent to the page as its source: it can use only its arguments and the page's globals).
 */
const pageBridge = (page: Chromium.Page): Bridge => {
  const loaded = <A>(answer: A | undefined): A => {
    if (answer === undefined) throw new Error("the bridge is not loaded in the page")
    return answer
  }
  return {
    open: (client, baseUrl, token) =>
      page.evaluate(
        ([client, baseUrl, token]) => globalThis.katanemoBridge?.open(client, baseUrl, token),
        [
          client,
          baseUrl,
          token
        ] as const
      ),
    call: (client, call, request) =>
      page.evaluate(
        ([client, call, request]) => globalThis.katanemoBridge?.call(client, call, request),
        [
          client,
          call,
          request
        ] as const
      ).then(loaded),
    abort: (call) => page.evaluate((call) => globalThis.katanemoBridge?.abort(call), call),
    close: (client) => page.evaluate((client) => globalThis.katanemoBridge?.close(client), client),
    facade: (baseUrl, token) =>
      page.evaluate(([baseUrl, token]) => globalThis.katanemoBridge?.facade(baseUrl, token), [baseUrl, token] as const)
        .then(loaded)
  }
}

/** A server for the page itself, on a free port of 127.0.0.1: the page's own origin. */
const servePage = (): Promise<Http.Server> =>
  new Promise((resolve, reject) => {
    const server = Http.createServer((_, response) => {
      response.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>contract</title>")
    })
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => resolve(server))
  })

if (located._tag === "Missing") {
  describe("contract: the client in Chromium", () => {
    it.skip(`every case in Chromium (${located.skip})`, () => {})
  })
} else {
  describe("contract: the client in Chromium on FetchTransport, against the local API with CORS", () => {
    let browser: Chromium.Browser | undefined
    let pageServer: Http.Server | undefined
    let bridge: Bridge | undefined
    let page: Chromium.Page | undefined
    let bundled: ReadonlyArray<string> = []
    const current = () => {
      if (bridge === undefined) throw new Error("Chromium did not start")
      return bridge
    }
    const currentPage = () => {
      if (page === undefined) throw new Error("Chromium did not start")
      return page
    }

    beforeAll(async () => {
      const { code, inputs } = await Effect.runPromise(Remote.bundle("bridge.ts"))
      bundled = inputs
      pageServer = await servePage()
      browser = await Chromium.launch(located.executablePath)
      page = await browser.newPage()
      const address = pageServer.address()
      if (address === null || typeof address === "string") throw new Error("the page's server has no port")
      // localhost, as a dev server's URL: one of the local API's default CORS origins
      await page.goto(`http://localhost:${address.port}/`)
      await page.addScriptTag({ content: code })
      bridge = pageBridge(page)
    }, 120_000)

    // each closed on its own, also when the other failed or never started
    afterAll(async () => {
      try {
        await browser?.close()
      } finally {
        await new Promise((resolve) => pageServer === undefined ? resolve(undefined) : pageServer.close(resolve))
      }
    })

    for (const rule of ContractSuite.cases) {
      it.effect(rule.name, () => Effect.provide(rule.run, target(current)(rule.options)))
    }

    // it.live: the local API's own clock; nothing here is timed
    it.live("the Promise API with no transport given takes fetch, in a browser bundle without undici", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(bundled.filter((input) => input.includes("/undici/")), [], "undici in the bundle")
        assert.isTrue(bundled.some((input) => input.endsWith("KatanemoIdentity.js")), "the Promise API in the bundle")
        yield* facadeCheck(current)
      }))

    // it.scopedLive: the local API's own clock; nothing here is timed
    it.scopedLive("with a process global that says Node, undici mapped away by the bundle: still fetch", () =>
      Effect.gen(function*() {
        const page = currentPage()
        yield* Effect.acquireRelease(
          Effect.promise(() =>
            page.evaluate(() => {
              Object.assign(globalThis, { process: { versions: { node: "20.20.2" } } })
            })
          ),
          () => Effect.promise(() => page.evaluate(() => Reflect.deleteProperty(globalThis, "process")))
        )
        yield* facadeCheck(current)
      }))

    it.effect("an origin the local API does not allow: the browser refuses the answer, a TransportError", () =>
      Effect.gen(function*() {
        const identity = yield* IdentityApi
        const error = yield* Effect.flip(identity.getUsersForAccount({ accountId: "acme" }))
        assert.strictEqual(error._tag, "TransportError", String(error))
        // the API was up, and answered the preflight with no allow-origin: the call never reached the store
        const wire = yield* ContractSuite.Wire
        assert.strictEqual((yield* wire.send({ method: "GET", path: "/org/acme/user" })).status, 200)
        assert.deepStrictEqual((yield* (yield* IdentityStore).calls).map((call) => call.operation), [
          "getUsersForAccount"
        ])
      }).pipe(Effect.provide(target(current, ["http://admin.example"])({}))))
  })
}
