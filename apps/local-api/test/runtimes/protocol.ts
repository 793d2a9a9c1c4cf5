/**
 * What crosses between a test in Node and a client running in another runtime (Chromium, an edge
 * VM): each call's operation, input and options one way, its outcome the other, as JSON text.
 *
 * Both sides import this file: the bridge bundles it for the other runtime, the test imports it in
 * Node. Values JSON cannot carry are tagged on the way and restored on arrival: `Redacted` (the
 * client secret of a token exchange), `Duration` (a call's timeout), `undefined` (a field set to
 * nothing is not a field left out) and non-finite numbers. An outcome's errors are encoded by
 * their own schemas (every error the client can fail with is a `Schema.TaggedError`), so they
 * arrive as instances of the same classes, with every field.
 */
import {
  CredentialsError,
  InvalidRequestError,
  ResponseDecodeError,
  TimeoutError,
  TransportError,
  UnexpectedStatusError
} from "@katanemo/client"
import {
  BadRequestException,
  ConflictException,
  InternalServerErrorException,
  NotFoundException,
  TooManyRequestsException,
  UnauthorizedException
} from "@katanemo/models"
import * as Duration from "effect/Duration"
import * as Predicate from "effect/Predicate"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"

/** A JSON value. */
export type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }

/** A value as JSON, with what JSON cannot carry tagged. */
export const toJson = (value: unknown): Json => {
  if (value === undefined) return { $undefined: true }
  if (value === null || typeof value === "boolean" || typeof value === "string") return value
  if (typeof value === "number") return Number.isFinite(value) ? value : { $number: String(value) }
  if (Redacted.isRedacted(value)) return { $redacted: toJson(Redacted.value(value)) }
  if (Duration.isDuration(value)) return { $duration: toJson(Duration.toMillis(value)) }
  if (Array.isArray(value)) return value.map(toJson)
  if (Predicate.isRecord(value) && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, toJson(field)]))
  }
  throw new TypeError(`cannot send ${String(value)} to another runtime`)
}

const isArray = (json: Json): json is ReadonlyArray<Json> => Array.isArray(json)

const isTagged = (json: { readonly [key: string]: Json }, tag: string): boolean => {
  const keys = Object.keys(json)
  return keys.length === 1 && keys[0] === tag
}

/** The value {@link toJson} was given. */
export const fromJson = (json: Json): unknown => {
  if (json === null || typeof json !== "object") return json
  if (isArray(json)) return json.map(fromJson)
  const record: { readonly [key: string]: Json } = json
  if (isTagged(record, "$undefined")) return undefined
  if (isTagged(record, "$number")) return Number(record["$number"])
  if (isTagged(record, "$redacted")) return Redacted.make(fromJson(record["$redacted"] ?? null))
  if (isTagged(record, "$duration")) return Duration.millis(Number(fromJson(record["$duration"] ?? null)))
  return Object.fromEntries(Object.entries(record).map(([key, field]) => [key, fromJson(field)]))
}

/** What a raw call can fail with (`RawError`): the SDK's errors before any answer is read. */
export const RawCallError = Schema.Union(InvalidRequestError, TransportError, TimeoutError, CredentialsError)

/** Every error a call can fail with: the API's exceptions and the SDK's own errors. */
export const CallError = Schema.Union(
  BadRequestException,
  UnauthorizedException,
  NotFoundException,
  ConflictException,
  TooManyRequestsException,
  InternalServerErrorException,
  InvalidRequestError,
  UnexpectedStatusError,
  TransportError,
  TimeoutError,
  ResponseDecodeError,
  CredentialsError
)

/** One call, as the test asks for it. */
export interface CallRequest {
  readonly operation: string
  /** `raw.<operation>` instead of the operation. */
  readonly raw: boolean
  readonly input: Json
  readonly options: Json
}

/**
 * A call's outcome: the answer as its wire JSON (the endpoint's own encoding, or the raw response
 * as JSON), an error as its schema encodes it, or a defect's text: the other side died.
 */
export type CallOutcome =
  | { readonly _tag: "Success"; readonly value: Json }
  | { readonly _tag: "Failure"; readonly error: Json }
  | { readonly _tag: "Die"; readonly message: string }

/**
 * What the bridge offers in the other runtime, as `globalThis.katanemoBridge`: clients by id, calls
 * by id (so that one can be aborted), every argument and answer a JSON value (no `undefined`), so
 * that a message crosses any channel unchanged.
 */
export interface Bridge {
  /** A client on the fetch transport against `baseUrl`, without retries, with `token` unless null. */
  readonly open: (client: string, baseUrl: string, token: string | null) => Promise<void>
  /** A call of a client; the answer is a {@link CallOutcome} as JSON text. */
  readonly call: (client: string, call: string, request: string) => Promise<string>
  /** Aborts a call still running (its fiber is interrupted, its request aborted). */
  readonly abort: (call: string) => Promise<void>
  /** Disposes of a client. */
  readonly close: (client: string) => Promise<void>
}

/** One call of the bridge as a message, for a runtime reached over HTTP (workerd). */
export type BridgeMessage = {
  readonly [K in keyof Bridge]: { readonly method: K; readonly args: Parameters<Bridge[K]> }
}[keyof Bridge]

/** What the Promise API's check (`facade.ts`) answers: the users it listed, and the tag of a miss. */
export interface FacadeOutcome {
  readonly users: ReadonlyArray<string>
  readonly missing: string
}

declare global {
  /** Set by the bridge in the other runtime. */
  var katanemoBridge: Bridge | undefined
  /** Set by `facade.ts` in the other runtime. */
  var katanemoFacadeCheck: ((baseUrl: string, token: string) => Promise<FacadeOutcome>) | undefined
}
