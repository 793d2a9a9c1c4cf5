/** Where the browser tests find Chromium, and what they do without it. */
import { assert, describe, it } from "@effect/vitest"
import * as Chromium from "../src/Chromium.js"

const nowhere = ["/nonexistent/chromium"]

describe("Chromium.locate", () => {
  it("without Chromium, a skip line that says how to install it", () => {
    const located = Chromium.locate({}, nowhere)
    assert.deepStrictEqual(located, {
      _tag: "Missing",
      skip: `skipped: Chromium not found; ${Chromium.installHint}`
    })
    assert.include(Chromium.installHint, "apt-get install chromium")
  })

  it("without Chromium under CI=true, an error: CI installs it", () => {
    assert.throws(() => Chromium.locate({ CI: "true" }, nowhere), /CI=true but no Chromium was found/)
  })

  it("KATANEMO_CHROMIUM wins over the usual paths, and must exist", () => {
    assert.deepStrictEqual(Chromium.locate({ KATANEMO_CHROMIUM: process.execPath }, ["/bin/sh"]), {
      _tag: "Found",
      executablePath: process.execPath
    })
    assert.throws(() => Chromium.locate({ KATANEMO_CHROMIUM: "/nonexistent/chrome" }), /does not exist/)
  })

  it("else the first usual path that exists", () => {
    assert.deepStrictEqual(Chromium.locate({ CI: "true" }, ["/nonexistent/a", process.execPath, "/bin/sh"]), {
      _tag: "Found",
      executablePath: process.execPath
    })
  })
})
