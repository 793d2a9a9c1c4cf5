/**
 * A certificate authority made when the tests run (committed certificates expire), and a server
 * certificate it signs for 127.0.0.1 and localhost. EC keys: quick to make on a busy machine.
 */
import * as Effect from "effect/Effect"
import { generate } from "selfsigned"

export interface TestCa {
  /** The CA's certificate (PEM): what a client trusts. */
  readonly ca: string
  /** The server's key and certificate (PEM), signed by the CA. */
  readonly key: string
  readonly cert: string
}

const day = 24 * 60 * 60 * 1000

/** Makes a CA and a server certificate it signs, valid from an hour ago for a day. */
export const make: Effect.Effect<TestCa> = Effect.promise(async () => {
  const notBeforeDate = new Date(Date.now() - day / 24)
  const notAfterDate = new Date(Date.now() + day)
  const authority = await generate([{ name: "commonName", value: "Katanemo SDK test CA" }], {
    keyType: "ec",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true }
    ]
  })
  const server = await generate([{ name: "commonName", value: "localhost" }], {
    keyType: "ec",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    ca: { key: authority.private, cert: authority.cert },
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }, { type: 7, ip: "127.0.0.1" }] }
    ]
  })
  return { ca: authority.cert, key: server.private, cert: server.cert }
})
