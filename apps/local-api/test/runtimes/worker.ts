/**
 * The bridge as a module Worker, for workerd: each request is one {@link BridgeMessage}, answered
 * with the bridge's answer as text. The clients and calls live in the isolate between requests.
 */
import * as Schema from "effect/Schema"
import "./bridge.js"
import { BridgeMessage, FacadeOutcome } from "./protocol.js"

const answer = async (message: typeof BridgeMessage.Type): Promise<string> => {
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
    case "facade":
      return bridge.facade(...message.args).then(Schema.encodeSync(Schema.parseJson(FacadeOutcome)))
  }
}

export default {
  fetch: async (request: Request): Promise<Response> =>
    new Response(await answer(Schema.decodeUnknownSync(BridgeMessage)(await request.text())))
}
