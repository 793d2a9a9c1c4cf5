// The rehearsal's registry: Verdaccio, in this child process of index.mjs, on a free loopback port.
// `node registry.mjs CONFIG` under fork() (an IPC channel): it listens on 127.0.0.1, port 0, sends
// its parent `{ port }`, and exits as soon as the parent goes away (the channel closes whatever
// ended the parent, even SIGKILL), so a registry never outlives its rehearsal.
import { runServer } from "verdaccio"

const config = process.argv[2]
if (process.send === undefined || config === undefined) {
  console.error("registry.mjs is started by scripts/release-rehearsal/index.mjs (fork, with the config file)")
  process.exit(2)
}
process.on("disconnect", () => process.exit(0))

const server = await runServer(config)
server.listen(0, "127.0.0.1", () => {
  const address = server.address()
  process.send({ port: typeof address === "object" && address !== null ? address.port : 0 })
})
