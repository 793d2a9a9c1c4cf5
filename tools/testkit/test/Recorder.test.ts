/**
 * The recorder shows every part of a log line and of a span: each part below carries its own
 * marker, and each marker must be found. A secrets audit built on the recorder can only be as
 * good as this.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { recording, recordingSpans } from "../src/Recorder.js"

class Failed extends Schema.TaggedError<Failed>()("Failed", { field: Schema.String }) {}

describe("recording", () => {
  it.effect("renders every part of a log line, at every level", () =>
    Effect.gen(function*() {
      const { logs } = yield* recording(Effect.gen(function*() {
        yield* Effect.logTrace("m-trace-message")
        yield* Effect.logDebug("m-debug-message")
        yield* Effect.logError("with a cause", Cause.fail("m-cause-failure"))
        yield* Effect.logWarning("with a failure's fields", Cause.fail(new Failed({ field: "m-cause-field" })))
        yield* Effect.logInfo("annotated").pipe(Effect.annotateLogs("key", "m-annotation"))
        yield* Effect.logInfo("in a log span").pipe(Effect.withLogSpan("m-log-span"))
        yield* Effect.logInfo(["first", { nested: "m-nested-message" }])
      }))
      const all = logs.join("\n")
      for (
        const marker of [
          "m-trace-message",
          "m-debug-message",
          "m-cause-failure",
          "m-cause-field",
          "m-annotation",
          "m-log-span",
          "m-nested-message"
        ]
      ) {
        assert.include(all, marker, `a log line's part is missing: ${marker}`)
      }
    }))

  it.effect("renders every part of a span: attributes, events, links and a failure's status", () =>
    Effect.gen(function*() {
      const { exit, spans } = yield* recording(Effect.gen(function*() {
        const linked = yield* Effect.makeSpan("linked")
        yield* Effect.void.pipe(
          Effect.withSpan("m-span-name", { attributes: { key: "m-attribute" } }),
          Effect.linkSpans(linked, { key: "m-link-attribute" })
        )
        yield* Effect.gen(function*() {
          yield* Effect.annotateCurrentSpan("later", "m-annotated-attribute")
          const span = yield* Effect.currentSpan
          span.event("m-event-name", 0n, { key: "m-event-attribute" })
          // a log line inside a span is an event of the span too, even at trace level
          yield* Effect.logTrace("m-logged-event")
        }).pipe(Effect.withSpan("events"))
        yield* Effect.fail(new Failed({ field: "m-status-field" })).pipe(Effect.withSpan("fails"))
      }))
      assert.isTrue(Exit.isFailure(exit))
      const all = spans.join("\n")
      for (
        const marker of [
          "m-span-name",
          "m-attribute",
          "m-link-attribute",
          "m-annotated-attribute",
          "m-event-name",
          "m-event-attribute",
          "m-logged-event",
          "m-status-field"
        ]
      ) {
        assert.include(all, marker, `a span's part is missing: ${marker}`)
      }
    }))

  it.effect("shows a Redacted value as <redacted>, not its value", () =>
    Effect.gen(function*() {
      const secret = Redacted.make("m-secret-value")
      const { logs, spans } = yield* recording(
        Effect.logTrace("secret", secret).pipe(
          Effect.annotateLogs("secret", secret),
          Effect.withSpan("s", { attributes: { secret } })
        )
      )
      assert.isNotEmpty(logs)
      for (const text of [...logs, ...spans]) assert.notInclude(text, "m-secret-value")
      assert.include(logs.join(""), "<redacted>")
    }))

  it.effect("recordingSpans answers the spans in the order they started, ended", () =>
    Effect.gen(function*() {
      const spans = yield* recordingSpans(
        Effect.void.pipe(Effect.withSpan("inner"), Effect.withSpan("outer"))
      )
      assert.deepStrictEqual(spans.map((span) => [span.name, span.status._tag]), [
        ["outer", "Ended"],
        ["inner", "Ended"]
      ])
    }))
})
