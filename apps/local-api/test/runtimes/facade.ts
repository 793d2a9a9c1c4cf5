/**
 * The Promise API in another runtime, with its default transport (no `transport` option): bundled
 * for the browser, it must take `fetch` and leave undici out. Sets `globalThis.katanemoFacadeCheck`.
 */
import { NotFoundException } from "@katanemo/client"
import { KatanemoIdentity } from "@katanemo/client/KatanemoIdentity"
import { AccountId, UserId } from "@katanemo/models"

const acme = AccountId.make("acme")

globalThis.katanemoFacadeCheck = async (baseUrl, token) => {
  const identity = new KatanemoIdentity({ baseUrl, token, maxRetries: 0 })
  try {
    await identity.createUserForAccount({ accountId: acme, userId: UserId.make("ada@acme.example"), roles: ["admin"] })
    const users = await identity.getUsersForAccount({ accountId: acme })
    const missing = await identity.getUser({ accountId: acme, userId: UserId.make("nobody@acme.example") }).then(
      () => "found",
      (error: unknown) => error instanceof NotFoundException ? error._tag : String(error)
    )
    return { users: users.map((user) => user.userId ?? ""), missing }
  } finally {
    await identity.close()
  }
}
