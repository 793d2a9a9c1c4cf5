/**
 * Every failure as one clear line (or one JSON object, with `--json`) and an exit code.
 */
import { type AddressedError, TimeoutError, TransportError } from "@katanemo/client"
import * as Schema from "effect/Schema"

/** The CLI's exit codes. */
export const ExitCode = {
  /** Success. */
  ok: 0,
  /** The API answered with an error (4xx, 5xx). */
  api: 1,
  /** The command line or its input was wrong, or a deletion was not confirmed: nothing was sent. */
  usage: 2,
  /** The API could not be reached, or did not answer in time. */
  network: 3,
  /** A bug (or a broken install): an unexpected failure. */
  internal: 70
} as const

const exactOptional = <S extends Schema.Schema.Any>(schema: S) => Schema.optionalWith(schema, { exact: true })

/**
 * A failure of a command, not yet printed: `run` prints it once, as `katanemo: <message>` or,
 * with `--json`, as `{"error": {...}}`, both on stderr, and ends with `exitCode`.
 *
 * `tag` names the kind of failure: the client's error tag (`ConflictException`,
 * `TransportError`, …), `UsageError`, `Cancelled` or `InternalError`.
 */
export class CliError extends Schema.TaggedError<CliError>()("CliError", {
  tag: Schema.String,
  message: Schema.String,
  exitCode: Schema.Int,
  status: exactOptional(Schema.Int),
  operation: exactOptional(Schema.String),
  requestId: exactOptional(Schema.String)
}) {}

/** A usage error: the command line or the environment was wrong; nothing was sent. */
export const usage = (message: string): CliError =>
  new CliError({ tag: "UsageError", message, exitCode: ExitCode.usage })

/** A bug or a broken install. */
export const internal = (message: string): CliError =>
  new CliError({ tag: "InternalError", message: `internal error: ${message}`, exitCode: ExitCode.internal })

/**
 * The line printed on stderr for `error`: control characters (a newline in an id, a server's
 * message or an escape sequence) are shown escaped, so it stays one line and prints no colour.
 */
export const line = (error: CliError): string =>
  `katanemo: ${
    error.message.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) =>
      `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
  }`

/** The JSON object printed on stderr for `error` with `--json` (one line). */
export const json = (error: CliError): string =>
  JSON.stringify({
    error: {
      tag: error.tag,
      message: error.message,
      exitCode: error.exitCode,
      ...(error.status === undefined ? {} : { status: error.status }),
      ...(error.operation === undefined ? {} : { operation: error.operation }),
      ...(error.requestId === undefined ? {} : { requestId: error.requestId })
    }
  })

const said = (
  message: string | undefined,
  fallback: string
) => (message === undefined || message === "" ? fallback : message)

const messageOf = (error: AddressedError, baseUrl: string): { readonly message: string; readonly code: number } => {
  const where = `${error.method} ${error.path}`
  switch (error._tag) {
    case "InvalidRequestError":
      return { message: `invalid input: ${error.issues.join("; ")}`, code: ExitCode.usage }
    case "BadRequestException":
      return {
        message: `bad request: ${said(error.message, "the API refused the request")} (400 on ${where})`,
        code: ExitCode.api
      }
    case "UnauthorizedException":
      return {
        message: `unauthorized: ${said(error.message, "missing or invalid token")}. `
          + "Set KATANEMO_API_TOKEN (or pass --token) to a valid API token, or KATANEMO_CLIENT_ID and "
          + "KATANEMO_CLIENT_SECRET to an API key's id and secret.",
        code: ExitCode.api
      }
    case "CredentialsError":
      return error.reason === "Rejected"
        ? {
          message: `unauthorized: ${error.message}. Check KATANEMO_CLIENT_ID and KATANEMO_CLIENT_SECRET.`,
          code: ExitCode.api
        }
        : {
          message: `cannot obtain a token from the Katanemo API at ${baseUrl}: ${error.message}`,
          code: error.cause instanceof TransportError || error.cause instanceof TimeoutError
            ? ExitCode.network
            : ExitCode.api
        }
    case "NotFoundException":
      return { message: `not found: ${said(error.message, `nothing at ${error.path}`)}`, code: ExitCode.api }
    case "ConflictException":
      return {
        message: `conflict: ${
          said(
            error.message,
            error.operation === "createClientKey"
              ? "a key with that name already exists in the account"
              : "that user already exists in the account"
          )
        } (409 on ${where})`,
        code: ExitCode.api
      }
    case "TooManyRequestsException":
      return {
        message: `rate limited: ${said(error.message, "too many requests")}; try again shortly`,
        code: ExitCode.api
      }
    case "InternalServerErrorException":
      return {
        message: `server error: ${said(error.message, "the API failed")} (500 on ${where}${
          error.requestId === undefined ? "" : `, request id ${error.requestId}`
        })`,
        code: ExitCode.api
      }
    case "UnexpectedStatusError":
      return { message: `unexpected answer: ${error.message}`, code: ExitCode.api }
    case "ResponseDecodeError":
      return { message: `unexpected answer: ${error.message}`, code: ExitCode.api }
    case "TransportError":
      return {
        message:
          `cannot reach the Katanemo API at ${baseUrl}: ${error.detail}. Check KATANEMO_BASE_URL (or --base-url).`,
        code: ExitCode.network
      }
    case "TimeoutError":
      return { message: `no answer from the Katanemo API at ${baseUrl}: ${error.message}`, code: ExitCode.network }
  }
}

/** The failure for a failed call: its message, exit code, and what is known of the call. */
export const describe = (error: AddressedError, baseUrl: string): CliError => {
  const { code, message } = messageOf(error, baseUrl)
  const status = "status" in error ? error.status : undefined
  const requestId = "requestId" in error ? error.requestId : undefined
  return new CliError({
    tag: error._tag,
    message,
    exitCode: code,
    ...(status === undefined ? {} : { status }),
    ...(error.operation === undefined ? {} : { operation: error.operation }),
    ...(requestId === undefined ? {} : { requestId })
  })
}
