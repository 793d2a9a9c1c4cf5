/**
 * The request log line's redaction: the client's length rule, and tokens percent-encoded in the path.
 */
import { assert, describe, it } from "@effect/vitest"
import * as RequestLog from "../src/RequestLog.js"

const line = (url: string, secrets: ReadonlyArray<string>) =>
  RequestLog.line({ method: "GET", url, status: 404, millis: 1, requestId: "req_1", secrets })

describe("RequestLog.line", () => {
  it("blanks a token of 8 characters or more, as the client's scrubber does, and keeps shorter ones", () => {
    assert.strictEqual(RequestLog.minSecretLength, 8)
    assert.strictEqual(line("/org/acme/tok_8chr", ["tok_8chr"]), "GET /org/acme/<redacted> 404 1ms req_1")
    // a 7-character "secret" would blank ordinary path segments (`/org/acme/keys` for `keys`)
    assert.strictEqual(line("/org/acme/users12", ["users12"]), "GET /org/acme/users12 404 1ms req_1")
  })

  it("blanks a token percent-encoded in the path, in part or whole, hex in either case", () => {
    const token = "tok_local"
    for (
      const path of [
        "/org/acme/tok%5Flocal",
        "/org/acme/tok%5flocal",
        "/org/acme/%74%6F%6B%5F%6C%6F%63%61%6C",
        "/org/acme/%74%6f%6b_local"
      ]
    ) {
      const logged = line(`${path}?x=1`, [token])
      assert.strictEqual(logged, "GET /org/acme/<redacted> 404 1ms req_1", path)
    }
    const unicode = "tøk_lôcal_ü"
    assert.strictEqual(
      line(`/org/${encodeURIComponent(unicode)}/user`, [unicode]),
      "GET /org/<redacted>/user 404 1ms req_1"
    )
  })

  it("a bad escape in the path does not throw, and a token next to it is still blanked", () => {
    const logged = line("/org/acme/user/%E0%A4%A/tok_local/%", ["tok_local"])
    assert.strictEqual(logged, "GET /org/acme/user/%E0%A4%A/<redacted>/% 404 1ms req_1")
  })

  it("a token with regex metacharacters is matched literally", () => {
    assert.strictEqual(line("/a/t.k+(x)*[y]$/b", ["t.k+(x)*[y]$"]), "GET /a/<redacted>/b 404 1ms req_1")
    assert.strictEqual(line("/a/tXk+(x)*[y]$/b", ["t.k+(x)*[y]$"]), "GET /a/tXk+(x)*[y]$/b 404 1ms req_1")
  })
})
