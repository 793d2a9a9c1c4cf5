/**
 * The checks of the options a client and a call share, and how a bad value is shown in a
 * message: options may come from an untyped caller, so showing one must never throw nor grow
 * without bound.
 *
 * @internal
 */
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"

/**
 * The most retries a client or a call may ask for: with waits of up to 8 s (60 s on
 * `Retry-After`), more would hold a call for hours.
 */
export const maxMaxRetries = 100

/** The longest stretch of a value from outside that a message quotes. */
const maxQuoted = 200

/** A value from outside, quoted and cut short for a message. */
export const quote = (text: string): string =>
  JSON.stringify(text.length > maxQuoted ? `${text.slice(0, maxQuoted)}…` : text)

/**
 * A value of any type, for a message: a string quoted and cut short, a number or a duration as
 * such, anything else by its type only (its `toString` may throw, be missing or be huge).
 */
export const show = (value: unknown): string => {
  try {
    if (typeof value === "string") return quote(value)
    if (typeof value === "number") return String(value)
    if (value === null) return "null"
    if (Duration.isDuration(value)) return quote(Duration.format(value))
  } catch {
    // a proxy may throw on any look at it: fall through to its type
  }
  return typeof value
}

/** Whether a duration is longer than zero. */
export const positive = (duration: Duration.Duration): boolean => Duration.greaterThan(duration, Duration.zero)

/** Whether a number of retries is acceptable: an integer from 0 to {@link maxMaxRetries}. */
export const isRetryCount = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= maxMaxRetries

/** One bad option a client and a call share, and what is wrong with it. */
export interface Problem {
  readonly name: "timeout" | "deadline" | "maxRetries" | "refreshMargin"
  readonly message: string
}

/**
 * What is wrong with the options a client and a call share (`timeout`, `deadline`,
 * `maxRetries`), one entry per bad option. Never throws, whatever the values.
 */
export const problems = (
  options: {
    readonly timeout?: Duration.DurationInput | undefined
    readonly deadline?: Duration.DurationInput | undefined
    readonly maxRetries?: number | undefined
    readonly refreshMargin?: Duration.DurationInput | undefined
  }
): ReadonlyArray<Problem> => {
  const out: Array<Problem> = []
  for (const name of ["timeout", "deadline"] as const) {
    const value = options[name]
    if (value === undefined) continue
    const decoded = Duration.decodeUnknown(value)
    if (Option.isNone(decoded) || !positive(decoded.value)) {
      out.push({ name, message: `Expected a positive duration such as "30 seconds", got ${show(value)}` })
    }
  }
  if (options.refreshMargin !== undefined) {
    const decoded = Duration.decodeUnknown(options.refreshMargin)
    if (Option.isNone(decoded) || !Duration.isFinite(decoded.value)) {
      out.push({
        name: "refreshMargin",
        message: `Expected a finite duration such as "60 seconds", got ${show(options.refreshMargin)}`
      })
    }
  }
  if (options.maxRetries !== undefined && !isRetryCount(options.maxRetries)) {
    out.push({
      name: "maxRetries",
      message: `Expected an integer from 0 to ${maxMaxRetries}, got ${show(options.maxRetries)}`
    })
  }
  return out
}
