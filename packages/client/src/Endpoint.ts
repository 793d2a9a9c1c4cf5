/**
 * The HTTP contract of one operation: its method, path, input, body and answer, described once.
 * The live client sends requests from these; `@katanemo/testing` answers them from the same
 * descriptions (and derives its OpenAPI document from them), so both sides agree by
 * construction.
 *
 * @since 0.1.0
 */
import type { CallContext, NotFoundException, ResponseContext } from "@katanemo/models"
import * as Effect from "effect/Effect"
import type * as Either from "effect/Either"
import type * as ParseResult from "effect/ParseResult"
import type * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type * as AST from "effect/SchemaAST"
import type { UnexpectedStatusError } from "./Errors.js"

/**
 * @since 0.1.0
 * @category models
 */
export type Method = "GET" | "POST" | "PUT" | "DELETE"

/**
 * What an error learns of the call it came from: `CallContext` from `@katanemo/models`, of one
 * of the {@link Method}s.
 *
 * @since 0.1.0
 * @category models
 */
export interface Call extends CallContext {
  readonly method: Method
}

/**
 * What an error learns of the response it came from: `ResponseContext` from `@katanemo/models`,
 * of one of the {@link Method}s.
 *
 * @since 0.1.0
 * @category models
 */
export interface Answer extends ResponseContext {
  readonly method: Method
}

/**
 * One segment of a path template: a literal, or a `{param}` filled from the input's field of
 * that name.
 *
 * @since 0.1.0
 * @category models
 */
export type Segment = { readonly literal: string } | { readonly param: string }

/**
 * The names of the `{name}` parameters of a path template, such as `"accountId" | "keyId"` for
 * `"/org/{accountId}/key/{keyId}"`.
 *
 * @since 0.1.0
 * @category models
 */
export type TemplateParams<T extends string> = T extends `${string}{${infer Name}}${infer Rest}`
  ? Name | TemplateParams<Rest>
  : never

/**
 * The two errors a 404 can become; an endpoint picks one by whether its operation lists 404.
 * Each is made only when picked.
 *
 * @since 0.1.0
 * @category models
 */
export interface NotFoundErrors {
  /** The operation lists 404: the API's `NotFoundException`. */
  readonly listed: () => NotFoundException
  /** It does not: an `UnexpectedStatusError`. */
  readonly unlisted: () => UnexpectedStatusError
}

/**
 * One operation of the contract.
 *
 * @since 0.1.0
 * @category models
 */
export interface Endpoint<In, A, NotFound> {
  /** The operation's name, such as `createClientKey`. */
  readonly operation: string
  readonly method: Method
  /** The path with `{name}` parameters, as in the vendor spec. */
  readonly template: string
  /** The template's segments after its leading `/`: what a server routes by. */
  readonly segments: ReadonlyArray<Segment>
  /** Whether the operation lists 404 (`NotFoundException`). */
  readonly listsNotFound: boolean
  /**
   * Whether the operation needs a bearer token. The token exchange does not (it is how one gets
   * one): the client sends it none, and a server admits it without one.
   */
  readonly authenticated: boolean
  /**
   * Whether sending the request twice does no more than sending it once, so that the client may
   * retry it after a 5xx, a broken connection or a timeout: GET, PUT and DELETE, and the token
   * exchange (trading a key again only issues another token). A POST that creates is retried only
   * when the server cannot have acted on it.
   */
  readonly idempotent: boolean
  /** Checks an input (path ids and body fields) as a caller passes it. */
  readonly validate: (input: unknown) => Either.Either<In, ParseResult.ParseError>
  /** Reads an input from the wire (path ids and the JSON body), as a server receives it. */
  readonly decodeInput: (input: unknown) => Effect.Effect<In, ParseResult.ParseError>
  /**
   * The request path from a valid input: the template, each parameter replaced by the input's
   * field of that name, percent-encoded by {@link segment}.
   */
  readonly path: (input: In) => string
  /** The wire body from a valid input; absent for operations without one. */
  readonly body: ((input: In) => Either.Either<unknown, ParseResult.ParseError>) | undefined
  /**
   * The account an input addresses, for the call's span: the input's `accountId` where the
   * template has an `{accountId}` parameter; `undefined` for an operation of no account
   * (`getShortTermToken`).
   */
  readonly accountId: (input: In) => string | undefined
  /**
   * The secrets an input carries (the client secret of a token exchange), which no error of the
   * call may show; absent for operations without one.
   */
  readonly secrets: ((input: In) => ReadonlyArray<Redacted.Redacted<string>>) | undefined
  /** Decodes a success body from its text. */
  readonly decode: (text: string) => Effect.Effect<A, ParseResult.ParseError>
  /** Encodes an answer to its wire JSON. */
  readonly encodeSuccess: (value: A) => Effect.Effect<unknown, ParseResult.ParseError>
  /**
   * What a 404 becomes: of the two errors, `NotFoundException` where the operation lists 404,
   * else `UnexpectedStatusError`. The caller makes them (from a body, or from fields).
   */
  readonly onNotFound: (errors: NotFoundErrors) => NotFound
  /** The schemas, for documentation (OpenAPI). */
  readonly ast: {
    readonly body: AST.AST | undefined
    readonly success: AST.AST
  }
}

/**
 * Percent-encodes one path parameter so that it reaches the server as one opaque segment.
 *
 * @since 0.1.0
 * @category constructors
 */
export const segment = (value: string): string => encodeURIComponent(value)

interface MakeOptions<T extends string, In, InI, A, I, B, BI> {
  readonly operation: string
  readonly method: Method
  /** The path, each `{name}` parameter a whole segment and a field of the input. */
  readonly template: T
  readonly input: Schema.Schema<In, InI>
  readonly body?: Schema.Schema<B, BI> | undefined
  readonly success: Schema.Schema<A, I>
  /**
   * A decoder that checks exactly what `success` checks, faster (see `FastDecode` in
   * `@katanemo/models`); the schema still decodes whatever it refuses, for the error.
   */
  readonly fastDecode?: ((json: unknown) => A | undefined) | undefined
  /** Whether the operation lists 404: then a 404 is `NotFoundException`, else `UnexpectedStatusError`. */
  readonly listsNotFound: boolean
  /** Whether the operation needs a bearer token (default true). */
  readonly authenticated?: boolean | undefined
  /** Whether the request may be sent twice (default: every method but POST). */
  readonly idempotent?: boolean | undefined
  /** The secrets of a valid input, which no error of the call may show. */
  readonly secrets?: ((input: In) => ReadonlyArray<Redacted.Redacted<string>>) | undefined
}

/** Decodes a success body: the fast decoder when there is one and it accepts, else the schema. */
const decoder = <A, I>(
  success: Schema.Schema<A, I>,
  fast: ((json: unknown) => A | undefined) | undefined
): (text: string) => Effect.Effect<A, ParseResult.ParseError> => {
  const slow = Schema.decode(Schema.parseJson(success))
  if (fast === undefined) return slow
  return (text) => {
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      return slow(text)
    }
    const value = fast(json)
    return value === undefined ? slow(text) : Effect.succeed(value)
  }
}

/**
 * The segments of a template: it starts with `/`, and each `{name}` parameter is a whole segment.
 * Throws otherwise (an endpoint table is built once, when the module loads).
 */
const segmentsOf = (operation: string, template: string): ReadonlyArray<Segment> => {
  if (!template.startsWith("/")) throw new Error(`${operation}: the template ${template} does not start with /`)
  return template.split("/").slice(1).map((part) => {
    const param = /^\{(\w+)\}$/.exec(part)?.[1]
    if (param !== undefined) return { param }
    if (/[{}]/.test(part)) {
      throw new Error(`${operation}: in the template ${template}, ${part} is not a whole {param} segment`)
    }
    return { literal: part }
  })
}

/** The path of an input: each literal as it is, each parameter the input's field, percent-encoded. */
const pathOf = (segments: ReadonlyArray<Segment>) => (input: { readonly [field: string]: unknown }): string => {
  let path = ""
  for (const part of segments) path += "/" + ("literal" in part ? part.literal : segment(String(input[part.param])))
  return path
}

/** What an input must have for template `T`: a string for each parameter. */
type TemplateInput<T extends string> = { readonly [K in TemplateParams<T>]: string }

/** The account of an input, where the template has an `{accountId}` parameter. */
const accountOf = (segments: ReadonlyArray<Segment>) =>
  segments.some((part) => "param" in part && part.param === "accountId")
    ? (input: { readonly [field: string]: unknown }): string | undefined => String(input.accountId)
    : (): undefined => undefined

/**
 * Builds an {@link Endpoint}; its schemas are compiled here, once, not per call. The path comes
 * from the template: the compiler checks that each of its parameters is a string field of the
 * input, and `make` throws on a parameter that is not a whole segment.
 *
 * @since 0.1.0
 * @category constructors
 */
export function make<
  const T extends string,
  In extends TemplateInput<T>,
  InI,
  A,
  I,
  B = never,
  BI = never
>(
  options: MakeOptions<T, In, InI, A, I, B, BI> & { readonly listsNotFound: true }
): Endpoint<In, A, NotFoundException>
export function make<
  const T extends string,
  In extends TemplateInput<T>,
  InI,
  A,
  I,
  B = never,
  BI = never
>(
  options: MakeOptions<T, In, InI, A, I, B, BI> & { readonly listsNotFound: false }
): Endpoint<In, A, UnexpectedStatusError>
export function make<
  const T extends string,
  In extends TemplateInput<T>,
  InI,
  A,
  I,
  B = never,
  BI = never
>(
  options: MakeOptions<T, In, InI, A, I, B, BI>
): Endpoint<In, A, NotFoundException | UnexpectedStatusError> {
  const segments = segmentsOf(options.operation, options.template)
  return {
    operation: options.operation,
    method: options.method,
    template: options.template,
    segments,
    listsNotFound: options.listsNotFound,
    authenticated: options.authenticated ?? true,
    idempotent: options.idempotent ?? options.method !== "POST",
    validate: Schema.validateEither(options.input, { errors: "all" }),
    decodeInput: Schema.decodeUnknown(options.input, { errors: "all" }),
    path: pathOf(segments),
    body: options.body === undefined ? undefined : Schema.encodeUnknownEither(options.body, { errors: "all" }),
    accountId: accountOf(segments),
    secrets: options.secrets,
    decode: decoder(options.success, options.fastDecode),
    encodeSuccess: Schema.encode(options.success),
    onNotFound: options.listsNotFound ? ({ listed }) => listed() : ({ unlisted }) => unlisted(),
    ast: { body: options.body?.ast, success: options.success.ast }
  }
}
