/** Child processes for the check: each in its own process group, so stopping one stops all it started. */
import { type ChildProcess, spawn } from "node:child_process"
import * as net from "node:net"

export interface Running {
  readonly child: ChildProcess
  /** Everything it printed so far, stdout and stderr interleaved. */
  readonly output: () => string
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  readonly exited: Promise<number | string>
}

export const start = (command: string, args: ReadonlyArray<string>, options: {
  readonly cwd: string
  readonly env: NodeJS.ProcessEnv
}): Running => {
  const child = spawn(command, args, { ...options, detached: true, stdio: ["ignore", "pipe", "pipe"] })
  let output = ""
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | string>((resolve) =>
    child.on("exit", (code, signal) => resolve(code ?? signal ?? "unknown"))
  )
  return { child, output: () => output, exited }
}

/**
 * Waits until the process prints `text`. The bound is generous: the test command runs lint,
 * type-check, tests and the pack check at once on two cores. Fails saying what it waited for.
 */
export const waitFor = (run: Running, text: string, what: string, boundMs = 90_000): Promise<void> =>
  new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      clearTimeout(timer)
      run.child.stdout?.off("data", check)
      run.child.stderr?.off("data", check)
      if (error === undefined) resolve()
      else reject(error)
    }
    const check = () => {
      if (run.output().includes(text)) done()
    }
    const timer = setTimeout(
      () => done(new Error(`${what} did not print "${text}" within ${boundMs / 1000} s; its output:\n${run.output()}`)),
      boundMs
    )
    run.child.stdout?.on("data", check)
    run.child.stderr?.on("data", check)
    void run.exited.then((code) =>
      done(new Error(`${what} exited (${code}) before printing "${text}"; its output:\n${run.output()}`))
    )
    check()
  })

/** Stops the process and everything it started (its process group); resolves once it has exited. */
export const stop = async (run: Running): Promise<void> => {
  const pid = run.child.pid
  if (pid === undefined) return
  try {
    process.kill(-pid, "SIGTERM")
  } catch {
    return // the group is gone: the process and all it started have ended
  }
  const killed = setTimeout(() => {
    try {
      process.kill(-pid, "SIGKILL")
    } catch {
      // gone in the meantime
    }
  }, 10_000)
  await run.exited
  clearTimeout(killed)
}

/** A TCP port that nothing listens on right now. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() => typeof address === "object" && address !== null ? resolve(address.port) : reject())
    })
  })
