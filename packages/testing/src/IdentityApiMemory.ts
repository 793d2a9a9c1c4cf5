/**
 * An in-memory `IdentityApi`: the service from `@katanemo/client`, answered from an
 * {@link IdentityStore} with the API's rules and no network. Swap it in for the live layer in
 * tests and demos.
 *
 * @since 0.1.0
 */
import {
  type Endpoint,
  IdentityApi,
  InvalidRequestError,
  type Operation,
  UnexpectedStatusError
} from "@katanemo/client"
import { ApiException, ApiExceptions, NotFoundException } from "@katanemo/models"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as IdentityServer from "./IdentityServer.js"
import { IdentityStore } from "./IdentityStore.js"
import { endpoints, type InputOf, type OutputOf } from "./internal/operations.js"
import type { SeedError } from "./Seed.js"

/**
 * Options of the in-memory layer: the store's, and the token the "client" sends.
 *
 * @since 0.1.0
 * @category options
 */
export interface Options extends IdentityStore.Options {
  /**
   * The bearer token calls carry; checked when the store has `validTokens`. A call whose options
   * carry an `Authorization` header (`headers: { authorization: "Bearer …" }`) carries that one
   * instead, as over the wire: the way to call with a token `getShortTermToken` issued.
   */
  readonly token?: Redacted.Redacted<string> | undefined
}

type Listed = Exclude<ApiException, NotFoundException>

const encodeFields = Schema.encodeSync(ApiException)

/**
 * A store's exception as the live client would fail with it: a new one of its class, from its
 * `message` and `errorCode` (those it has) and the call's context. A 404 becomes what the
 * endpoint makes of one: `NotFoundException`, or, where the operation does not list 404, an
 * `UnexpectedStatusError` whose body is the text a server would send (those two fields as JSON).
 */
const failure = <NotFound>(
  endpoint: { readonly onNotFound: (errors: Endpoint.NotFoundErrors) => NotFound },
  exception: ApiException,
  context: Endpoint.Answer
): Listed | NotFound => {
  const { errorCode, message } = encodeFields(exception)
  const body = { ...(message === undefined ? {} : { message }), ...(errorCode === undefined ? {} : { errorCode }) }
  if (exception._tag === "NotFoundException") {
    return endpoint.onNotFound({
      listed: () => new NotFoundException({ ...context, ...body }),
      unlisted: () => new UnexpectedStatusError({ ...context, body: JSON.stringify(body) })
    })
  }
  return new ApiExceptions.byTag[exception._tag].exception({ ...context, ...body })
}

const invalid = (
  endpoint: { readonly operation: string; readonly method: string; readonly template: string },
  error: ParseResult.ParseError
) =>
  InvalidRequestError.fromParseError(
    { operation: endpoint.operation, method: endpoint.method, path: endpoint.template },
    error
  )

/** The bearer token of an `Authorization` header (anything but a bearer token counts as none). */
const bearer = (header: string): string | undefined => /^Bearer\s+(.+)$/i.exec(header)?.[1]

/** The `Authorization` header among a call's extra headers, whatever its case. */
const authorizationOf = (options: IdentityApi.CallOptions | undefined): string | undefined => {
  const headers = options?.headers ?? {}
  const name = Object.keys(headers).find((name) => name.toLowerCase() === "authorization")
  return name === undefined ? undefined : headers[name]
}

/**
 * Builds the service over the store in context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Pick<Options, "token"> = {}): Effect.Effect<IdentityApi.Service, never, IdentityStore> =>
  Effect.gen(function*() {
    const store = yield* IdentityStore
    const layerToken = options.token === undefined ? undefined : Redacted.value(options.token)
    /** The token a call carries: its own `Authorization` header's, else the layer's. */
    const tokenOf = (call: IdentityApi.CallOptions | undefined): string | undefined => {
      const header = authorizationOf(call)
      return header === undefined ? layerToken : bearer(header)
    }

    /** Validates like the live client, then answers from the store. */
    const typed = <K extends Operation, NotFound>(
      operation: K,
      endpoint: Endpoint.Endpoint<InputOf<K>, OutputOf<K>, NotFound>
    ) =>
    (
      input: unknown,
      call?: IdentityApi.CallOptions
    ): Effect.Effect<OutputOf<K>, InvalidRequestError | Listed | NotFound> =>
      Effect.flatMap(
        Effect.mapError(endpoint.validate(input), (error) => invalid(endpoint, error)),
        (valid) =>
          Effect.catchAll(
            store.dispatch(operation, valid, tokenOf(call)),
            ({ exception }: IdentityStore.Rejection) =>
              Effect.fail(
                failure(endpoint, exception, {
                  operation,
                  method: endpoint.method,
                  path: endpoint.path(valid),
                  status: ApiExceptions.statusOf(exception)
                })
              )
          )
      )

    /** Validates like the live client, then answers what the server would send. */
    const raw = <K extends Operation, NotFound>(
      operation: K,
      endpoint: Endpoint.Endpoint<InputOf<K>, OutputOf<K>, NotFound>
    ) =>
    (input: unknown, call?: IdentityApi.CallOptions) =>
      Effect.flatMap(
        Effect.mapError(endpoint.validate(input), (error) => invalid(endpoint, error)),
        (valid) =>
          Effect.map(
            IdentityServer.respond(endpoint, store.dispatch(operation, valid, tokenOf(call))),
            (response) => ({
              status: response.status,
              headers: response.headers,
              body: response.body,
              requestId: response.headers["x-request-id"]
            })
          )
      )

    return IdentityApi.of({
      createClientKey: typed("createClientKey", endpoints.createClientKey),
      getClientKeyList: typed("getClientKeyList", endpoints.getClientKeyList),
      getClientKey: typed("getClientKey", endpoints.getClientKey),
      deleteClientKey: typed("deleteClientKey", endpoints.deleteClientKey),
      createUserForAccount: typed("createUserForAccount", endpoints.createUserForAccount),
      getUsersForAccount: typed("getUsersForAccount", endpoints.getUsersForAccount),
      getUser: typed("getUser", endpoints.getUser),
      updateUser: typed("updateUser", endpoints.updateUser),
      getShortTermToken: typed("getShortTermToken", endpoints.getShortTermToken),
      raw: {
        createClientKey: raw("createClientKey", endpoints.createClientKey),
        getClientKeyList: raw("getClientKeyList", endpoints.getClientKeyList),
        getClientKey: raw("getClientKey", endpoints.getClientKey),
        deleteClientKey: raw("deleteClientKey", endpoints.deleteClientKey),
        createUserForAccount: raw("createUserForAccount", endpoints.createUserForAccount),
        getUsersForAccount: raw("getUsersForAccount", endpoints.getUsersForAccount),
        getUser: raw("getUser", endpoints.getUser),
        updateUser: raw("updateUser", endpoints.updateUser),
        getShortTermToken: raw("getShortTermToken", endpoints.getShortTermToken)
      }
    })
  })

/**
 * The in-memory `IdentityApi` over the `IdentityStore` already in context (to share one store
 * with a server or a second client).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFromStore = (options: Pick<Options, "token"> = {}): Layer.Layer<IdentityApi, never, IdentityStore> =>
  Layer.effect(IdentityApi, make(options))

/**
 * The in-memory `IdentityApi` and a fresh `IdentityStore` behind it: provide this instead of
 * `IdentityApi.layer(...)` in a test, then `yield* IdentityStore` to seed, inspect and inject
 * faults. A seed that breaks the schema or the rules fails the layer with a {@link SeedError}
 * naming every bad entry (without a seed, the layer cannot fail).
 *
 * It answers each call once, by the API's rules: it does not retry, time out or encode anything
 * (a 429 fault reaches the program at once). For the live client's retries, timeouts and wire
 * format in memory, use `IdentityHttpFake.layerClient`.
 *
 * @since 0.1.0
 * @category layers
 */
export function layer(options?: Options & { readonly seed?: undefined }): Layer.Layer<IdentityApi | IdentityStore>
export function layer(options: Options): Layer.Layer<IdentityApi | IdentityStore, SeedError>
export function layer(options: Options = {}): Layer.Layer<IdentityApi | IdentityStore, SeedError> {
  return layerFromStore(options).pipe(Layer.provideMerge(IdentityStore.layer(options)))
}
