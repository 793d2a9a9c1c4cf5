/**
 * The API's documentation: `/openapi.json`, derived from the contract, and Swagger UI at `/docs`,
 * served from the `swagger-ui-dist` package (no CDN: it works offline).
 */
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import { OpenApi } from "@katanemo/testing"
import * as Effect from "effect/Effect"
import * as fs from "node:fs"
import { createRequire } from "node:module"
import * as path from "node:path"

const swaggerDir = path.dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"))

const assets: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8"
}

const page = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <title>Katanemo Identity API (local)</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css" />
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script>
    window.onload = () => { window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui" }) }
  </script>
</body>
</html>
`

/** Answers the documentation routes, or nothing for any other path. */
export const route = (
  method: string,
  pathname: string,
  serverUrl: string
): Effect.Effect<HttpServerResponse.HttpServerResponse> | undefined => {
  if (method !== "GET") return undefined
  if (pathname === "/openapi.json") {
    return Effect.succeed(HttpServerResponse.unsafeJson(OpenApi.make({ serverUrl })))
  }
  if (pathname === "/docs" || pathname === "/docs/") return Effect.succeed(HttpServerResponse.html(page))
  const asset = pathname.startsWith("/docs/") ? pathname.slice("/docs/".length) : undefined
  const contentType = asset === undefined ? undefined : assets[asset]
  if (asset === undefined || contentType === undefined) return undefined
  return Effect.sync(() =>
    HttpServerResponse.uint8Array(fs.readFileSync(path.join(swaggerDir, asset)), {
      contentType,
      headers: { "cache-control": "public, max-age=3600" }
    })
  )
}
