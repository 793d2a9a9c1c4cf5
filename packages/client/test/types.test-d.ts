/**
 * Type-level tests: each method's error channel is exactly its modelled exceptions plus the
 * SDK's own errors, and an endpoint's template names only fields of its input. Checked by tsc, both in `pnpm check` and in `vitest run` (its typecheck mode:
 * a wrong type is a failed test there).
 */
import { describe, expectTypeOf, it } from "@effect/vitest"
import {
  type BadRequestException,
  type ConflictException,
  type CreateUserInput,
  type CredentialsError,
  Endpoint,
  type IdentityApi,
  type InternalServerErrorException,
  type InvalidRequestError,
  KeyInput,
  type NotFoundException,
  type RawError,
  type RawResponse,
  type ResponseDecodeError,
  type TimeoutError,
  type TooManyRequestsException,
  type TransportError,
  type UnauthorizedException,
  type UnexpectedStatusError,
  type UpdateUserInput,
  type UserInput
} from "@katanemo/client"
import { IdentityError } from "@katanemo/client"
import type {
  AccountId,
  ApiException,
  ClientKeyObject,
  ClientKeyResponse,
  TokenResponse,
  UserId,
  UserResponse
} from "@katanemo/models"
import type * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"

type ErrorOf<K extends keyof Omit<IdentityApi.Service, "raw">> = Effect.Effect.Error<ReturnType<IdentityApi.Service[K]>>
type SuccessOf<K extends keyof Omit<IdentityApi.Service, "raw">> = Effect.Effect.Success<
  ReturnType<IdentityApi.Service[K]>
>

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
  | CredentialsError

describe("error channels", () => {
  it("operations on a collection fail with the common errors, without NotFoundException", () => {
    expectTypeOf<ErrorOf<"createClientKey">>().toEqualTypeOf<Common>()
    expectTypeOf<ErrorOf<"getClientKeyList">>().toEqualTypeOf<Common>()
    expectTypeOf<ErrorOf<"createUserForAccount">>().toEqualTypeOf<Common>()
    expectTypeOf<ErrorOf<"getUsersForAccount">>().toEqualTypeOf<Common>()
  })

  it("the token exchange fails with the common errors, without NotFoundException", () => {
    expectTypeOf<ErrorOf<"getShortTermToken">>().toEqualTypeOf<Common>()
  })

  it("operations on one key or user add NotFoundException", () => {
    expectTypeOf<ErrorOf<"getClientKey">>().toEqualTypeOf<Common | NotFoundException>()
    expectTypeOf<ErrorOf<"deleteClientKey">>().toEqualTypeOf<Common | NotFoundException>()
    expectTypeOf<ErrorOf<"getUser">>().toEqualTypeOf<Common | NotFoundException>()
    expectTypeOf<ErrorOf<"updateUser">>().toEqualTypeOf<Common | NotFoundException>()
  })

  it("raw calls fail only before an answer arrives", () => {
    expectTypeOf<Effect.Effect.Error<ReturnType<IdentityApi.Service["raw"]["getUser"]>>>().toEqualTypeOf<RawError>()
    expectTypeOf<RawError>().toEqualTypeOf<
      InvalidRequestError | TransportError | TimeoutError | CredentialsError
    >()
    expectTypeOf<Effect.Effect.Success<ReturnType<IdentityApi.Service["raw"]["getUser"]>>>().toEqualTypeOf<
      RawResponse
    >()
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
    expectTypeOf<SuccessOf<"getShortTermToken">>().toEqualTypeOf<TokenResponse>()
  })

  it("each error can be caught by its tag, leaving the rest", () => {
    type AfterCatch = Exclude<ErrorOf<"getUser">, { readonly _tag: "NotFoundException" | "ConflictException" }>
    expectTypeOf<AfterCatch>().toEqualTypeOf<Exclude<Common, ConflictException>>()
  })
})

describe("inputs take plain strings; results keep branded ids", () => {
  it("every id of an input is a plain string", () => {
    expectTypeOf<UserInput>().toEqualTypeOf<{ readonly accountId: string; readonly userId: string }>()
    expectTypeOf<Parameters<IdentityApi.Service["getUser"]>[0]>().toEqualTypeOf<UserInput>()
    expectTypeOf<Parameters<IdentityApi.Service["raw"]["getUser"]>[0]>().toEqualTypeOf<UserInput>()
    expectTypeOf<{ accountId: "acme"; userId: "ada" }>().toMatchTypeOf<UserInput>()
  })

  it("optional fields stay optional, and take no null", () => {
    expectTypeOf<CreateUserInput>().toEqualTypeOf<{
      readonly accountId: string
      readonly userId?: string
      readonly tags?: { readonly [x: string]: ReadonlyArray<string> }
      readonly roles?: ReadonlyArray<string>
    }>()
    expectTypeOf<{ accountId: "acme"; roles: null }>().not.toMatchTypeOf<CreateUserInput>()
    expectTypeOf<UpdateUserInput["userId"]>().toEqualTypeOf<string>()
  })

  it("an answer's ids are branded", () => {
    expectTypeOf<UserResponse["accountId"]>().toEqualTypeOf<AccountId>()
    expectTypeOf<UserResponse["userId"]>().toEqualTypeOf<UserId | undefined>()
  })
})

/** A value of an operation's error type, for the narrowing checks (type tests are not run). */
declare const anError: ErrorOf<"getUser">

describe("error groups", () => {
  type Sdk =
    | InvalidRequestError
    | UnexpectedStatusError
    | TransportError
    | TimeoutError
    | ResponseDecodeError
    | CredentialsError

  it("the unions", () => {
    expectTypeOf<IdentityError.ApiException>().toEqualTypeOf<ApiException>()
    expectTypeOf<IdentityError.SdkError>().toEqualTypeOf<Sdk>()
    expectTypeOf<IdentityError.TransportFailure>().toEqualTypeOf<TransportError | TimeoutError>()
    expectTypeOf<IdentityError.Any>().toEqualTypeOf<ApiException | Sdk>()
    // every error an operation can fail with is in the groups, and the groups hold nothing else
    expectTypeOf<ErrorOf<"getUser">>().toEqualTypeOf<IdentityError.Any>()
  })

  it("the predicates narrow to their group, and to the rest when false", () => {
    const error = anError
    if (IdentityError.isApiException(error)) expectTypeOf(error).toEqualTypeOf<ApiException>()
    else expectTypeOf(error).toEqualTypeOf<Sdk>()
    if (IdentityError.isSdkError(error)) expectTypeOf(error).toEqualTypeOf<Sdk>()
    else expectTypeOf(error).toEqualTypeOf<ApiException>()
    if (IdentityError.isTransportFailure(error)) expectTypeOf(error).toEqualTypeOf<TransportError | TimeoutError>()
    // retryable is not a group of types (a TransportError may or may not be): it does not narrow
    expectTypeOf(IdentityError.isRetryable).returns.toEqualTypeOf<boolean>()
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
      .toEqualTypeOf<typeof KeyInput.Type>()
    // @ts-expect-error: userId is not a field of KeyInput
    Endpoint.make({ ...probe, template: "/org/{accountId}/user/{userId}" })
  })
})
