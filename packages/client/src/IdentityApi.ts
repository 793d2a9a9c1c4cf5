/**
 * The Katanemo Identity API as an Effect service: API keys and users of an organization.
 *
 * @since 0.1.0
 */
import {
  ClientKeyObject,
  ClientKeyRequest,
  ClientKeyResponse,
  FastDecode,
  TokenRequest,
  TokenResponse,
  UserRequest,
  UserResponse
} from "@katanemo/models"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import type * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as Endpoint from "./Endpoint.js"
import type {
  CreateClientKeyError,
  CreateUserForAccountError,
  DeleteClientKeyError,
  GetClientKeyError,
  GetClientKeyListError,
  GetShortTermTokenError,
  GetUserError,
  GetUsersForAccountError,
  RawError,
  UpdateUserError
} from "./Errors.js"
import * as IdentityApiConfig from "./IdentityApiConfig.js"
import {
  AccountInput,
  CreateClientKeyInput,
  CreateUserInput,
  KeyInput,
  TokenInput,
  UpdateUserInput,
  UserInput
} from "./Inputs.js"
import { type Engine, makeEngine } from "./internal/client.js"
import type { RawResponse } from "./RawResponse.js"
import { Transport } from "./Transport.js"

const UserRequestBody = Schema.Struct(UserRequest.fields).annotations({ identifier: "UserRequest" })

/**
 * The nine operations (the eight of the contract's `identity` tag, and the token exchange),
 * described once: method, path, input, body and success schemas. The live
 * client runs on these; the in-memory layers validate inputs the same way.
 *
 * @since 0.1.0
 * @category contract
 */
export const endpoints = {
  createClientKey: Endpoint.make({
    operation: "createClientKey",
    method: "POST",
    template: "/org/{accountId}/keys",
    input: CreateClientKeyInput,
    body: Schema.Struct(ClientKeyRequest.fields).annotations({ identifier: "ClientKeyRequest" }),
    success: ClientKeyResponse,
    fastDecode: FastDecode.clientKeyResponse,
    listsNotFound: false
  }),
  getClientKeyList: Endpoint.make({
    operation: "getClientKeyList",
    method: "GET",
    template: "/org/{accountId}/keys",
    input: AccountInput,
    success: Schema.Array(ClientKeyObject),
    fastDecode: FastDecode.array(FastDecode.clientKeyObject),
    listsNotFound: false
  }),
  getClientKey: Endpoint.make({
    operation: "getClientKey",
    method: "GET",
    template: "/org/{accountId}/key/{keyId}",
    input: KeyInput,
    success: ClientKeyObject,
    fastDecode: FastDecode.clientKeyObject,
    listsNotFound: true
  }),
  deleteClientKey: Endpoint.make({
    operation: "deleteClientKey",
    method: "DELETE",
    template: "/org/{accountId}/key/{keyId}",
    input: KeyInput,
    success: Schema.String,
    fastDecode: FastDecode.string,
    listsNotFound: true
  }),
  createUserForAccount: Endpoint.make({
    operation: "createUserForAccount",
    method: "POST",
    template: "/org/{accountId}/user",
    input: CreateUserInput,
    body: UserRequestBody,
    success: UserResponse,
    fastDecode: FastDecode.userResponse,
    listsNotFound: false
  }),
  getUsersForAccount: Endpoint.make({
    operation: "getUsersForAccount",
    method: "GET",
    template: "/org/{accountId}/user",
    input: AccountInput,
    success: Schema.Array(UserResponse),
    fastDecode: FastDecode.array(FastDecode.userResponse),
    listsNotFound: false
  }),
  getUser: Endpoint.make({
    operation: "getUser",
    method: "GET",
    template: "/org/{accountId}/user/{userId}",
    input: UserInput,
    success: UserResponse,
    fastDecode: FastDecode.userResponse,
    listsNotFound: true
  }),
  updateUser: Endpoint.make({
    operation: "updateUser",
    method: "PUT",
    template: "/org/{accountId}/user/{userId}",
    input: UpdateUserInput,
    body: UserRequestBody,
    success: UserResponse,
    fastDecode: FastDecode.userResponse,
    listsNotFound: true
  }),
  getShortTermToken: Endpoint.make({
    operation: "getShortTermToken",
    method: "POST",
    template: "/token",
    input: TokenInput,
    body: Schema.Struct(TokenRequest.fields).annotations({ identifier: "TokenRequest" }),
    success: TokenResponse,
    listsNotFound: false,
    authenticated: false,
    // trading a key again only issues another token: a 5xx or a broken connection is retried
    idempotent: true,
    secrets: (input) => [input.clientSecret]
  })
}

/**
 * The names of the nine operations.
 *
 * @since 0.1.0
 * @category contract
 */
export type Operation = keyof typeof endpoints

/**
 * Builds the live service over the `Transport` in context: the app picks one from
 * `@katanemo/client/UndiciTransport` (Node), `@katanemo/client/FetchTransport` (browsers, edge) or
 * `@katanemo/client/HttpClientTransport` (any `@effect/platform` `HttpClient`).
 * Bad options (a `baseUrl` that is not an http or https URL, a `timeout` that is not a positive
 * duration, …) fail here, with a `ConfigError` naming the option, not on every call.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: IdentityApi.Options = {}
): Effect.Effect<IdentityApi.Service, ConfigError.ConfigError, Transport> =>
  // suspended: options from an untyped caller are checked when the effect runs, so that even a
  // value no check foresaw fails the effect instead of throwing where `make` or `layer` is called
  Effect.suspend(() =>
    Either.match(IdentityApiConfig.validate(options), {
      onLeft: Effect.fail,
      onRight: (options) =>
        Effect.map(Transport, (transport) =>
          fromEngine(makeEngine(transport, options, tokenExchange(transport, options))))
    })
  )

/**
 * With client credentials, the token exchange of the key's id and secret, on an engine of its
 * own with the client's other options and no credentials.
 */
const tokenExchange = (transport: Transport.Service, options: IdentityApi.Options) => {
  const { clientId, clientSecret, token: _token, ...others } = options
  if (clientId === undefined || clientSecret === undefined) return undefined
  return makeEngine(transport, others).call(endpoints.getShortTermToken, { clientId, clientSecret })
}

const fromEngine = (engine: Engine): IdentityApi.Service => ({
  createClientKey: (input, options) => engine.call(endpoints.createClientKey, input, options),
  getClientKeyList: (input, options) => engine.call(endpoints.getClientKeyList, input, options),
  getClientKey: (input, options) => engine.call(endpoints.getClientKey, input, options),
  deleteClientKey: (input, options) => engine.call(endpoints.deleteClientKey, input, options),
  createUserForAccount: (input, options) => engine.call(endpoints.createUserForAccount, input, options),
  getUsersForAccount: (input, options) => engine.call(endpoints.getUsersForAccount, input, options),
  getUser: (input, options) => engine.call(endpoints.getUser, input, options),
  updateUser: (input, options) => engine.call(endpoints.updateUser, input, options),
  getShortTermToken: (input, options) => engine.call(endpoints.getShortTermToken, input, options),
  raw: {
    createClientKey: (input, options) => engine.raw(endpoints.createClientKey, input, options),
    getClientKeyList: (input, options) => engine.raw(endpoints.getClientKeyList, input, options),
    getClientKey: (input, options) => engine.raw(endpoints.getClientKey, input, options),
    deleteClientKey: (input, options) => engine.raw(endpoints.deleteClientKey, input, options),
    createUserForAccount: (input, options) => engine.raw(endpoints.createUserForAccount, input, options),
    getUsersForAccount: (input, options) => engine.raw(endpoints.getUsersForAccount, input, options),
    getUser: (input, options) => engine.raw(endpoints.getUser, input, options),
    updateUser: (input, options) => engine.raw(endpoints.updateUser, input, options),
    getShortTermToken: (input, options) => engine.raw(endpoints.getShortTermToken, input, options)
  }
})

/**
 * The live service as a layer, with the given options. Bad options fail the layer with a
 * `ConfigError` naming the option.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: IdentityApi.Options = {}
): Layer.Layer<IdentityApi, ConfigError.ConfigError, Transport> => Layer.effect(IdentityApi, make(options))

/** Whether `layerConfig` was given a whole `Config` rather than overrides of some options. */
const isWholeConfig = (
  u: Config.Config<IdentityApi.Options> | IdentityApiConfig.Overrides
): u is Config.Config<IdentityApi.Options> => Config.isConfig(u)

/**
 * The live service as a layer, with options read from `Config` (by default the environment:
 * `KATANEMO_BASE_URL`, `KATANEMO_API_TOKEN`, `KATANEMO_TIMEOUT`, `KATANEMO_MAX_RETRIES`).
 *
 * Given an object, each field overrides that one option, as a value or a `Config` of its own,
 * and the other options are still read from the environment:
 * `layerConfig({ token: Config.redacted("MY_KATANEMO_TOKEN"), maxRetries: 5 })` keeps
 * `KATANEMO_BASE_URL` and `KATANEMO_TIMEOUT`. Given a `Config` of all the options, it reads only
 * that.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  config: Config.Config<IdentityApi.Options> | IdentityApiConfig.Overrides = IdentityApiConfig.fromEnv
): Layer.Layer<IdentityApi, ConfigError.ConfigError, Transport> =>
  Layer.effect(
    IdentityApi,
    Effect.flatMap(isWholeConfig(config) ? config : IdentityApiConfig.fromEnvWith(config), make)
  )

/**
 * The live service on client credentials: like {@link layerConfig}, but the client credentials
 * are required: `clientId` and `clientSecret` from the overrides, or else from
 * `KATANEMO_CLIENT_ID` and `KATANEMO_CLIENT_SECRET` (a missing one is a `ConfigError` naming it).
 * The client trades them for a short-lived token on first use, and again before it expires; see
 * {@link IdentityApi.Options.clientId}.
 *
 * @example
 * ```ts
 * import { IdentityApi } from "@katanemo/client"
 * import * as UndiciTransport from "@katanemo/client/UndiciTransport"
 * import * as Layer from "effect/Layer"
 *
 * // KATANEMO_CLIENT_ID and KATANEMO_CLIENT_SECRET from the environment
 * const live = IdentityApi.layerClientCredentials().pipe(Layer.provide(UndiciTransport.layer()))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerClientCredentials = (
  overrides: IdentityApiConfig.Overrides = {}
): Layer.Layer<IdentityApi, ConfigError.ConfigError, Transport> =>
  layerConfig({
    ...overrides,
    clientId: overrides.clientId ?? Config.string("KATANEMO_CLIENT_ID"),
    clientSecret: overrides.clientSecret ?? Config.redacted("KATANEMO_CLIENT_SECRET")
  })

/**
 * The service's tag: `yield* IdentityApi` in a program, `IdentityApi.layer(...)` or
 * `IdentityApi.layerConfig()` to provide it.
 *
 * Each attempt of a call logs one line at Debug level, `Katanemo API attempt`, annotated with the
 * operation, method, path, status (or what the attempt failed with), duration, attempt number and
 * request id; never a header or a body. Nothing is logged per request at Info, Effect's default:
 * `Logger.withMinimumLogLevel(LogLevel.Debug)` turns it on.
 *
 * @example
 * ```ts
 * import { IdentityApi } from "@katanemo/client"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const identity = yield* IdentityApi
 *   return yield* identity.getClientKeyList({ accountId: "acme" })
 * })
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class IdentityApi extends Context.Tag("@katanemo/client/IdentityApi")<IdentityApi, IdentityApi.Service>() {
  /** @since 0.1.0 */
  static readonly make = make
  /** @since 0.1.0 */
  static readonly layer = layer
  /** @since 0.1.0 */
  static readonly layerConfig = layerConfig
  /** @since 0.1.0 */
  static readonly layerClientCredentials = layerClientCredentials
  /**
   * The contract of each operation (method, path template, input, body and answer schemas), by
   * operation name: what the client sends and what `@katanemo/testing` answers by.
   *
   * @since 0.1.0
   */
  static readonly endpoints = endpoints
}

/**
 * The types of the service and its options, merged with its tag: `IdentityApi.Service`,
 * `IdentityApi.Options`, `IdentityApi.CallOptions`.
 *
 * @since 0.1.0
 */
export declare namespace IdentityApi {
  /**
   * Retry options, per client or per call. Which failures are retried is fixed by the method
   * (see the package README); these say how often and how long to wait.
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
     * Replaces the backoff and the retry count with a schedule of your own. `Retry-After` is
     * still honoured: the wait is the longer of the two.
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
     * The largest response body to read (default 16 MiB; a non-finite value means the default).
     * A larger one is read no further than the limit and the connection dropped: the call fails
     * with `TransportError` (`reason: "ResponseTooLarge"`). Compressed bodies are counted
     * decompressed.
     */
    readonly maxResponseBytes?: number | undefined
    /**
     * The id of an API key (its `clientId`), to authenticate with client credentials instead of
     * a `token`: the client trades it and `clientSecret` for a short-lived token
     * (`getShortTermToken`) on first use, sends that token, and trades again before the token
     * expires (its JWT `exp`, less `refreshMargin`) and once after a 401, replaying that call
     * once. Concurrent calls share one exchange. A failed exchange fails the calls that waited
     * on it with `CredentialsError`. Not with `token`.
     */
    readonly clientId?: string | undefined
    /** The API key's secret, with `clientId`. */
    readonly clientSecret?: Redacted.Redacted<string> | undefined
    /**
     * How long before its expiry a token is traded for a new one (default 60 s), with client
     * credentials. A token that lives less than twice as long is traded when half its life is left.
     */
    readonly refreshMargin?: Duration.DurationInput | undefined
    /**
     * Whether each call runs in its own span, `IdentityApi.<operation>`, whose `traceparent` header
     * the request carries (default true). Off, a call makes no span and costs nothing for it.
     */
    readonly span?: boolean | undefined
  }

  /**
   * A raw call: any operation's input, answered with the response as it arrived.
   *
   * @since 0.1.0
   * @category models
   */
  export type RawCall<In> = (input: In, options?: CallOptions) => Effect.Effect<RawResponse, RawError>

  /**
   * The service: one method per operation, each taking one object with the path ids and body
   * fields, plus `raw` for the undecoded responses.
   *
   * @since 0.1.0
   * @category models
   */
  export interface Service {
    /** Creates an API key; the answer holds its secret, once. `POST /org/{accountId}/keys` */
    readonly createClientKey: (
      input: CreateClientKeyInput,
      options?: CallOptions
    ) => Effect.Effect<ClientKeyResponse, CreateClientKeyError>
    /** Lists the account's API keys. `GET /org/{accountId}/keys` */
    readonly getClientKeyList: (
      input: AccountInput,
      options?: CallOptions
    ) => Effect.Effect<ReadonlyArray<ClientKeyObject>, GetClientKeyListError>
    /** Reads one API key. `GET /org/{accountId}/key/{keyId}` */
    readonly getClientKey: (
      input: KeyInput,
      options?: CallOptions
    ) => Effect.Effect<ClientKeyObject, GetClientKeyError>
    /** Deletes one API key; answers the API's confirmation text. `DELETE /org/{accountId}/key/{keyId}` */
    readonly deleteClientKey: (
      input: KeyInput,
      options?: CallOptions
    ) => Effect.Effect<string, DeleteClientKeyError>
    /** Invites a user to the account. `POST /org/{accountId}/user` */
    readonly createUserForAccount: (
      input: CreateUserInput,
      options?: CallOptions
    ) => Effect.Effect<UserResponse, CreateUserForAccountError>
    /** Lists the account's users. `GET /org/{accountId}/user` */
    readonly getUsersForAccount: (
      input: AccountInput,
      options?: CallOptions
    ) => Effect.Effect<ReadonlyArray<UserResponse>, GetUsersForAccountError>
    /** Reads one user. `GET /org/{accountId}/user/{userId}` */
    readonly getUser: (
      input: UserInput,
      options?: CallOptions
    ) => Effect.Effect<UserResponse, GetUserError>
    /** Replaces a user's roles and tags. `PUT /org/{accountId}/user/{userId}` */
    readonly updateUser: (
      input: UpdateUserInput,
      options?: CallOptions
    ) => Effect.Effect<UserResponse, UpdateUserError>
    /**
     * Trades an API key's id and secret for a short-lived bearer token. `POST /token`. The call
     * sends no `Authorization` of its own need (the API does not ask for one), and its span
     * carries no account. The secret and the token are `Redacted`; a rejected pair is an
     * `UnauthorizedException`. `IdentityApi.layerClientCredentials` makes these calls for you.
     */
    readonly getShortTermToken: (
      input: TokenInput,
      options?: CallOptions
    ) => Effect.Effect<TokenResponse, GetShortTermTokenError>
    /**
     * The same nine operations, answering the response as it arrived (status, headers, body
     * text) instead of decoding it. Retries and timeouts still apply; no status is an error.
     */
    readonly raw: {
      readonly createClientKey: RawCall<CreateClientKeyInput>
      readonly getClientKeyList: RawCall<AccountInput>
      readonly getClientKey: RawCall<KeyInput>
      readonly deleteClientKey: RawCall<KeyInput>
      readonly createUserForAccount: RawCall<CreateUserInput>
      readonly getUsersForAccount: RawCall<AccountInput>
      readonly getUser: RawCall<UserInput>
      readonly updateUser: RawCall<UpdateUserInput>
      /** Its body holds the token in clear: `raw` answers the response as it arrived. */
      readonly getShortTermToken: RawCall<TokenInput>
    }
  }
}
