// A minimal node:http server for the benchmarks, in its own process: canned answers, keep-alive,
// nothing else. Prints its port on stdout. Counts the connections and requests it serves, and the
// requests that carry a `traceparent` (the SDK's span sends one): asked "stats" over the IPC channel
// (run.mjs, after each variant's run), it answers the counts since the last question, so every run
// records how many connections its calls took, and run.mjs sees whether the SDK's span was on.
import * as http from "node:http"
import { thousandUsers, user } from "./users.mjs"

const answers = new Map([
  ["GET /org/acme/user/ada%40acme.example", [200, JSON.stringify({ ...user(1), userId: "ada@acme.example" })]],
  ["GET /org/acme/user", [200, thousandUsers]],
  ["POST /org/acme/keys", [
    200,
    JSON.stringify({ clientId: "ck_bench0000000000000", clientSecret: "cs_" + "x".repeat(40) })
  ]],
  ["POST /org/acme/user", [
    409,
    JSON.stringify({ message: "User ada@acme.example already exists", errorCode: "USER_EXISTS" })
  ]]
])
const notFound = JSON.stringify({ code: 404, message: "no such route" })

let connections = 0
let requests = 0
let traced = 0

const server = http.createServer((request, response) => {
  requests++
  if (request.headers["traceparent"] !== undefined) traced++
  request.on("data", () => {})
  request.on("end", () => {
    const [status, body] = answers.get(`${request.method} ${request.url}`) ?? [404, notFound]
    response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) })
    response.end(body)
  })
})
server.on("connection", () => connections++)
server.keepAliveTimeout = 60_000
process.on("message", (message) => {
  if (message !== "stats") return
  process.send({ connections, requests, traced })
  connections = 0
  requests = 0
  traced = 0
})
server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ port: server.address().port })))
process.on("SIGTERM", () => server.close(() => process.exit(0)))
