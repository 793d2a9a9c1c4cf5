import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { IdentityApi } from "@katanemo/client"
import { ContractSuite } from "@katanemo/testing"
import * as Effect from "effect/Effect"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LocalApi from "../src/LocalApi.js"

/** The live client against the local API on a free port, with the store behind it. */
const target = (options: ContractSuite.TargetOptions) =>
  Layer.unwrapEffect(
    Effect.map(LocalApi.url, (baseUrl) => IdentityApi.layer({ baseUrl, token: options.token, maxRetries: 0 }))
  ).pipe(
    Layer.provide(NodeHttpClient.layerUndici),
    Layer.provideMerge(LocalApi.layer({ ...options, port: 0 })),
    Layer.orDie
  )

describe("contract: the live client against the local API over a real socket", () => {
  for (const rule of ContractSuite.cases) {
    it.effect(rule.name, () => Effect.provide(rule.run, target(rule.options)))
  }
})

const fetchText = (url: string) =>
  Effect.promise(async () => {
    const response = await fetch(url)
    return { status: response.status, type: response.headers.get("content-type") ?? "", body: await response.text() }
  })

describe("the local API's extras", () => {
  it.live("serves /openapi.json with its own URL, and Swagger UI at /docs from local assets", () =>
    Effect.gen(function*() {
      const url = yield* LocalApi.url
      const spec = yield* fetchText(`${url}/openapi.json`)
      assert.strictEqual(spec.status, 200)
      const document: unknown = JSON.parse(spec.body)
      assert.deepInclude(document, { openapi: "3.1.0", servers: [{ url }] })
      const docs = yield* fetchText(`${url}/docs`)
      assert.strictEqual(docs.status, 200)
      assert.include(docs.type, "text/html")
      assert.include(docs.body, "/docs/swagger-ui-bundle.js")
      for (const asset of ["swagger-ui-bundle.js", "swagger-ui.css"]) {
        const file = yield* fetchText(`${url}/docs/${asset}`)
        assert.strictEqual(file.status, 200, asset)
        assert.isAbove(file.body.length, 10_000, asset)
      }
      assert.strictEqual((yield* fetchText(`${url}/docs/../package.json`)).status, 404)
    }).pipe(Effect.provide(LocalApi.layer({ port: 0 }))))

  it.live("logs one line per request with its method, path and status", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      const capture = Logger.replace(
        Logger.defaultLogger,
        Logger.make(({ annotations, message }) =>
          lines.push(`${Inspectable.format(message)} ${Inspectable.format(Object.fromEntries(annotations))}`)
        )
      )
      yield* Effect.gen(function*() {
        const url = yield* LocalApi.url
        yield* fetchText(`${url}/org/acme/keys`)
        yield* fetchText(`${url}/org/acme/nothing`)
      }).pipe(Effect.provide(LocalApi.layer({ port: 0 })), Effect.provide(capture))
      const requests = lines.filter((line) => line.includes("http.method"))
      assert.lengthOf(requests, 2, lines.join("\n"))
      assert.include(requests[0], "/org/acme/keys")
      assert.include(requests[0], "200")
      assert.include(requests[1], "404")
    }))
})
