/**
 * Starting a built program as a child process in a test: always through `node` on `dist/` (never a
 * transpiler), in a scope whose finalizer kills it (also when the test fails), with readiness
 * awaited on its output stream rather than by polling.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { type ChildProcess, spawn } from "node:child_process"
import * as fs from "node:fs"

/** Every process a test started: `afterAll` checks that none is left running. */
export const started: Array<number> = []

/** Whether the process `pid` still exists. */
export const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists but belongs to someone else (a reused pid), which is not ours to worry about
    return error instanceof Error && "code" in error && error.code === "EPERM"
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
  /** Waits (at most `within`) for `pattern` in the output; fails naming what it waited for and the output so far. */
  readonly waitFor: (pattern: RegExp, what: string, within?: Duration.DurationInput) => Effect.Effect<RegExpExecArray>
}

/** How long a process may take to become ready: generous, the machine may be busy. */
export const readinessBound: Duration.DurationInput = "60 seconds"

/**
 * Starts `node <script> ...args` (a built program) in the scope; the scope's end kills it with
 * SIGKILL unless it has exited, and waits until it has.
 */
export const node = (
  script: string,
  args: ReadonlyArray<string>,
  options: { readonly cwd: string; readonly env?: Record<string, string | undefined> }
): Effect.Effect<Running, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync((): Running => {
      if (!fs.existsSync(script)) throw new Error(`${script} is missing: run \`pnpm build\` before the tests`)
      const child = spawn(process.execPath, [script, ...args], {
        cwd: options.cwd,
        env: { ...process.env, NO_COLOR: "1", ...options.env },
        stdio: ["ignore", "pipe", "pipe"]
      })
      if (child.pid === undefined) throw new Error(`could not start ${script}`)
      started.push(child.pid)
      let output = ""
      let stdout = ""
      let stderr = ""
      child.stdout.setEncoding("utf8")
      child.stderr.setEncoding("utf8")
      child.stdout.on("data", (chunk: string) => {
        output += chunk
        stdout += chunk
      })
      child.stderr.on("data", (chunk: string) => {
        output += chunk
        stderr += chunk
      })
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
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
            child.stdout.off("data", check)
            child.stderr.off("data", check)
            child.off("exit", exit)
          }
          child.stdout.on("data", check)
          child.stderr.on("data", check)
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
        pid: child.pid,
        output: () => output,
        stdout: () => stdout,
        stderr: () => stderr,
        exit: Effect.promise(() => exited),
        waitFor
      }
    }),
    (running) =>
      Effect.gen(function*() {
        if (running.child.exitCode === null && running.child.signalCode === null) running.child.kill("SIGKILL")
        yield* running.exit.pipe(Effect.timeout("10 seconds"), Effect.ignore)
      })
  )
