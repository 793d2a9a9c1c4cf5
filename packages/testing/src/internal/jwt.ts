/**
 * The bearer tokens a store issues: JWTs (`HS256`) over {@link Claims}, signed with an HMAC-SHA256
 * key the store draws when it starts. Signing and checking go through WebCrypto
 * (`globalThis.crypto.subtle`), so a store issues and checks them wherever it runs (Node, a
 * browser, a worker); no `node:` module is used.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Encoding from "effect/Encoding"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type { Claims } from "./rules.js"

/** The one header a store writes, and the only one it accepts (no `alg: none`, no other key). */
const header = Encoding.encodeBase64Url(JSON.stringify({ alg: "HS256", typ: "JWT" }))

const encoder = new TextEncoder()

const ClaimsSchema = Schema.parseJson(Schema.Struct({
  sub: Schema.String,
  acct: Schema.String,
  iat: Schema.Number,
  exp: Schema.Number
}))

const decodeClaims = Schema.decodeUnknownOption(ClaimsSchema)

/** Issues and checks a store's tokens. */
export interface Signer {
  /** A signed token over `claims`: `header.payload.signature`, each part base64url. */
  readonly sign: (claims: Claims) => Effect.Effect<string>
  /**
   * The claims of `token` when it is one this signer issued (its header is the one above and its
   * signature checks); none for anything else. Whether it has expired is the caller's to judge.
   */
  readonly verify: (token: string) => Effect.Effect<Option.Option<Claims>>
}

/** A signer with a fresh random key (not extractable: it never leaves WebCrypto). */
export const makeSigner: Effect.Effect<Signer> = Effect.map(
  Effect.promise(() =>
    globalThis.crypto.subtle.generateKey({ name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"])
  ),
  (key): Signer => ({
    sign: (claims) =>
      Effect.suspend(() => {
        const signed = `${header}.${Encoding.encodeBase64Url(JSON.stringify(claims))}`
        return Effect.map(
          Effect.promise(() => globalThis.crypto.subtle.sign("HMAC", key, encoder.encode(signed))),
          (signature) => `${signed}.${Encoding.encodeBase64Url(new Uint8Array(signature))}`
        )
      }),
    verify: (token) =>
      Effect.suspend(() => {
        const parts = token.split(".")
        const [head, payload, signature] = parts
        if (parts.length !== 3 || head !== header || payload === undefined || signature === undefined) {
          return Effect.succeedNone
        }
        const bytes = Encoding.decodeBase64Url(signature)
        if (Either.isLeft(bytes)) return Effect.succeedNone
        return Effect.map(
          Effect.promise(() =>
            globalThis.crypto.subtle.verify("HMAC", key, bytes.right, encoder.encode(`${head}.${payload}`))
          ),
          (valid) =>
            valid
              ? Option.flatMap(Option.getRight(Encoding.decodeBase64UrlString(payload)), decodeClaims)
              : Option.none()
        )
      })
  })
)
