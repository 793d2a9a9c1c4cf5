/**
 * Moves a `TestClock` on when a test is stuck waiting for it, so that the live client's retry
 * waits over the fake finish on their own instead of hanging the test.
 *
 * @internal
 */
import * as Chunk from "effect/Chunk"
import type * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as TestClock from "effect/TestClock"

/**
 * How many event-loop turns nothing may change before the clock is moved. `TestClock.adjust`
 * takes three turns to see the fibers settle: a test that moves the clock itself always does so
 * well within this, so the driver never moves time behind its back.
 */
export const quietTurns = 16

/**
 * One turn of the event loop (a real timer of 0 ms, not a sleep on the `TestClock`): every
 * microtask and every earlier timer has run after it. Tests use it too.
 */
export const turn: Effect.Effect<void> = Effect.async<void>((resume) => {
  const timer = setTimeout(() => resume(Effect.void), 0)
  return Effect.sync(() => clearTimeout(timer))
})

/** A `TestClock` keeps its place among the default services as the `Clock`; it has more methods. */
const isTestClock = (clock: Clock.Clock): clock is Clock.Clock & TestClock.TestClock =>
  "adjust" in clock && typeof clock.adjust === "function" && "sleeps" in clock && "setTime" in clock

/** The `TestClock` of the fiber that runs this, when it runs on one (as `it.effect` does). */
export const currentTestClock: Effect.Effect<Option.Option<TestClock.TestClock>> = Effect.clockWith((clock) =>
  Effect.succeed(isTestClock(clock) ? Option.some(clock) : Option.none())
)

/**
 * Runs forever (fork it, scoped): whenever the clock's time, its pending sleeps and `activity`
 * (a counter of requests, say) stay the same for {@link quietTurns} turns while sleeps are
 * pending, nothing but time can move the test on: the clock moves to the earliest pending sleep.
 */
export const drive = (clock: TestClock.TestClock, activity: Effect.Effect<number>): Effect.Effect<never> =>
  Effect.gen(function*() {
    let last = ""
    let quiet = 0
    while (true) {
      yield* turn
      const sleeps = yield* clock.sleeps
      const now = yield* clock.currentTimeMillis
      const state = `${now}/${Chunk.size(sleeps)}/${yield* activity}`
      quiet = state === last ? quiet + 1 : 0
      last = state
      if (quiet >= quietTurns && Chunk.isNonEmpty(sleeps)) {
        const next = Chunk.reduce(sleeps, Infinity, (min, at) => Math.min(min, at))
        yield* clock.adjust(Duration.millis(Math.max(0, next - now)))
        quiet = 0
      }
    }
  })
