/**
 * The HTTP contract of one operation: its method, path, input, body and answer, described once.
 * The live client sends requests from these; `@katanemo/testing` answers them from the same
 * descriptions (and derives its OpenAPI document from them), so both sides agree by
 * construction.
 *
 * @since 0.1.0
 */
import type { NotFoundException } from "@katanemo/models"
import * as Effect from "effect/Effect"
import type * as Either from "effect/Either"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type * as AST from "effect/SchemaAST"
import type { UnexpectedStatusError } from "./Errors.js"
import { notFound, unexpectedStatus } from "./internal/interpret.js"

/**
 * @since 0.1.0
 * @category models
 */
export type Method = "GET" | "POST" | "PUT" | "DELETE"

/**
 * What an error learns of the call it came from.
 *
 * @since 0.1.0
 * @category models
 */
export interface Call {
  readonly operation: string
  readonly method: Method
  readonly path: string
}

/**
 * What an error learns of the response it came from.
 *
 * @since 0.1.0
 * @category models
 */
export interface Answer extends Call {
  readonly status: number
  readonly requestId?: string
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
  /** Whether the operation lists 404 (`NotFoundException`). */
  readonly listsNotFound: boolean
  /** Checks an input (path ids and body fields) as a caller passes it. */
  readonly validate: (input: unknown) => Either.Either<In, ParseResult.ParseError>
  /** Reads an input from the wire (path ids and the JSON body), as a server receives it. */
  readonly decodeInput: (input: unknown) => Effect.Effect<In, ParseResult.ParseError>
  /** The request path from a valid input, each parameter percent-encoded by {@link segment}. */
  readonly path: (input: In) => string
  /** The wire body from a valid input; absent for operations without one. */
  readonly body: ((input: In) => Either.Either<unknown, ParseResult.ParseError>) | undefined
  /** The account an input addresses. */
  readonly accountId: (input: In) => string
  /** Decodes a success body from its text. */
  readonly decode: (text: string) => Effect.Effect<A, ParseResult.ParseError>
  /** Encodes an answer to its wire JSON. */
  readonly encodeSuccess: (value: A) => Effect.Effect<unknown, ParseResult.ParseError>
  /**
   * What a 404 becomes: `NotFoundException` where the operation lists it. `scrub` takes a
   * secret (the client's token) out of the strings it keeps from the body.
   */
  readonly onNotFound: (answer: Answer, text: string, scrub?: (text: string) => string) => NotFound
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

interface MakeOptions<In, InI, A, I, B, BI> {
  readonly operation: string
  readonly method: Method
  readonly template: string
  readonly input: Schema.Schema<In, InI>
  readonly path: (input: In) => string
  readonly body?: Schema.Schema<B, BI> | undefined
  readonly success: Schema.Schema<A, I>
  /**
   * A decoder that checks exactly what `success` checks, faster (see `FastDecode` in
   * `@katanemo/models`); the schema still decodes whatever it refuses, for the error.
   */
  readonly fastDecode?: ((json: unknown) => A | undefined) | undefined
  /** Whether the operation lists 404: then a 404 is `NotFoundException`, else `UnexpectedStatusError`. */
  readonly listsNotFound: boolean
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
 * Builds an {@link Endpoint}; its schemas are compiled here, once, not per call.
 *
 * @since 0.1.0
 * @category constructors
 */
export function make<In extends { readonly accountId: string }, InI, A, I, B = never, BI = never>(
  options: MakeOptions<In, InI, A, I, B, BI> & { readonly listsNotFound: true }
): Endpoint<In, A, NotFoundException>
export function make<In extends { readonly accountId: string }, InI, A, I, B = never, BI = never>(
  options: MakeOptions<In, InI, A, I, B, BI> & { readonly listsNotFound: false }
): Endpoint<In, A, UnexpectedStatusError>
export function make<In extends { readonly accountId: string }, InI, A, I, B = never, BI = never>(
  options: MakeOptions<In, InI, A, I, B, BI>
): Endpoint<In, A, NotFoundException | UnexpectedStatusError> {
  return {
    operation: options.operation,
    method: options.method,
    template: options.template,
    listsNotFound: options.listsNotFound,
    validate: Schema.validateEither(options.input, { errors: "all" }),
    decodeInput: Schema.decodeUnknown(options.input, { errors: "all" }),
    path: options.path,
    body: options.body === undefined ? undefined : Schema.encodeUnknownEither(options.body, { errors: "all" }),
    accountId: (input) => input.accountId,
    decode: decoder(options.success, options.fastDecode),
    encodeSuccess: Schema.encode(options.success),
    onNotFound: options.listsNotFound ? notFound : unexpectedStatus,
    ast: { body: options.body?.ast, success: options.success.ast }
  }
}
