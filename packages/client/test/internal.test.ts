import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as FastCheck from "effect/FastCheck"
import * as Option from "effect/Option"
import * as fs from "node:fs"
import { isRetryableStatus, parseRetryAfter } from "../src/internal/retry.js"
import { minimumLength, scrubber } from "../src/internal/scrub.js"
import { version } from "../src/internal/version.js"

describe("parseRetryAfter", () => {
  const now = Date.UTC(2026, 10, 28, 12, 0, 0)
  const ms = (value: string | undefined) => Option.map(parseRetryAfter(value, now), Duration.toMillis)

  it("reads delay-seconds", () => {
    assert.deepStrictEqual(ms("0"), Option.some(0))
    assert.deepStrictEqual(ms("12"), Option.some(12_000))
    assert.deepStrictEqual(ms(" 1.5 "), Option.some(1500))
  })

  it("reads an HTTP date relative to now, in its three forms; a past date means no wait", () => {
    assert.deepStrictEqual(ms("Sat, 28 Nov 2026 12:00:30 GMT"), Option.some(30_000))
    assert.deepStrictEqual(ms("Saturday, 28-Nov-26 12:00:10 GMT"), Option.some(10_000))
    assert.deepStrictEqual(ms("Sat Nov 28 12:00:20 2026"), Option.some(20_000))
    assert.deepStrictEqual(ms("Sat, 28 Nov 2026 11:00:00 GMT"), Option.some(0))
  })

  it("caps at 60 seconds", () => {
    assert.deepStrictEqual(ms("86400"), Option.some(60_000))
    assert.deepStrictEqual(ms("Sun, 29 Nov 2026 12:00:00 GMT"), Option.some(60_000))
  })

  it("ignores what is neither", () => {
    for (
      const value of [undefined, "", "soon", "-1", "1e3", "Infinity", "12abc", "2026", "foo 2099", "Mon 5", "x 1"]
    ) {
      assert.deepStrictEqual(ms(value), Option.none(), String(value))
    }
  })
})

describe("retryable statuses", () => {
  it("idempotent methods retry 429 and 5xx gateway errors; POST only 429", () => {
    for (const method of ["GET", "PUT", "DELETE"]) {
      assert.deepStrictEqual([429, 500, 502, 503, 504].map((s) => isRetryableStatus(method, s)), [
        true,
        true,
        true,
        true,
        true
      ])
      assert.deepStrictEqual([400, 401, 404, 409, 501].map((s) => isRetryableStatus(method, s)), [
        false,
        false,
        false,
        false,
        false
      ])
    }
    assert.deepStrictEqual([429, 500, 502, 503, 504].map((s) => isRetryableStatus("POST", s)), [
      true,
      false,
      false,
      false,
      false
    ])
  })
})

describe("version", () => {
  it("matches package.json (the User-Agent sends it)", () => {
    const manifest: { readonly version: string } = JSON.parse(
      fs.readFileSync(new URL("../package.json", import.meta.url), "utf8")
    )
    assert.strictEqual(version, manifest.version)
  })
})

describe("parseRetryAfter on garbage", () => {
  it("any header value asks for nothing, or for a wait from 0 to 60 s", () =>
    FastCheck.assert(
      FastCheck.property(
        FastCheck.oneof(
          FastCheck.string({ maxLength: 64 }),
          FastCheck.stringMatching(/^[-+ ]?\d{0,400}(\.\d{0,20})?(e\d{1,4})? ?$/),
          FastCheck.double().map(String),
          FastCheck.date({ noInvalidDate: false }).map((d) => Number.isNaN(d.getTime()) ? "Invalid" : d.toUTCString())
        ),
        (value) => {
          const wait = parseRetryAfter(value, Date.UTC(2026, 10, 28))
          if (Option.isSome(wait)) {
            const ms = Duration.toMillis(wait.value)
            assert.isTrue(ms >= 0 && ms <= 60_000, `${JSON.stringify(value)} asked for ${ms} ms`)
          }
        }
      ),
      { numRuns: 2000, seed: 20261128 }
    ))
})

describe("scrubber", () => {
  it("replaces the token as written and as JSON escapes it", () => {
    const scrub = scrubber("tok_\"quoted\"_secret")
    assert.strictEqual(scrub("a tok_\"quoted\"_secret b"), "a <redacted> b")
    assert.strictEqual(scrub("{\"m\":\"tok_\\\"quoted\\\"_secret\"}"), "{\"m\":\"<redacted>\"}")
  })

  it(`leaves text alone for a token shorter than ${minimumLength} characters, which ordinary text holds`, () => {
    assert.strictEqual(scrubber("t")("exists"), "exists")
    assert.strictEqual(scrubber("tok_loc")("tok_loc"), "tok_loc")
    assert.strictEqual(scrubber("tok_loca")("tok_loca"), "<redacted>")
  })
})
