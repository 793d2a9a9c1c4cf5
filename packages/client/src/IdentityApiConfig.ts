/**
 * Options of the live `IdentityApi` layer, per client and per call, and how to read them from
 * the environment.
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Record from "effect/Record"
import * as Redacted from "effect/Redacted"
import type { IdentityApi } from "./IdentityApi.js"
import { isRetryCount, maxMaxRetries, positive, problems, quote, show } from "./internal/options.js"

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
 * How long before its expiry a client on client credentials trades its token for a new one,
 * unless told otherwise.
 *
 * @since 0.1.0
 * @category defaults
 */
export const defaultRefreshMargin: Duration.Duration = Duration.seconds(60)

/**
 * Options of the live client: see {@link IdentityApi.Options}.
 */
type Options = IdentityApi.Options

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

/**
 * Checks a base URL: it must parse, be `http:` or `https:`, and carry no query or fragment (the
 * operations' paths are appended to it). Answers the URL, or what is wrong with it.
 *
 * @since 0.1.0
 * @category config
 */
export const parseBaseUrl = (input: string | URL): Either.Either<URL, string> => {
  const text = typeof input === "string" ? input : textOf(input)
  if (text === undefined) {
    return Either.left(`Expected an http or https URL such as https://api.katanemo.com, got ${show(input)}`)
  }
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return Either.left(`Expected an http or https URL such as https://api.katanemo.com, got ${quote(text)}`)
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return Either.left(`Expected an http or https URL, got the scheme ${quote(url.protocol)}`)
  }
  if (url.search !== "" || url.hash !== "") {
    return Either.left(`Expected a URL without a query or fragment, got ${quote(text)}`)
  }
  return Either.right(url)
}

/** A `URL` (or, from an untyped caller, anything else) as text; none when it cannot be turned into text. */
const textOf = (input: unknown): string | undefined => {
  try {
    return String(input)
  } catch {
    return undefined
  }
}

const baseUrl = (name: string): Config.Config<URL> =>
  Config.string(name).pipe(
    Config.mapOrFail((text) => Either.mapLeft(parseBaseUrl(text), (message) => ConfigError.InvalidData([], message)))
  )

const retryCount = (name: string): Config.Config<number> =>
  Config.string(name).pipe(
    Config.mapOrFail((text) => {
      // digits only: `Number` would also read "", " ", "0x10" and "1e3"
      const n = /^\s*\d{1,4}\s*$/.test(text) ? Number(text) : Number.NaN
      return isRetryCount(n)
        ? Either.right(n)
        : Either.left(
          ConfigError.InvalidData([], `Expected an integer from 0 to ${maxMaxRetries}, got ${quote(text)}`)
        )
    })
  )

/**
 * Overrides of some options, for `IdentityApi.layerConfig`: each field given is a value or a
 * `Config` for that one option; every option not given is still read from the environment
 * (see {@link fromEnv}). A field given as `undefined` counts as not given.
 *
 * @example
 * ```ts
 * import { IdentityApi } from "@katanemo/client"
 * import * as Config from "effect/Config"
 *
 * // the token from another variable, 5 retries; KATANEMO_BASE_URL and KATANEMO_TIMEOUT still apply
 * const layer = IdentityApi.layerConfig({ token: Config.redacted("MY_KATANEMO_TOKEN"), maxRetries: 5 })
 * ```
 *
 * @since 0.1.0
 * @category config
 */
export type Overrides = {
  readonly [K in keyof Options]?: Options[K] | Config.Config<Exclude<Options[K], undefined>>
}

// No option's own values are `Config`s, so a `Config` given for an option is one of that option's type.
const setting = <A>(
  given: A | Config.Config<A> | undefined,
  fallback: Config.Config<A | undefined>
): Config.Config<A | undefined> =>
  given === undefined ? fallback : Config.isConfig(given) ? given : Config.succeed(given)

const none: Config.Config<undefined> = Config.succeed(undefined)

/**
 * The client's options from the environment, with some of them overridden: see
 * {@link Overrides}. An overridden option's variable is not read at all.
 *
 * @since 0.1.0
 * @category config
 */
export const fromEnvWith = (overrides: Overrides): Config.Config<Options> =>
  Config.all({
    baseUrl: setting(
      overrides.baseUrl,
      baseUrl("KATANEMO_BASE_URL").pipe(Config.withDefault(new URL(defaultBaseUrl)))
    ),
    token: setting(
      overrides.token,
      Config.option(Config.redacted("KATANEMO_API_TOKEN")).pipe(Config.map(Option.getOrUndefined))
    ),
    clientId: setting(
      overrides.clientId,
      Config.option(Config.string("KATANEMO_CLIENT_ID")).pipe(Config.map(Option.getOrUndefined))
    ),
    clientSecret: setting(
      overrides.clientSecret,
      Config.option(Config.redacted("KATANEMO_CLIENT_SECRET")).pipe(Config.map(Option.getOrUndefined))
    ),
    refreshMargin: setting(overrides.refreshMargin, none),
    timeout: setting(overrides.timeout, duration("KATANEMO_TIMEOUT").pipe(Config.withDefault(defaultTimeout))),
    maxRetries: setting(
      overrides.maxRetries,
      retryCount("KATANEMO_MAX_RETRIES").pipe(Config.withDefault(defaultMaxRetries))
    ),
    deadline: setting(overrides.deadline, none),
    retrySchedule: setting(overrides.retrySchedule, none),
    maxResponseBytes: setting(overrides.maxResponseBytes, none),
    span: setting(overrides.span, none)
  }).pipe(
    // without the fields that are `undefined`, so that the options print as what was set
    Config.map((options): Options => Record.filter(options, (value) => value !== undefined))
  )

/**
 * The client's options from the environment:
 *
 * | variable | option | default |
 * |---|---|---|
 * | `KATANEMO_BASE_URL` | `baseUrl` (http or https) | `https://api.katanemo.com` |
 * | `KATANEMO_API_TOKEN` | `token` (read as `Redacted`) | none: no `Authorization` header |
 * | `KATANEMO_CLIENT_ID` | `clientId`, an API key's id, instead of a token | none |
 * | `KATANEMO_CLIENT_SECRET` | `clientSecret` (read as `Redacted`), with `clientId` | none |
 * | `KATANEMO_TIMEOUT` | `timeout` per attempt | 30 s |
 * | `KATANEMO_MAX_RETRIES` | `maxRetries` (0 to 100) | 2 |
 *
 * A bad value fails with a `ConfigError` that names the variable. To set some options in code
 * and read the rest from here, see {@link fromEnvWith}.
 *
 * @since 0.1.0
 * @category config
 */
export const fromEnv: Config.Config<Options> = fromEnvWith({})

/**
 * Checks options given in code as `fromEnv` checks the environment: a `ConfigError` naming the
 * first bad option (`baseUrl`, `timeout`, `deadline`, `maxRetries`, `refreshMargin`), or both
 * `token` and `clientId` when both are set, or the half of the client credentials that is missing.
 *
 * @since 0.1.0
 * @category config
 */
export const validate = (options: Options): Either.Either<Options, ConfigError.ConfigError> => {
  const credentials = credentialsProblem(options)
  if (credentials !== undefined) return Either.left(credentials)
  if (options.baseUrl !== undefined) {
    const url = parseBaseUrl(options.baseUrl)
    if (Either.isLeft(url)) return Either.left(ConfigError.InvalidData(["baseUrl"], url.left))
  }
  const [problem] = problems(options)
  return problem === undefined
    ? Either.right(options)
    : Either.left(ConfigError.InvalidData([problem.name], problem.message))
}

/** Whether a token and client credentials are both set, or only half of the credentials. */
const credentialsProblem = (options: Options): ConfigError.ConfigError | undefined => {
  // an empty token is no token (`KATANEMO_API_TOKEN=`), as the client treats it
  const hasToken = options.token !== undefined && Redacted.value(options.token) !== ""
  const hasId = options.clientId !== undefined
  const hasSecret = options.clientSecret !== undefined
  if (hasToken && (hasId || hasSecret)) {
    return ConfigError.InvalidData(
      [hasId ? "clientId" : "clientSecret"],
      "Expected either a token (token, KATANEMO_API_TOKEN) or client credentials (clientId and clientSecret, "
        + "KATANEMO_CLIENT_ID and KATANEMO_CLIENT_SECRET), but both token and "
        + `${hasId ? "clientId" : "clientSecret"} are set`
    )
  }
  if (hasId !== hasSecret) {
    const missing = hasId ? "clientSecret" : "clientId"
    return ConfigError.MissingData(
      [missing],
      `${hasId ? "clientId" : "clientSecret"} is set without ${missing} (${
        hasId ? "KATANEMO_CLIENT_SECRET" : "KATANEMO_CLIENT_ID"
      }): client credentials are a pair`
    )
  }
  if (hasId && options.clientId === "") {
    return ConfigError.InvalidData(["clientId"], "Expected an API key's id, got an empty string")
  }
  return undefined
}
