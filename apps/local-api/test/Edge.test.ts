/**
 * The contract suite with its client in two edge runtimes: every case's calls run there on
 * `FetchTransport`, against the local API over a real socket; and the Promise API with its
 * default transport.
 *
 * - workerd, Cloudflare's runtime, through miniflare: the bridge as a module Worker in its own
 *   process, each call a request to it; its `fetch` to the local API leaves from workerd. With
 *   `nodejs_compat`, as most Workers run: `process.versions.node` is set there, and the Promise API
 *   must still not take undici.
 * - `@edge-runtime/vm`, the Edge Runtime of Vercel's middleware: the bridge as a script in a VM
 *   context with the edge globals only (no `require`, no `process`, no Node built-in).
 */
import { EdgeVM } from "@edge-runtime/vm"
import { afterAll, beforeAll, describe, it } from "@effect/vitest"
import { ContractSuite } from "@katanemo/testing"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { Miniflare, supportedCompatibilityDate } from "miniflare"
import { type Bridge, BridgeMessage, FacadeOutcome } from "./runtimes/protocol.js"
import * as Remote from "./runtimes/Remote.js"
import { facadeCheck, target } from "./runtimes/target.js"

interface Started {
  readonly bridge: Bridge
  readonly stop: () => Promise<void>
}

interface Runtime {
  readonly name: string
  /** Starts the runtime with the bridge loaded; a failed start leaves nothing running. */
  readonly start: () => Promise<Started>
}

/** A bridge whose every call is a message to `send`, answered with text. */
const messages = (send: (message: typeof BridgeMessage.Type) => Promise<string>): Bridge => ({
  open: (...args) => send({ method: "open", args }).then(() => undefined),
  call: (...args) => send({ method: "call", args }),
  abort: (...args) => send({ method: "abort", args }).then(() => undefined),
  close: (...args) => send({ method: "close", args }).then(() => undefined),
  facade: (...args) => send({ method: "facade", args }).then(Schema.decodeUnknownSync(Schema.parseJson(FacadeOutcome)))
})

const workerd: Runtime = {
  name: "workerd (miniflare)",
  start: async () => {
    const { code } = await Effect.runPromise(Remote.bundle("worker.ts"))
    const worker = new Miniflare({
      modules: true,
      script: code,
      scriptPath: "bridge.mjs",
      compatibilityDate: supportedCompatibilityDate,
      compatibilityFlags: ["nodejs_compat"]
    })
    try {
      await worker.ready
    } catch (error) {
      await worker.dispose()
      throw error
    }
    const bridge = messages(async (message) => {
      const response = await worker.dispatchFetch("http://bridge.test/", {
        method: "POST",
        body: Schema.encodeSync(BridgeMessage)(message)
      })
      const text = await response.text()
      if (response.status !== 200) throw new Error(`the worker answered ${response.status}: ${text}`)
      return text
    })
    return { bridge, stop: () => worker.dispose() }
  }
}

const edgeVm: Runtime = {
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

for (const runtime of [workerd, edgeVm]) {
  describe(`contract: the client in ${runtime.name} on FetchTransport, against the local API`, () => {
    let started: Started | undefined
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

    // it.live: the local API's own clock; nothing here is timed
    it.live("the Promise API with no transport given takes fetch, and answers typed errors", () => facadeCheck(bridge))
  })
}
