/**
 * Type-level tests: each method's error channel is exactly its modelled exceptions plus the
 * SDK's own errors, and an endpoint's template names only fields of its input. Checked by tsc, both in `pnpm check` and in `vitest run` (its typecheck mode:
 * a wrong type is a failed test there).
 */
import { describe, expectTypeOf, it } from "@effect/vitest"
import {
  type BadRequestException,
  type ConflictException,
  Endpoint,
  type InternalServerErrorException,
  type InvalidRequestError,
  KeyInput,
  type NotFoundException,
  type RawError,
  type RawResponse,
  type ResponseDecodeError,
  type Service,
  type TimeoutError,
  type TooManyRequestsException,
  type TransportError,
  type UnauthorizedException,
  type UnexpectedStatusError
} from "@katanemo/client"
import type { ClientKeyObject, ClientKeyResponse, UserResponse } from "@katanemo/models"
import type * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"

type ErrorOf<K extends keyof Omit<Service, "raw">> = Effect.Effect.Error<ReturnType<Service[K]>>
type SuccessOf<K extends keyof Omit<Service, "raw">> = Effect.Effect.Success<ReturnType<Service[K]>>

type Common =
  | BadRequestException
  | UnauthorizedException
  | ConflictException
  | TooManyRequestsException
  | InternalServerErrorException
  | UnexpectedStatusError
  | InvalidRequestError
  | TransportError
  | TimeoutError
  | ResponseDecodeError

describe("error channels", () => {
  it("operations on a collection fail with the common errors, without NotFoundException", () => {
    expectTypeOf<ErrorOf<"createClientKey">>().toEqualTypeOf<Common>()
    expectTypeOf<ErrorOf<"getClientKeyList">>().toEqualTypeOf<Common>()
    expectTypeOf<ErrorOf<"createUserForAccount">>().toEqualTypeOf<Common>()
    expectTypeOf<ErrorOf<"getUsersForAccount">>().toEqualTypeOf<Common>()
  })

  it("operations on one key or user add NotFoundException", () => {
    expectTypeOf<ErrorOf<"getClientKey">>().toEqualTypeOf<Common | NotFoundException>()
    expectTypeOf<ErrorOf<"deleteClientKey">>().toEqualTypeOf<Common | NotFoundException>()
    expectTypeOf<ErrorOf<"getUser">>().toEqualTypeOf<Common | NotFoundException>()
    expectTypeOf<ErrorOf<"updateUser">>().toEqualTypeOf<Common | NotFoundException>()
  })

  it("raw calls fail only before an answer arrives", () => {
    expectTypeOf<Effect.Effect.Error<ReturnType<Service["raw"]["getUser"]>>>().toEqualTypeOf<RawError>()
    expectTypeOf<RawError>().toEqualTypeOf<InvalidRequestError | TransportError | TimeoutError>()
    expectTypeOf<Effect.Effect.Success<ReturnType<Service["raw"]["getUser"]>>>().toEqualTypeOf<RawResponse>()
  })

  it("successes are the decoded models", () => {
    expectTypeOf<SuccessOf<"createClientKey">>().toEqualTypeOf<ClientKeyResponse>()
    expectTypeOf<SuccessOf<"getClientKeyList">>().toEqualTypeOf<ReadonlyArray<ClientKeyObject>>()
    expectTypeOf<SuccessOf<"getClientKey">>().toEqualTypeOf<ClientKeyObject>()
    expectTypeOf<SuccessOf<"deleteClientKey">>().toEqualTypeOf<string>()
    expectTypeOf<SuccessOf<"createUserForAccount">>().toEqualTypeOf<UserResponse>()
    expectTypeOf<SuccessOf<"getUsersForAccount">>().toEqualTypeOf<ReadonlyArray<UserResponse>>()
    expectTypeOf<SuccessOf<"getUser">>().toEqualTypeOf<UserResponse>()
    expectTypeOf<SuccessOf<"updateUser">>().toEqualTypeOf<UserResponse>()
  })

  it("each error can be caught by its tag, leaving the rest", () => {
    type AfterCatch = Exclude<ErrorOf<"getUser">, { readonly _tag: "NotFoundException" | "ConflictException" }>
    expectTypeOf<AfterCatch>().toEqualTypeOf<Exclude<Common, ConflictException>>()
  })
})

describe("Endpoint.make", () => {
  it("takes a template only when each of its parameters is a string field of the input", () => {
    const probe = {
      operation: "probe",
      method: "GET",
      input: KeyInput,
      success: Schema.String,
      listsNotFound: false
    } as const
    expectTypeOf(Endpoint.make({ ...probe, template: "/org/{accountId}/key/{keyId}" }).path).parameter(0)
      .toEqualTypeOf<KeyInput>()
    // @ts-expect-error: userId is not a field of KeyInput
    Endpoint.make({ ...probe, template: "/org/{accountId}/user/{userId}" })
  })
})
