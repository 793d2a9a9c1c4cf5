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
import { ApiException } from "@katanemo/models"
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

const isTagged = (json: object, tag: string): boolean => {
  const keys = Object.keys(json)
  return keys.length === 1 && keys[0] === tag
}

/** The value {@link toJson} was given. */
export const fromJson = (json: unknown): unknown => {
  if (json === null || typeof json !== "object") return json
  if (Array.isArray(json)) return json.map(fromJson)
  const record: { readonly [key: string]: unknown } = { ...json }
  if (isTagged(record, "$undefined")) return undefined
  if (isTagged(record, "$number")) return Number(record["$number"])
  if (isTagged(record, "$redacted")) return Redacted.make(fromJson(record["$redacted"]))
  if (isTagged(record, "$duration")) return Duration.millis(Number(fromJson(record["$duration"])))
  return Object.fromEntries(Object.entries(record).map(([key, field]) => [key, fromJson(field)]))
}

/** What a raw call can fail with (`RawError`): the SDK's errors before any answer is read. */
export const RawCallError = Schema.Union(InvalidRequestError, TransportError, TimeoutError, CredentialsError)

/** Every error a call can fail with: the API's exceptions and the SDK's own errors. */
export const CallError = Schema.Union(
  ApiException,
  InvalidRequestError,
  UnexpectedStatusError,
  TransportError,
  TimeoutError,
  ResponseDecodeError,
  CredentialsError
)

/** One call, as the test asks for it: `raw` for `raw.<operation>`; input and options {@link toJson}'d. */
export const CallRequest = Schema.parseJson(Schema.Struct({
  operation: Schema.String,
  raw: Schema.Boolean,
  input: Schema.Unknown,
  options: Schema.Unknown
}))

/**
 * A call's outcome: the answer as its wire JSON (the endpoint's own encoding, or the raw response
 * {@link toJson}'d), an error as its schema encodes it, or a defect's text: the other side died.
 */
export const CallOutcome = Schema.parseJson(Schema.Union(
  Schema.TaggedStruct("Success", { value: Schema.Unknown }),
  Schema.TaggedStruct("Failure", { error: Schema.Unknown }),
  Schema.TaggedStruct("Die", { message: Schema.String })
))

/** What the Promise API's check answers: the users it listed, and the tag of a miss. */
export const FacadeOutcome = Schema.Struct({ users: Schema.Array(Schema.String), missing: Schema.String })

/**
 * What the bridge offers in the other runtime, as `globalThis.katanemoBridge`: clients by id, calls
 * by id (so that one can be aborted), every argument and answer a JSON value (no `undefined`), so
 * that a message crosses any channel unchanged.
 */
export interface Bridge {
  /** A client on the fetch transport against `baseUrl`, without retries, with `token` unless null. */
  readonly open: (client: string, baseUrl: string, token: string | null) => Promise<void>
  /** A call of a client: a {@link CallRequest}, answered with a {@link CallOutcome}, each as JSON text. */
  readonly call: (client: string, call: string, request: string) => Promise<string>
  /** Aborts a call (its fiber is interrupted, its request aborted), also one that has not started yet. */
  readonly abort: (call: string) => Promise<void>
  /** Disposes of a client. */
  readonly close: (client: string) => Promise<void>
  /**
   * The Promise API with its default transport (none given) against `baseUrl`: invites
   * `ada@acme.example` into `acme`, lists the users and reads a user who is not there.
   */
  readonly facade: (baseUrl: string, token: string) => Promise<typeof FacadeOutcome.Type>
}

/** One call of the bridge as a message, for a runtime reached over HTTP (workerd). */
export const BridgeMessage = Schema.parseJson(Schema.Union(
  Schema.Struct({
    method: Schema.Literal("open"),
    args: Schema.Tuple(Schema.String, Schema.String, Schema.NullOr(Schema.String))
  }),
  Schema.Struct({ method: Schema.Literal("call"), args: Schema.Tuple(Schema.String, Schema.String, Schema.String) }),
  Schema.Struct({ method: Schema.Literal("abort"), args: Schema.Tuple(Schema.String) }),
  Schema.Struct({ method: Schema.Literal("close"), args: Schema.Tuple(Schema.String) }),
  Schema.Struct({ method: Schema.Literal("facade"), args: Schema.Tuple(Schema.String, Schema.String) })
))

declare global {
  /** Set by the bridge in the other runtime. */
  var katanemoBridge: Bridge | undefined
}
