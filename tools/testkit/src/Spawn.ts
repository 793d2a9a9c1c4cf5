/**
 * Starting a built program as a child process in a test: always through `node` on `dist/` (never a
 * transpiler), in a scope whose finalizer kills it (also when the test fails), with readiness
 * awaited on its output stream rather than by polling. Shell commands that start children run in
 * their own process group, and the whole group is stopped.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { type ChildProcess, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as net from "node:net"

/** Every process a test started: `afterAll` checks that none is left running. */
export const started: Array<number> = []

/**
 * Whether the process `pid` still runs. A zombie (ended, not yet reaped: an orphan waits for
 * the init process to reap it, which in a container may be late or never) does not run.
 */
export const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
  } catch (error) {
    // EPERM: it exists but belongs to someone else (a reused pid), which is not ours to worry about
    return error instanceof Error && "code" in error && error.code === "EPERM"
  }
  try {
    // Linux: the state follows the command name in parentheses; Z is a zombie
    return !/\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"))
  } catch {
    return true // no /proc: kill(pid, 0) answered, so it exists
  }
}

export interface Running {
  readonly child: ChildProcess
  readonly pid: number
  /** stdout and stderr so far, interleaved as they arrived. */
  readonly output: () => string
  readonly stdout: () => string
  readonly stderr: () => string
  /** The exit code once it has exited (`null` after a signal). */
  readonly exit: Effect.Effect<number | null>
  /** Once it has ended: the exit code, or the signal's name. */
  readonly ended: Effect.Effect<number | string>
  /** Waits (at most `within`) for `pattern` in the output; fails naming what it waited for and the output so far. */
  readonly waitFor: (pattern: RegExp, what: string, within?: Duration.DurationInput) => Effect.Effect<RegExpExecArray>
}

/** How long a process may take to become ready: generous, the machine may be busy. */
export const readinessBound: Duration.DurationInput = "60 seconds"

/** How to start a process. */
export interface SpawnOptions {
  readonly cwd: string
  /** Added to this process's environment, or the whole environment with `inherit: false`. */
  readonly env?: Record<string, string | undefined>
  /** Whether the child gets this process's environment under `env` (default true). */
  readonly inherit?: boolean
  /**
   * Starts the child in its own process group and stops the whole group: for a shell command
   * that starts children of its own (a server under `pnpm`), which a signal to the shell alone
   * would leave running.
   */
  readonly group?: boolean
}

/**
 * Starts `command ...args` in the scope; the scope's end stops it (and, with `group`, everything
 * it started) unless it has exited, and waits until it has.
 */
export const spawnScoped = (
  command: string,
  args: ReadonlyArray<string>,
  options: SpawnOptions
): Effect.Effect<Running, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync((): Running => {
      const child = spawn(command, args, {
        cwd: options.cwd,
        env: { ...(options.inherit === false ? {} : process.env), NO_COLOR: "1", ...options.env },
        stdio: ["ignore", "pipe", "pipe"],
        detached: options.group === true
      })
      if (child.pid === undefined) throw new Error(`could not start ${command}`)
      return watch(child, child.pid)
    }),
    (running) => options.group === true ? stopGroup(running) : stopOne(running)
  )

/**
 * Starts `node <script> ...args` (a built program) in the scope; the scope's end kills it with
 * SIGKILL unless it has exited, and waits until it has.
 */
export const node = (
  script: string,
  args: ReadonlyArray<string>,
  options: SpawnOptions
): Effect.Effect<Running, never, Scope.Scope> =>
  Effect.suspend(() => {
    if (!fs.existsSync(script)) return Effect.dieMessage(`${script} is missing: run \`pnpm build\` before the tests`)
    return spawnScoped(process.execPath, [script, ...args], options)
  })

/** What a process printed and how it ended. */
export interface Finished {
  /** The exit code, or the signal's name when a signal ended it. */
  readonly code: number | string
  readonly output: string
  readonly stdout: string
  readonly stderr: string
}

/**
 * Waits (at most `within`) for the process to exit; fails naming `what` and the output so far
 * when it does not (the scope's finalizer then stops it).
 */
export const toExit = (
  running: Running,
  what: string,
  within: Duration.DurationInput = readinessBound
): Effect.Effect<Finished> =>
  running.ended.pipe(
    Effect.timeoutFail({
      duration: within,
      onTimeout: () =>
        new Error(
          `${what} did not exit within ${Duration.format(Duration.decode(within))}; output so far:\n${running.output()}`
        )
    }),
    Effect.orDie,
    Effect.map((code) => ({ code, output: running.output(), stdout: running.stdout(), stderr: running.stderr() }))
  )

/** Runs `command ...args` to its end, at most `within`; the process is stopped if it outlives it. */
export const run = (
  command: string,
  args: ReadonlyArray<string>,
  options: SpawnOptions & { readonly within?: Duration.DurationInput; readonly what?: string }
): Effect.Effect<Finished> =>
  Effect.scoped(
    Effect.flatMap(
      spawnScoped(command, args, options),
      (running) => toExit(running, options.what ?? [command, ...args].join(" "), options.within)
    )
  )

/** A TCP port that nothing listens on right now: bound, then closed. */
export const freePort: Effect.Effect<number> = Effect.async<number, Error>((resume) => {
  const server = net.createServer()
  server.once("error", (error) => resume(Effect.fail(error)))
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    server.close(() =>
      resume(
        typeof address === "object" && address !== null
          ? Effect.succeed(address.port)
          : Effect.fail(new Error("no port was assigned"))
      )
    )
  })
}).pipe(Effect.orDie)

const watch = (child: ChildProcess, pid: number): Running => {
  started.push(pid)
  let output = ""
  let stdout = ""
  let stderr = ""
  child.stdout?.setEncoding("utf8")
  child.stderr?.setEncoding("utf8")
  child.stdout?.on("data", (chunk: string) => {
    output += chunk
    stdout += chunk
  })
  child.stderr?.on("data", (chunk: string) => {
    output += chunk
    stderr += chunk
  })
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
  // "close", not "exit", for the outcome: all output has arrived by then
  const closed = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once("close", (code, signal) => resolve({ code, signal }))
  )
  const waitFor = (pattern: RegExp, what: string, within: Duration.DurationInput = readinessBound) =>
    Effect.async<RegExpExecArray, Error>((resume) => {
      const check = () => {
        const found = pattern.exec(output)
        if (found !== null) {
          done()
          resume(Effect.succeed(found))
        }
      }
      const exit = (code: number | null) => {
        done()
        resume(Effect.fail(new Error(`the process exited (code ${code}) before printing ${what}:\n${output}`)))
      }
      const done = () => {
        child.stdout?.off("data", check)
        child.stderr?.off("data", check)
        child.off("exit", exit)
      }
      child.stdout?.on("data", check)
      child.stderr?.on("data", check)
      child.once("exit", exit)
      check()
      return Effect.sync(done)
    }).pipe(
      Effect.timeoutFail({
        duration: within,
        onTimeout: () =>
          new Error(`waited ${Duration.format(Duration.decode(within))} for ${what}; output so far:\n${output}`)
      }),
      Effect.orDie
    )
  return {
    child,
    pid,
    output: () => output,
    stdout: () => stdout,
    stderr: () => stderr,
    exit: Effect.promise(() => exited),
    ended: Effect.promise(() => closed.then(({ code, signal }) => code ?? signal ?? "unknown")),
    waitFor
  }
}

const hasExited = (running: Running) => running.child.exitCode !== null || running.child.signalCode !== null

const stopOne = (running: Running) =>
  Effect.gen(function*() {
    if (!hasExited(running)) running.child.kill("SIGKILL")
    yield* awaitExit(running)
  })

/**
 * Waits at most 10 s for the process to exit. Finalizers run uninterruptibly, and a timeout only
 * ends a wait it can interrupt: hence `interruptible`.
 */
const awaitExit = (running: Running) =>
  Effect.interruptible(running.exit).pipe(Effect.timeout("10 seconds"), Effect.ignore)

/** Sends `signal` to the process group `pid`; false when the group is gone. */
const signalGroup = (pid: number, signal: NodeJS.Signals): boolean => {
  try {
    process.kill(-pid, signal)
    return true
  } catch {
    return false
  }
}

/** SIGTERM to the whole group, SIGKILL to whatever is left 10 s later; waits for the leader. */
const stopGroup = (running: Running) =>
  Effect.gen(function*() {
    if (!signalGroup(running.pid, "SIGTERM")) return
    yield* awaitExit(running)
    signalGroup(running.pid, "SIGKILL")
    yield* awaitExit(running)
  })
