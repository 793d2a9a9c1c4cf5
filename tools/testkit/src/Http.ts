/**
 * Requests a test sends by hand, where `fetch` cannot say what the test means to send; and a
 * test's own server, listening for the scope of the test.
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Http from "node:http"
import type * as Net from "node:net"

/** A server that {@link listen} started. */
export interface Listening {
  readonly port: number
  /** How many sockets the server has open now. */
  readonly openSockets: Effect.Effect<number>
}

/**
 * Listens on a free port of 127.0.0.1 for the scope. Its end destroys every socket the server
 * accepted, then closes the server: a proxy's tunnel, or a TLS socket whose handshake failed, is no
 * HTTP connection that `closeAllConnections` would close.
 */
export const listen = (server: Net.Server): Effect.Effect<Listening, never, Scope.Scope> =>
  Effect.gen(function*() {
    const sockets = new Set<Net.Socket>()
    server.on("connection", (socket: Net.Socket) => {
      sockets.add(socket)
      socket.on("close", () => sockets.delete(socket))
    })
    yield* Effect.acquireRelease(
      Effect.async<void>((resume) => {
        server.listen(0, "127.0.0.1", () => resume(Effect.void))
      }),
      () =>
        Effect.async<void>((resume) => {
          for (const socket of sockets) socket.destroy()
          server.close(() => resume(Effect.void))
        })
    )
    const address = server.address()
    if (address === null || typeof address === "string") return yield* Effect.die("the server has no port")
    return { port: address.port, openSockets: Effect.sync(() => sockets.size) }
  })

/** A response: its status and its body as text. */
export interface Answer {
  readonly status: number
  readonly body: string
}

/**
 * POSTs `{"clientName":"x…x","defaultRoleId":"admin"}` to `${url}/org/acme/keys`, with a name of
 * `nameBytes` bytes, in 64 KiB chunks with `Transfer-Encoding: chunked` (no `Content-Length`: the
 * server learns the size only by reading), and answers the response. A socket the server closes
 * before answering is a failure.
 */
export const postChunked = (url: string, nameBytes: number): Effect.Effect<Answer, Error> =>
  Effect.async<Answer, Error>((resume) => {
    const request = Http.request(`${url}/org/acme/keys`, {
      method: "POST",
      headers: { "content-type": "application/json", "transfer-encoding": "chunked" }
    })
    request.on("response", (response) => {
      let body = ""
      response.setEncoding("utf8")
      response.on("data", (chunk: string) => (body += chunk))
      response.on("end", () => resume(Effect.succeed({ status: response.statusCode ?? 0, body })))
      response.on("error", (error) => resume(Effect.fail(error)))
    })
    // once the answer is in, the server may close the socket while the rest of the body is sent:
    // `resume` takes only the first outcome
    request.on("error", (error) => resume(Effect.fail(error)))
    request.write("{\"clientName\":\"")
    const chunk = "x".repeat(64 * 1024)
    for (let sent = 0; sent < nameBytes; sent += chunk.length) {
      request.write(chunk.slice(0, Math.min(chunk.length, nameBytes - sent)))
    }
    request.end("\",\"defaultRoleId\":\"admin\"}")
    return Effect.sync(() => request.destroy())
  })
