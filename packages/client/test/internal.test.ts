import * as Headers from "@effect/platform/Headers"
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as FastCheck from "effect/FastCheck"
import * as Option from "effect/Option"
import * as fs from "node:fs"
import { TimeoutError, TransportError } from "../src/Errors.js"
import { IdentityApi } from "../src/IdentityApi.js"
import { isRetryable, isRetryableStatus, parseRetryAfter, RetryableResponse } from "../src/internal/retry.js"
import { minimumLength, scrubber } from "../src/internal/scrub.js"
import { version } from "../src/internal/version.js"

describe("parseRetryAfter", () => {
  const now = Date.UTC(2026, 10, 28, 12, 0, 0)
  // Milliseconds, or "none". Not `assert.deepStrictEqual` on Options: chai finds `Option.none()` and
  // `Option.some(1500)` deeply equal (it compares them as iterables), so such an assertion cannot fail.
  const ms = (value: string | undefined): number | "none" =>
    Option.match(parseRetryAfter(value, now), { onNone: () => "none", onSome: Duration.toMillis })

  it("reads delay-seconds", () => {
    assert.strictEqual(ms("0"), 0)
    assert.strictEqual(ms("12"), 12_000)
    assert.strictEqual(ms(" 1.5 "), 1500)
    assert.strictEqual(ms("2.25"), 2250)
  })

  it("reads an HTTP date relative to now, in its three forms; a past date means no wait", () => {
    assert.strictEqual(ms("Sat, 28 Nov 2026 12:00:30 GMT"), 30_000)
    assert.strictEqual(ms("Saturday, 28-Nov-26 12:00:10 GMT"), 10_000)
    assert.strictEqual(ms("Sat Nov 28 12:00:20 2026"), 20_000)
    assert.strictEqual(ms("Tue Dec  8 12:00:05 2026"), 60_000)
    assert.strictEqual(ms("Sat, 28 Nov 2026 11:00:00 GMT"), 0)
  })

  it("caps at 60 seconds", () => {
    assert.strictEqual(ms("86400"), 60_000)
    assert.strictEqual(ms("2026"), 60_000) // delay-seconds, not a year
    assert.strictEqual(ms("Sun, 29 Nov 2026 12:00:00 GMT"), 60_000)
  })

  it("ignores what is neither", () => {
    for (
      const value of [undefined, "", "soon", "-1", "1e3", "Infinity", "12abc", "foo 2099", "Mon 5", "x 1"]
    ) {
      assert.strictEqual(ms(value), "none", String(value))
    }
  })

  // Date.parse reads all of these (as a date in the past or the future); only the three forms count.
  it("ignores a date that is almost one of the three forms", () => {
    for (
      const value of [
        "xSat, 28 Nov 2026 12:00:30 GMT",
        "Sat, 28 Nov 2026 12:00:30 GMT-0100",
        "Sat, 8 Nov 2026 12:00:30 GMT",
        "Sat, 28 Nov 26 12:00:30 GMT",
        "Sat, 28 Nov 2026 2:00:30 GMT",
        "Sat, 28 Nov 2026 12:0:30 GMT",
        "Sat, 28 Nov 2026 12:00:3 GMT",
        "x Saturday, 28-Nov-26 12:00:10 GMT",
        "Saturday, 28-Nov-26 12:00:10 GMT-0100",
        "Saturday, 8-Nov-26 12:00:10 GMT",
        "Saturday, 28-Nov-6 12:00:10 GMT",
        "Saturday, 28-Nov-26 2:00:10 GMT",
        "Saturday, 28-Nov-26 12:0:10 GMT",
        "Saturday, 28-Nov-26 12:00:1 GMT",
        "x Sat Nov 28 12:00:20 2026",
        "Sat Nov 28 12:00:20 2026 -0100",
        "Sat Nov 8 12:00:20 2026",
        "Sat Nov 28 2:00:20 2026",
        "Sat Nov 28 12:0:20 2026",
        "Sat Nov 28 12:00:2 2026",
        "Sat Nov 28 12:00:20 6"
      ]
    ) {
      assert.isFalse(Number.isNaN(Date.parse(value)), `Date.parse reads ${value}`)
      assert.strictEqual(ms(value), "none", value)
    }
  })
})

describe("retryable statuses", () => {
  it("idempotent methods retry 429 and 5xx gateway errors; POST only 429", () => {
    for (const method of ["GET", "PUT", "DELETE"]) {
      assert.deepStrictEqual([429, 500, 502, 503, 504].map((s) => isRetryableStatus(method !== "POST", s)), [
        true,
        true,
        true,
        true,
        true
      ])
      assert.deepStrictEqual([400, 401, 404, 409, 501].map((s) => isRetryableStatus(method !== "POST", s)), [
        false,
        false,
        false,
        false,
        false
      ])
    }
    assert.deepStrictEqual([429, 500, 502, 503, 504].map((s) => isRetryableStatus(false, s)), [
      true,
      false,
      false,
      false,
      false
    ])
  })
})

describe("idempotent operations", () => {
  it("every one but the two that create: the token exchange too (trading a key again only issues another token)", () => {
    const creating = Object.entries(IdentityApi.endpoints).filter(([, endpoint]) => !endpoint.idempotent).map((
      [name]
    ) => name)
    assert.deepStrictEqual(creating, ["createClientKey", "createUserForAccount"])
  })
})

describe("retry decisions", () => {
  const call = { operation: "getUser", method: "GET", path: "/x" }
  const transport = (reason: TransportError["reason"]) => new TransportError({ ...call, reason, detail: "d" })
  const inputs = [
    ["a 503", new RetryableResponse({ status: 503, headers: Headers.empty, body: "", requestId: undefined })],
    ["a 429", new RetryableResponse({ status: 429, headers: Headers.empty, body: "", requestId: undefined })],
    ["a refused connection", transport("ConnectionRefused")],
    ["a transport failure", transport("Transport")],
    ["a response too large", transport("ResponseTooLarge")],
    ["an attempt timeout", new TimeoutError({ ...call, scope: "attempt", timeoutMillis: 1 })]
  ] as const

  it("idempotent methods retry all but a response too large; POST only what the server cannot have acted on", () => {
    const decisions = (method: string) =>
      inputs.map(([name, input]) => `${name}: ${isRetryable(method !== "POST")(input)}`)
    for (const method of ["GET", "PUT", "DELETE"]) {
      assert.deepStrictEqual(decisions(method), [
        "a 503: true",
        "a 429: true",
        "a refused connection: true",
        "a transport failure: true",
        "a response too large: false",
        "an attempt timeout: true"
      ], method)
    }
    assert.deepStrictEqual(decisions("POST"), [
      "a 503: false",
      "a 429: true",
      "a refused connection: true",
      "a transport failure: false",
      "a response too large: false",
      "an attempt timeout: false"
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
