/**
 * The transport over undici's `Dispatcher` directly, with no `HttpClient` in between: the
 * fastest on Node, and the one to pick there. Its layer owns an undici `Agent` (keep-alive
 * connections) that the layer's scope closes.
 *
 * Behind a proxy: `layerEnvProxy()` honours `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` (Node's
 * `fetch` ignores them), and `layerProxy({ url, username, password })` sends through one proxy
 * with `Redacted` credentials. `ca` trusts a private certificate authority for the API's TLS.
 *
 * @example
 * ```ts
 * import { IdentityApi } from "@katanemo/client"
 * import * as UndiciTransport from "@katanemo/client/UndiciTransport"
 * import * as Layer from "effect/Layer"
 *
 * const live = IdentityApi.layerConfig().pipe(Layer.provide(UndiciTransport.layer()))
 * // behind the proxy that HTTPS_PROXY / HTTP_PROXY / NO_PROXY name
 * const proxied = IdentityApi.layerConfig().pipe(Layer.provide(UndiciTransport.layerEnvProxy()))
 * ```
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import { Agent, type Dispatcher, EnvHttpProxyAgent } from "undici"
import * as Proxy from "./internal/proxy.js"
import type { Scrub } from "./internal/scrub.js"
import { Transport } from "./Transport.js"

/**
 * Certificate authorities to trust for the API's TLS, in PEM: one, or several. Like Node's `ca`
 * TLS option, they replace Node's default roots for the connections they are given to: to trust
 * a private CA as well as the public ones, pass `[...tls.rootCertificates, privateCa]`.
 *
 * @since 0.1.0
 * @category options
 */
export type CertificateAuthority = string | Buffer | ReadonlyArray<string | Buffer>

/**
 * Options of the undici transport.
 *
 * @since 0.1.0
 * @category options
 */
export interface Options {
  /**
   * The dispatcher to send through (a `Pool`, a `ProxyAgent`, a `MockAgent`, …), which the caller
   * then owns and closes. Without one, the layer makes an `Agent` and closes it with its scope.
   * With one, `agent` and `ca` are not used.
   */
  readonly dispatcher?: Dispatcher | undefined
  /** Options of the `Agent` the layer makes when no `dispatcher` is given. */
  readonly agent?: Agent.Options | undefined
  /**
   * The certificate authorities that sign the API's certificate, for an API behind a private CA
   * (added to `agent.connect`; not used when `agent.connect` is a function, which then builds
   * the connection itself). See {@link CertificateAuthority}.
   *
   * @since 0.1.0
   */
  readonly ca?: CertificateAuthority | undefined
}

/**
 * Options of {@link layerProxy}: one proxy for every request (except the hosts in `noProxy`),
 * with its credentials, if it wants any, `Redacted`. No credential shows in an error, a span or
 * a log line: every form of it (as given, percent-encoded, in the `Basic` header) is scrubbed
 * from the errors a request fails with.
 *
 * @since 0.1.0
 * @category options
 */
export interface ProxyOptions {
  /**
   * The proxy, `http://host:port` or `https://host:port`. A user and password written in it
   * (`http://user:pass@host:3128`) are sent as `Basic` credentials, unless `username`,
   * `password` or `token` give them (giving them both ways is an error). Pass it `Redacted`
   * (`Config.redacted("MY_PROXY")`) when it carries a password.
   */
  readonly url: string | URL | Redacted.Redacted<string>
  /** The user of `Basic` proxy credentials. */
  readonly username?: string | undefined
  /** The password of `Basic` proxy credentials. */
  readonly password?: Redacted.Redacted<string> | undefined
  /**
   * The whole `Proxy-Authorization` value, for another scheme than `Basic`
   * (`Redacted.make("Bearer …")`). Not with `username` or `password`.
   */
  readonly token?: Redacted.Redacted<string> | undefined
  /**
   * Hosts reached directly, not through the proxy, in `NO_PROXY`'s form: comma- or
   * space-separated host names (a name covers its subdomains; `.example.com` and
   * `*.example.com` too), each with an optional `:port`, or `*` for every host. The `NO_PROXY`
   * variable is not read.
   */
  readonly noProxy?: string | undefined
  /** The certificate authorities that sign the API's certificate (through the proxy's tunnel too). */
  readonly ca?: CertificateAuthority | undefined
  /** Options of the undici agents the layer makes (`connect` for direct connections). */
  readonly agent?: Agent.Options | undefined
}

/**
 * Options of {@link layerEnvProxy}. Each given overrides its environment variable, which is then
 * not read.
 *
 * @since 0.1.0
 * @category options
 */
export interface EnvProxyOptions {
  /** The proxy of `http:` requests, instead of `http_proxy` / `HTTP_PROXY`. */
  readonly httpProxy?: string | Redacted.Redacted<string> | undefined
  /** The proxy of `https:` requests, instead of `https_proxy` / `HTTPS_PROXY`. */
  readonly httpsProxy?: string | Redacted.Redacted<string> | undefined
  /** The hosts reached directly, instead of `no_proxy` / `NO_PROXY` (see `ProxyOptions.noProxy`). */
  readonly noProxy?: string | undefined
  /** The certificate authorities that sign the API's certificate (through the proxy's tunnel too). */
  readonly ca?: CertificateAuthority | undefined
  /** Options of the undici agents the layer makes (`connect` for direct connections). */
  readonly agent?: Agent.Options | undefined
}

/** Why the transport aborted a request itself. */
class Aborted extends Error {
  constructor(readonly failure: Transport.Failure) {
    super(failure.reason)
  }
}

const tooLarge = new Aborted({ reason: "ResponseTooLarge" })

const headerValue = (value: string | ReadonlyArray<string> | undefined): string | undefined =>
  value === undefined ? undefined : typeof value === "string" ? value : value.join(", ")

/**
 * A transport over an undici `Dispatcher`: one `dispatch` per attempt with a callback handler,
 * the body kept as its chunks and decoded once, and the request aborted on interruption or
 * timeout. undici follows no redirect: a 3xx is answered as it came.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromDispatcher = (dispatcher: Dispatcher): Transport.Service => over(dispatcher, undefined)

/** A transport over `dispatcher`, whose failures have `scrub`'s secrets taken out, if it has any. */
const over = (dispatcher: Dispatcher, scrub: Scrub | undefined): Transport.Service =>
  Transport.make((request, done) => {
    let controller: Dispatcher.DispatchController | undefined
    let aborted: Error | undefined
    let status = 0
    let headers: Record<string, string> = {}
    const chunks: Array<Buffer> = []
    let size = 0
    const max = request.maxResponseBytes
    dispatcher.dispatch({
      origin: request.origin,
      path: request.path,
      method: request.method,
      headers: request.headers,
      body: request.body ?? null
    }, {
      onRequestStart(c) {
        controller = c
        if (aborted !== undefined) c.abort(aborted)
      },
      onResponseStart(c, statusCode, responseHeaders) {
        status = statusCode
        headers = {}
        for (const name of Object.keys(responseHeaders)) {
          const value = headerValue(responseHeaders[name])
          if (value !== undefined) headers[name] = value
        }
        const length = headers["content-length"]
        if (length !== undefined && Number(length) > max) c.abort(tooLarge)
      },
      onResponseData(c, chunk) {
        size += chunk.length
        if (size > max) return c.abort(tooLarge)
        chunks.push(chunk)
      },
      onResponseEnd() {
        const [first] = chunks
        const body = chunks.length === 1 && first !== undefined
          ? first.toString("utf8")
          : Buffer.concat(chunks, size).toString("utf8")
        done(Either.right({ status, headers, body }))
      },
      onResponseError(_, error) {
        done(Either.left(
          error instanceof Aborted
            ? error.failure
            : { reason: "Transport", cause: scrub === undefined ? error : Proxy.scrubError(error, scrub) }
        ))
      }
    })
    return () => {
      aborted = new Aborted({ reason: "Transport" })
      controller?.abort(aborted)
    }
  })

/** `ca` as Node's TLS options take it. */
const caOption = (ca: CertificateAuthority): string | Buffer | Array<string | Buffer> =>
  typeof ca === "string" || Buffer.isBuffer(ca) ? ca : [...ca]

/** The agent's options with `ca` added to its connections (unless `connect` is a function). */
const withCa = (agent: Agent.Options | undefined, ca: CertificateAuthority | undefined): Agent.Options => {
  if (ca === undefined) return agent ?? {}
  const connect = agent?.connect
  return typeof connect === "function" ? { ...agent } : { ...agent, connect: { ...connect, ca: caOption(ca) } }
}

/** An agent the layer's scope destroys. */
const owned = <D extends Dispatcher>(make: () => D) =>
  Effect.acquireRelease(Effect.sync(make), (dispatcher) => Effect.promise(() => dispatcher.destroy()))

/**
 * The undici transport as a layer: over the given `dispatcher`, or over an `Agent` of its own
 * that the layer's scope closes (trusting `ca`, if given, for the API's TLS).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<Transport> =>
  options.dispatcher !== undefined
    ? Layer.succeed(Transport, fromDispatcher(options.dispatcher))
    : Layer.scoped(Transport, Effect.map(owned(() => new Agent(withCa(options.agent, options.ca))), fromDispatcher))

/** What the proxy layers hand undici's `EnvHttpProxyAgent`: every setting given, nothing read from `process.env`. */
interface Proxied {
  readonly httpProxy: string
  readonly httpsProxy: string
  readonly noProxy: string
  readonly token: string | undefined
  readonly ca: CertificateAuthority | undefined
  readonly agent: Agent.Options | undefined
  /** Every form of every credential, to scrub from errors. */
  readonly secrets: ReadonlyArray<string>
}

const proxied = (settings: Proxied): Effect.Effect<Transport.Service, ConfigError.ConfigError, Scope.Scope> => {
  const scrub = Proxy.scrubber(settings.secrets)
  return Effect.map(
    Effect.acquireRelease(
      Effect.try({
        try: () =>
          new EnvHttpProxyAgent({
            ...withCa(settings.agent, settings.ca),
            ...(settings.ca === undefined ? {} : { requestTls: { ca: caOption(settings.ca) } }),
            ...(settings.token === undefined ? {} : { token: settings.token }),
            httpProxy: settings.httpProxy,
            httpsProxy: settings.httpsProxy,
            noProxy: settings.noProxy
          }),
        // undici refuses an option (`agent.maxOrigins: 0`, …): a typed error, its text scrubbed
        catch: (error) => {
          const message = error instanceof Error ? error.message : String(error)
          return ConfigError.InvalidData(
            ["agent"],
            `undici refused the proxy agent's options: ${scrub === undefined ? message : scrub(message)}`
          )
        }
      }),
      (agent) => Effect.promise(() => agent.destroy())
    ),
    (agent) => over(agent, scrub)
  )
}

const invalid = (name: string, message: string) => Effect.fail(ConfigError.InvalidData([name], message))

/**
 * The undici transport through one proxy (`CONNECT` tunnels, to `http:` and `https:` APIs alike),
 * with `Redacted` credentials; the hosts in `noProxy` are reached directly. The layer owns its
 * agents and closes them with its scope. A proxy URL that does not parse, or is not `http:` or
 * `https:`, fails the layer with a `ConfigError` at `url` that does not quote it; so do
 * credentials given twice.
 *
 * @example
 * ```ts
 * import { IdentityApi } from "@katanemo/client"
 * import * as UndiciTransport from "@katanemo/client/UndiciTransport"
 * import * as Layer from "effect/Layer"
 * import * as Redacted from "effect/Redacted"
 *
 * const transport = UndiciTransport.layerProxy({
 *   url: "http://proxy.corp.example:3128",
 *   username: "svc-katanemo",
 *   password: Redacted.make("s3cret"),
 *   noProxy: "localhost,.internal.example"
 * })
 * const live = IdentityApi.layerConfig().pipe(Layer.provide(transport))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerProxy = (options: ProxyOptions): Layer.Layer<Transport, ConfigError.ConfigError> =>
  Layer.scoped(
    Transport,
    Effect.gen(function*() {
      const url = yield* Proxy.parseProxyUrl(Proxy.reveal(options.url), "url", "layerProxy's url")
      const basic = options.username !== undefined || options.password !== undefined
      if (basic && options.token !== undefined) {
        return yield* invalid("token", "layerProxy takes either token or username and password, not both")
      }
      if ((basic || options.token !== undefined) && url.credentials !== undefined) {
        return yield* invalid(
          "url",
          "layerProxy's url carries a user and password, and username, password or token give them again: give them once"
        )
      }
      const credentials: Proxy.Credentials | undefined = basic
        ? {
          username: options.username ?? "",
          password: options.password === undefined ? "" : Redacted.value(options.password)
        }
        : url.credentials
      const token = options.token !== undefined
        ? Redacted.value(options.token)
        : credentials === undefined
        ? undefined
        : Proxy.basic(credentials)
      return yield* proxied({
        httpProxy: url.bare,
        httpsProxy: url.bare,
        noProxy: options.noProxy ?? "",
        token,
        ca: options.ca,
        agent: options.agent,
        secrets: [
          ...(token === undefined ? [] : Proxy.formsOfToken(token)),
          ...(credentials === undefined ? [] : Proxy.formsOfCredentials(credentials))
        ]
      })
    })
  )

/** A setting and where it came from (an option, or the variable read). */
interface Setting {
  readonly name: string
  readonly value: string
}

/** The first of the variables set (even to ""), as undici reads them: the lower-case name first. */
const variable = (lower: string, upper: string): Config.Config<Setting | undefined> => {
  const read = (name: string) => Config.map(Config.redacted(name), (value) => ({ name, value: Redacted.value(value) }))
  return read(lower).pipe(Config.orElse(() => read(upper)), Config.option, Config.map(Option.getOrUndefined))
}

const setting = (
  given: string | Redacted.Redacted<string> | undefined,
  option: string,
  lower: string,
  upper: string
): Effect.Effect<Setting | undefined, ConfigError.ConfigError> =>
  given === undefined ? variable(lower, upper) : Effect.succeed({ name: option, value: Proxy.reveal(given) })

/** A proxy setting checked (none when empty, as undici takes an empty variable). */
const proxyOf = (found: Setting | undefined): Effect.Effect<Proxy.ProxyUrl | undefined, ConfigError.ConfigError> =>
  found === undefined || found.value === ""
    ? Effect.succeed(undefined)
    : Proxy.parseProxyUrl(found.value, found.name, found.name)

/**
 * The undici transport behind the proxies the environment names, as undici's
 * `EnvHttpProxyAgent` reads them (Node's own `fetch` ignores them): `https_proxy` /
 * `HTTPS_PROXY` for `https:` requests (falling back to the `http:` proxy), `http_proxy` /
 * `HTTP_PROXY` for `http:` ones, and `no_proxy` / `NO_PROXY` for the hosts reached directly;
 * the lower-case name first, an empty value for none. They are read once, through Effect's
 * `Config` (the environment, or the `ConfigProvider` in context), when the layer is built; each
 * option given overrides its variable. Credentials in a proxy URL
 * (`http://user:pass@proxy:3128`) are sent as `Basic` and scrubbed from every error. A variable
 * that is not an `http:` or `https:` URL fails the layer with a `ConfigError` naming it, and
 * not quoting it. With no proxy set, every request goes directly.
 *
 * @example
 * ```ts
 * import { IdentityApi } from "@katanemo/client"
 * import * as UndiciTransport from "@katanemo/client/UndiciTransport"
 * import * as Layer from "effect/Layer"
 *
 * const live = IdentityApi.layerConfig().pipe(Layer.provide(UndiciTransport.layerEnvProxy()))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerEnvProxy = (options: EnvProxyOptions = {}): Layer.Layer<Transport, ConfigError.ConfigError> =>
  Layer.scoped(
    Transport,
    Effect.gen(function*() {
      const http = yield* proxyOf(yield* setting(options.httpProxy, "httpProxy", "http_proxy", "HTTP_PROXY"))
      const https = yield* proxyOf(yield* setting(options.httpsProxy, "httpsProxy", "https_proxy", "HTTPS_PROXY"))
      const noProxy = options.noProxy ?? (yield* variable("no_proxy", "NO_PROXY"))?.value ?? ""
      return yield* proxied({
        httpProxy: http?.full ?? "",
        httpsProxy: https?.full ?? "",
        noProxy,
        token: undefined,
        ca: options.ca,
        agent: options.agent,
        secrets: [http, https].flatMap((url) =>
          url?.credentials === undefined ? [] : Proxy.formsOfCredentials(url.credentials)
        )
      })
    })
  )
