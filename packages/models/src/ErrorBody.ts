/**
 * The body of the `default` response of every operation.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * The vendor spec's `Error` schema: what an operation answers with any status it does not
 * list (`{ code, message }`). Named `ErrorBody` here so that it does not shadow the global
 * `Error`; its schema identifier stays `Error`.
 *
 * @since 0.1.0
 * @category models
 */
export class ErrorBody extends Schema.Class<ErrorBody>("Error")({
  code: Schema.Int.annotations({ description: "Error code (int32)" }),
  message: Schema.String
}) {}
