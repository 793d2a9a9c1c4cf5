/**
 * The Promise API's types follow the Effect service's: one method per operation, each with the
 * operation's input and a promise of its answer, so a new operation cannot be left out.
 */
import { describe, expectTypeOf, it } from "@effect/vitest"
import type { Operation, RawResponse, UserInput } from "@katanemo/client"
import type { CallOptions, KatanemoIdentity, Methods } from "@katanemo/client/KatanemoIdentity"
import type { ClientKeyResponse, UserResponse } from "@katanemo/models"

describe("KatanemoIdentity's types", () => {
  it("has a method for exactly each operation, on the class and on raw", () => {
    expectTypeOf<keyof Methods>().toEqualTypeOf<Operation>()
    expectTypeOf<KatanemoIdentity>().toMatchTypeOf<Methods>()
    expectTypeOf<keyof KatanemoIdentity["raw"]>().toEqualTypeOf<Operation>()
  })

  it("each method takes the operation's input and answers a promise of its answer", () => {
    expectTypeOf<KatanemoIdentity["getUser"]>().parameter(0).toEqualTypeOf<UserInput>()
    expectTypeOf<KatanemoIdentity["getUser"]>().parameter(1).toEqualTypeOf<CallOptions | undefined>()
    expectTypeOf<KatanemoIdentity["getUser"]>().returns.resolves.toEqualTypeOf<UserResponse>()
    expectTypeOf<KatanemoIdentity["createClientKey"]>().returns.resolves.toEqualTypeOf<ClientKeyResponse>()
    expectTypeOf<KatanemoIdentity["raw"]["getUser"]>().returns.resolves.toEqualTypeOf<RawResponse>()
    expectTypeOf<CallOptions["signal"]>().toEqualTypeOf<AbortSignal | undefined>()
  })
})
