/**
 * Every typed failure as one clear line and an exit code.
 */
import type { AddressedError } from "@katanemo/client"
import * as Data from "effect/Data"

/** The CLI's exit codes. */
export const ExitCode = {
  /** Success. */
  ok: 0,
  /** The API answered with an error (4xx, 5xx). */
  api: 1,
  /** The command line or its input was wrong: nothing was sent. */
  usage: 2,
  /** The API could not be reached, or did not answer in time. */
  network: 3,
  /** A bug: an unexpected failure. */
  internal: 70
} as const

/** A failure already reported to the user: ends the command with `code`. */
export class CliExit extends Data.TaggedError("CliExit")<{ readonly code: number }> {}

const said = (
  message: string | undefined,
  fallback: string
) => (message === undefined || message === "" ? fallback : message)

/** The line to print and the exit code for a failed call. */
export const describe = (
  error: AddressedError,
  baseUrl: string
): { readonly message: string; readonly code: number } => {
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
          + "Set KATANEMO_API_TOKEN (or pass --token) to a valid API token.",
        code: ExitCode.api
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
