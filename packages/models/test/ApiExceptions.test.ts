import { assert, describe, it } from "@effect/vitest"
import { ApiException, ApiExceptions, ConflictException, NotFoundException } from "@katanemo/models"
import * as Option from "effect/Option"

describe("ApiExceptions", () => {
  it("has one entry per exception of the ApiException union, under its tag, with its class", () => {
    assert.deepStrictEqual(
      ApiExceptions.all.map((entry) => entry.tag).sort(),
      ApiException.members.map((member) => member._tag).sort()
    )
    for (const member of ApiException.members) {
      const entry = ApiExceptions.byTag[member._tag]
      assert.strictEqual(entry.tag, member._tag)
      assert.strictEqual(entry.exception, member, member._tag)
    }
  })

  it("gives each exception the spec's status and description, by ascending status", () => {
    assert.deepStrictEqual(ApiExceptions.all.map(({ description, status, tag }) => [status, tag, description]), [
      [400, "BadRequestException", "Bad Request Exception"],
      [401, "UnauthorizedException", "Unauthorized Exception"],
      [404, "NotFoundException", "Not Found Exception"],
      [409, "ConflictException", "Conflict Exception"],
      [429, "TooManyRequestsException", "Too Many Requests Exception"],
      [500, "InternalServerErrorException", "Internal Server Error"]
    ])
  })

  it("finds each entry by its status, and none for a status that is no exception's", () => {
    for (const entry of ApiExceptions.all) {
      assert.deepStrictEqual(ApiExceptions.byStatus(entry.status), Option.some(entry), String(entry.status))
    }
    for (const status of [200, 403, 405, 418, 502, 0, -1, 400.5]) {
      assert.isTrue(Option.isNone(ApiExceptions.byStatus(status)), String(status))
    }
  })

  it("answers each exception's status", () => {
    for (const entry of ApiExceptions.all) {
      assert.strictEqual(ApiExceptions.statusOf(new entry.exception({ message: "m" })), entry.status, entry.tag)
    }
    assert.strictEqual(ApiExceptions.statusOf(new ConflictException({ status: 418 })), 409, "the class decides")
  })

  it("an entry's tag narrows its class", () => {
    const entry = ApiExceptions.byTag.NotFoundException
    const made = new entry.exception({ message: "gone", status: 404 })
    assert.instanceOf(made, NotFoundException)
    assert.deepInclude(made, { message: "gone", status: 404 })
  })
})
