/**
 * The bridge as a module Worker, for workerd: each request is one {@link BridgeMessage}, answered
 * with the bridge's answer as text. The clients and calls live in the isolate between requests.
 */
import "./bridge.js"
import type { BridgeMessage } from "./protocol.js"

const answer = async (message: BridgeMessage): Promise<string> => {
  const bridge = globalThis.katanemoBridge
  if (bridge === undefined) throw new Error("the bridge is not loaded")
  switch (message.method) {
    case "open":
      return bridge.open(...message.args).then(() => "")
    case "call":
      return bridge.call(...message.args)
    case "abort":
      return bridge.abort(...message.args).then(() => "")
    case "close":
      return bridge.close(...message.args).then(() => "")
  }
}

export default {
  fetch: async (request: Request): Promise<Response> => {
    const message: BridgeMessage = JSON.parse(await request.text())
    return new Response(await answer(message))
  }
}
