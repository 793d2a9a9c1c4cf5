/**
 * The contract suite with its client in two edge runtimes: every case's calls run there on
 * `FetchTransport`, against the local API over a real socket.
 *
 * - workerd, Cloudflare's runtime, through miniflare: the bridge as a module Worker in its own
 *   process, each call a request to it; its `fetch` to the local API leaves from workerd.
 * - `@edge-runtime/vm`, the Edge Runtime of Vercel's middleware: the bridge as a script in a VM
 *   context with the edge globals only (no `require`, no `process`, no Node built-in).
 */
import { EdgeVM } from "@edge-runtime/vm"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { ContractSuite } from "@katanemo/testing"
import * as Effect from "effect/Effect"
import { Miniflare } from "miniflare"
import * as LocalApi from "../src/LocalApi.js"
import type { Bridge, BridgeMessage } from "./runtimes/protocol.js"
import * as Remote from "./runtimes/Remote.js"
import { target } from "./runtimes/target.js"

interface Runtime {
  readonly name: string
  /** Starts the runtime with the bridge loaded: the bridge, and how to stop the runtime. */
  readonly start: () => Promise<{ readonly bridge: Bridge; readonly stop: () => Promise<void> }>
}

/** A bridge whose every call is a message to `send`. */
const messages = (send: (message: BridgeMessage) => Promise<string>): Bridge => ({
  open: (...args) => send({ method: "open", args }).then(() => undefined),
  call: (...args) => send({ method: "call", args }),
  abort: (...args) => send({ method: "abort", args }).then(() => undefined),
  close: (...args) => send({ method: "close", args }).then(() => undefined)
})

const runtimes: ReadonlyArray<Runtime> = [
  {
    name: "workerd (miniflare)",
    start: async () => {
      const { code } = await Effect.runPromise(Remote.bundle("worker.ts"))
      // the compatibility date may not be later than the workerd that miniflare brings
      const worker = new Miniflare({
        modules: true,
        script: code,
        scriptPath: "bridge.mjs",
        compatibilityDate: "2026-07-30"
      })
      await worker.ready
      const bridge = messages(async (message) => {
        const response = await worker.dispatchFetch("http://bridge.test/", {
          method: "POST",
          body: JSON.stringify(message)
        })
        const text = await response.text()
        if (response.status !== 200) throw new Error(`the worker answered ${response.status}: ${text}`)
        return text
      })
      return { bridge, stop: () => worker.dispose() }
    }
  },
  {
    name: "@edge-runtime/vm",
    start: async () => {
      const { code } = await Effect.runPromise(Remote.bundle("bridge.ts"))
      const vm = new EdgeVM()
      vm.evaluate(code)
      const bridge = vm.evaluate<Bridge | undefined>("globalThis.katanemoBridge")
      if (bridge === undefined) throw new Error("the bridge did not load in the edge VM")
      return { bridge, stop: () => Promise.resolve() }
    }
  }
]

for (const runtime of runtimes) {
  describe(`contract: the client in ${runtime.name} on FetchTransport, against the local API`, () => {
    let started: Awaited<ReturnType<Runtime["start"]>> | undefined
    const bridge = () => {
      if (started === undefined) throw new Error(`${runtime.name} did not start`)
      return started.bridge
    }

    beforeAll(async () => {
      started = await runtime.start()
    }, 120_000)

    afterAll(async () => {
      await started?.stop()
    })

    for (const rule of ContractSuite.cases) {
      it.effect(rule.name, () => Effect.provide(rule.run, target(bridge)(rule.options)))
    }
  })
}

describe("the Promise API in @edge-runtime/vm", () => {
  // it.live: the local API's own clock; nothing here is timed
  it.live("with no transport given it takes fetch (there is no process), and answers typed errors", () =>
    Effect.gen(function*() {
      const { code } = yield* Remote.bundle("facade.ts")
      const vm = new EdgeVM()
      vm.evaluate(code)
      const check = vm.evaluate<typeof globalThis.katanemoFacadeCheck>("globalThis.katanemoFacadeCheck")
      if (check === undefined) throw new Error("the Promise API's check did not load in the edge VM")
      const baseUrl = yield* LocalApi.url
      const outcome = yield* Effect.promise(() => check(baseUrl, "tok_facade"))
      assert.deepStrictEqual(outcome, { users: ["ada@acme.example"], missing: "NotFoundException" })
    }).pipe(Effect.provide(LocalApi.layer({ port: 0, validTokens: ["tok_facade"] }))))
})
