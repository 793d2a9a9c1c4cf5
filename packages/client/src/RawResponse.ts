/**
 * The undecoded answer of a call, for `identity.raw.*`: the equivalent of the Python SDK's
 * `skip_deserialization`.
 *
 * @since 0.1.0
 */
/**
 * A response as it arrived, after retries: any status, the headers and the body text. Nothing is
 * decoded and no status is turned into an error.
 *
 * @since 0.1.0
 * @category models
 */
export interface RawResponse {
  /** The HTTP status. */
  readonly status: number
  /** The response headers (lower-case names). */
  readonly headers: Readonly<Record<string, string>>
  /** The body, as text (empty when there was none). */
  readonly body: string
  /** The response's request id header, when it had one. */
  readonly requestId: string | undefined
}
