/**
 * One timer on the `Clock` in context, for an attempt's timeout: a plain `setTimeout` on the live
 * clock, and a sleep on any other clock (the `TestClock` in tests), so that tests drive it like
 * every other wait.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberId from "effect/FiberId"

/** The prototype of the live clock (`Clock.make()`), to tell it from any other. */
const liveClock: unknown = Object.getPrototypeOf(Clock.make())

/** The longest delay `setTimeout` takes; a longer one is treated as never firing, as Effect's clock does. */
const maxTimerMillis = 2 ** 31 - 1

const never = () => {}

/** Runs `task` once `millis` have passed on `clock`, unless the answered function cancels it first. */
export const schedule = (clock: Clock.Clock, millis: number, task: () => void): () => void => {
  if (Object.getPrototypeOf(clock) === liveClock) {
    if (millis > maxTimerMillis) return never
    const handle = setTimeout(task, millis)
    return () => clearTimeout(handle)
  }
  const fiber = Effect.runFork(Effect.andThen(clock.sleep(Duration.millis(millis)), Effect.sync(task)))
  return () => fiber.unsafeInterruptAsFork(FiberId.none)
}
