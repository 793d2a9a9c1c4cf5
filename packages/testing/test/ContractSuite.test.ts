import { describe, it } from "@effect/vitest"
import { ContractSuite } from "@katanemo/testing"
import * as Effect from "effect/Effect"
import { memory, promises, socket, transports, wire } from "./targets.js"

const targets = [
  ["the in-memory layer", memory],
  ["the live client over the wire-level fake (HttpClientTransport)", wire],
  ...transports.map(([name, transport]) =>
    [`the live client against the server on a socket, over ${name}`, socket(transport)] as const
  ),
  ["the Promise API (KatanemoIdentity) against the server on a socket", promises]
] as const

for (const [name, target] of targets) {
  describe(`contract: ${name}`, () => {
    for (const rule of ContractSuite.cases) {
      it.effect(rule.name, () => Effect.provide(rule.run, target(rule.options)))
    }
  })
}
