/**
 * Options of the live `IdentityApi` layer, per client and per call, and how to read them from
 * the environment.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import type * as Schedule from "effect/Schedule"

/**
 * Where the API lives unless told otherwise.
 *
 * @since 0.1.0
 * @category defaults
 */
export const defaultBaseUrl = "https://api.katanemo.com"

/**
 * How long one attempt may take unless told otherwise.
 *
 * @since 0.1.0
 * @category defaults
 */
export const defaultTimeout: Duration.Duration = Duration.seconds(30)

/**
 * The largest response body read unless told otherwise: 16 MiB.
 *
 * @since 0.1.0
 * @category defaults
 */
export const defaultMaxResponseBytes = 16 * 1024 * 1024

/**
 * How many times a failed call is retried unless told otherwise.
 *
 * @since 0.1.0
 * @category defaults
 */
export const defaultMaxRetries = 2

/**
 * Retry options, per client or per call. Which failures are retried is fixed by the method (see
 * the package README); these say how often and how long to wait.
 *
 * @since 0.1.0
 * @category options
 */
export interface RetryOptions {
  /**
   * Retries after the first attempt (default 2; 0 disables retries). Waits back off
   * exponentially from 0.5 s to at most 8 s, with jitter, unless the response's `Retry-After`
   * asks for longer (capped at 60 s).
   */
  readonly maxRetries?: number | undefined
  /**
   * Replaces the backoff and the retry count with a schedule of your own. `Retry-After` is still
   * honoured: the wait is the longer of the two.
   */
  readonly retrySchedule?: Schedule.Schedule<unknown> | undefined
}

/**
 * Options of one call, the optional second argument of every operation. Each overrides the
 * client's option of the same name.
 *
 * @since 0.1.0
 * @category options
 */
export interface CallOptions extends RetryOptions {
  /** The longest one attempt may take (default: the client's, 30 s). */
  readonly timeout?: Duration.DurationInput | undefined
  /** The longest the call may take across all its attempts and waits (default: none). */
  readonly deadline?: Duration.DurationInput | undefined
  /** Extra request headers. */
  readonly headers?: Readonly<Record<string, string>> | undefined
}

/**
 * Options of the live client.
 *
 * @since 0.1.0
 * @category options
 */
export interface Options extends RetryOptions {
  /** The API's origin, optionally with a path prefix (default `https://api.katanemo.com`). */
  readonly baseUrl?: string | URL | undefined
  /** Sent as `Authorization: Bearer <token>`; without one no `Authorization` header is sent. */
  readonly token?: Redacted.Redacted<string> | undefined
  /** The longest one attempt may take (default 30 s). */
  readonly timeout?: Duration.DurationInput | undefined
  /** The longest a call may take across all its attempts and waits (default: none). */
  readonly deadline?: Duration.DurationInput | undefined
  /**
   * The largest response body to read (default 16 MiB; a non-finite value means the default). A
   * larger one is read no further than the limit and the connection dropped: the call fails with
   * `TransportError` (`reason: "ResponseTooLarge"`). Compressed bodies are counted decompressed.
   */
  readonly maxResponseBytes?: number | undefined
  /** A hook over the HTTP client every call uses: add middleware, headers, tracing settings. */
  readonly transformClient?: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
}

/**
 * Reads a duration: a number of seconds (`"30"`, `"2.5"`), a number with a unit (`"500ms"`,
 * `"30s"`, `"2m"`), or an Effect duration (`"30 seconds"`).
 *
 * @since 0.1.0
 * @category config
 */
export const parseDuration = (text: string): Option.Option<Duration.Duration> => {
  const trimmed = text.trim()
  const short = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(trimmed)
  if (short !== null) {
    const value = Number(short[1])
    const unit = short[2] ?? "s"
    const millis = unit === "ms"
      ? value
      : unit === "s"
      ? value * 1000
      : unit === "m"
      ? value * 60_000
      : value * 3_600_000
    return Option.some(Duration.millis(millis))
  }
  return Duration.decodeUnknown(trimmed).pipe(Option.filter(Duration.isFinite))
}

const positive = (duration: Duration.Duration): boolean => Duration.greaterThan(duration, Duration.zero)

const duration = (name: string): Config.Config<Duration.Duration> =>
  Config.string(name).pipe(
    Config.mapOrFail((text) =>
      Option.match(Option.filter(parseDuration(text), positive), {
        onNone: () =>
          Either.left(
            ConfigError.InvalidData(
              [],
              `Expected a positive duration such as 30, 30s, 500ms or "30 seconds", got ${JSON.stringify(text)}`
            )
          ),
        onSome: Either.right
      })
    )
  )

const nonNegativeInteger = (name: string): Config.Config<number> =>
  Config.integer(name).pipe(
    Config.validate({ message: "Expected an integer of at least 0", validation: (n) => n >= 0 })
  )

/**
 * The client's options from the environment:
 *
 * | variable | option | default |
 * |---|---|---|
 * | `KATANEMO_BASE_URL` | `baseUrl` | `https://api.katanemo.com` |
 * | `KATANEMO_API_TOKEN` | `token` (read as `Redacted`) | none: no `Authorization` header |
 * | `KATANEMO_TIMEOUT` | `timeout` per attempt | 30 s |
 * | `KATANEMO_MAX_RETRIES` | `maxRetries` | 2 |
 *
 * A bad value fails with a `ConfigError` that names the variable.
 *
 * @since 0.1.0
 * @category config
 */
export const fromEnv: Config.Config<Options> = Config.all({
  baseUrl: Config.url("KATANEMO_BASE_URL").pipe(Config.withDefault(new URL(defaultBaseUrl))),
  token: Config.option(Config.redacted("KATANEMO_API_TOKEN")),
  timeout: duration("KATANEMO_TIMEOUT").pipe(Config.withDefault(defaultTimeout)),
  maxRetries: nonNegativeInteger("KATANEMO_MAX_RETRIES").pipe(Config.withDefault(defaultMaxRetries))
}).pipe(Config.map(({ token, ...rest }) => ({ ...rest, token: Option.getOrUndefined(token) })))
