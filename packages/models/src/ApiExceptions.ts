/**
 * The API's exceptions as one table: for each, its HTTP status, its class and the spec's
 * description of its response. The client reads a status into an exception from it, the testing
 * package answers an exception with its status and documents the statuses from it: adding an
 * exception means adding it here (the compiler refuses the table until every exception of
 * {@link ApiException} has its entry).
 *
 * @example
 * ```ts
 * import { ApiExceptions, ConflictException } from "@katanemo/models"
 * import * as Option from "effect/Option"
 * import { deepStrictEqual, strictEqual } from "node:assert"
 *
 * strictEqual(ApiExceptions.statusOf(new ConflictException({ message: "key ci-bot exists" })), 409)
 * deepStrictEqual(Option.map(ApiExceptions.byStatus(429), (entry) => entry.tag), Option.some("TooManyRequestsException"))
 * strictEqual(ApiExceptions.byTag.NotFoundException.description, "Not Found Exception")
 * ```
 *
 * @since 0.1.0
 */
import * as Option from "effect/Option"
import type * as Schema from "effect/Schema"
import {
  type ApiException,
  type ApiExceptionClass,
  type ApiExceptionFields,
  type ApiExceptionTag,
  BadRequestException,
  ConflictException,
  InternalServerErrorException,
  NotFoundException,
  TooManyRequestsException,
  UnauthorizedException
} from "./Errors.js"

/**
 * What an exception's constructor takes: any of {@link ApiExceptionFields}.
 *
 * @since 0.1.0
 * @category models
 */
export type Props = Schema.Struct.Constructor<typeof ApiExceptionFields>

/**
 * One exception of the table.
 *
 * @since 0.1.0
 * @category models
 */
export interface Entry<E extends ApiException = ApiException> {
  /** The exception's tag, which is also its class name. */
  readonly tag: E["_tag"]
  /** The HTTP status the API answers it with. */
  readonly status: number
  /** The class, to decode the exception's body with (`ApiExceptionFromBody`) or to make one. */
  readonly exception: ApiExceptionClass<E> & (new(props: Props) => E)
  /** The spec's description of the response (the `description` of its status in OpenAPI). */
  readonly description: string
}

/**
 * The table's type: one {@link Entry} for each tag of {@link ApiException}, no more, no less.
 *
 * @since 0.1.0
 * @category models
 */
export type Table = { readonly [K in ApiExceptionTag]: Entry<Extract<ApiException, { readonly _tag: K }>> }

/**
 * Any entry of the table; its `tag` tells which (`entry.tag === "NotFoundException"` narrows
 * `entry.exception` to `NotFoundException`).
 *
 * @since 0.1.0
 * @category models
 */
export type AnyEntry = Table[ApiExceptionTag]

/**
 * The table, by tag. (The spec describes no 404 on the identity operations; "Not Found Exception"
 * follows its other descriptions.)
 *
 * @since 0.1.0
 * @category table
 */
export const byTag: Table = {
  BadRequestException: {
    tag: "BadRequestException",
    status: 400,
    exception: BadRequestException,
    description: "Bad Request Exception"
  },
  UnauthorizedException: {
    tag: "UnauthorizedException",
    status: 401,
    exception: UnauthorizedException,
    description: "Unauthorized Exception"
  },
  NotFoundException: {
    tag: "NotFoundException",
    status: 404,
    exception: NotFoundException,
    description: "Not Found Exception"
  },
  ConflictException: {
    tag: "ConflictException",
    status: 409,
    exception: ConflictException,
    description: "Conflict Exception"
  },
  TooManyRequestsException: {
    tag: "TooManyRequestsException",
    status: 429,
    exception: TooManyRequestsException,
    description: "Too Many Requests Exception"
  },
  InternalServerErrorException: {
    tag: "InternalServerErrorException",
    status: 500,
    exception: InternalServerErrorException,
    description: "Internal Server Error"
  }
}

/**
 * Every entry, by ascending status.
 *
 * @since 0.1.0
 * @category table
 */
export const all: ReadonlyArray<AnyEntry> = Object.values(byTag).sort((a, b) => a.status - b.status)

const statuses = new Map(all.map((entry) => [entry.status, entry]))

/**
 * The entry of the exception the API answers `status` with; none for a status that is no
 * exception's.
 *
 * @since 0.1.0
 * @category table
 */
export const byStatus = (status: number): Option.Option<AnyEntry> => Option.fromNullable(statuses.get(status))

/**
 * The HTTP status the API answers an exception with.
 *
 * @since 0.1.0
 * @category table
 */
export const statusOf = (exception: ApiException): number => byTag[exception._tag].status
