/**
 * The API's exceptions by tag: their statuses.
 *
 * @internal
 */
import type { ApiException } from "@katanemo/models"

/** The HTTP status the API answers each exception with. */
export const statusOf = (exception: ApiException): number => {
  switch (exception._tag) {
    case "BadRequestException":
      return 400
    case "UnauthorizedException":
      return 401
    case "NotFoundException":
      return 404
    case "ConflictException":
      return 409
    case "TooManyRequestsException":
      return 429
    case "InternalServerErrorException":
      return 500
  }
}
