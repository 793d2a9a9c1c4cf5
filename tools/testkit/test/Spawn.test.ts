/** The process helper itself: a scope's end leaves nothing running that it started. */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import * as os from "node:os"
import { isRunning, spawnScoped } from "../src/Spawn.js"

// A shell that starts a child of its own and prints the child's pid: what `pnpm start` does.
const shellWithChild = ["-c", "sleep 300 & echo \"child $!\"; wait"] as const

const childPid = (output: string) => Number(/child (\d+)/.exec(output)?.[1])

describe("spawnScoped", () => {
  it.live("with group, the scope's end stops the shell and the child it started", () =>
    Effect.gen(function*() {
      const { shell, child } = yield* Effect.scoped(Effect.gen(function*() {
        const running = yield* spawnScoped("bash", shellWithChild, { cwd: os.tmpdir(), group: true })
        yield* running.waitFor(/child \d+/, "the shell's child pid")
        const child = childPid(running.output())
        assert.isTrue(isRunning(child), "the child runs while the scope is open")
        return { shell: running.pid, child }
      }))
      assert.isFalse(isRunning(shell), "the shell is stopped")
      // The scope waits for the shell's exit; the child got the same SIGTERM but ends on its own
      // time. Real process timing: poll, bounded wide for a loaded machine.
      yield* Effect.sync(() => isRunning(child)).pipe(
        Effect.repeat({ while: (running) => running, schedule: Schedule.spaced("50 millis") }),
        Effect.timeout("20 seconds"),
        Effect.ignore
      )
      assert.isFalse(isRunning(child), "the child the shell started is stopped too")
    }))

  it.live("without group, only the process itself is stopped (what group is for)", () =>
    Effect.gen(function*() {
      const child = yield* Effect.scoped(Effect.gen(function*() {
        const running = yield* spawnScoped("bash", shellWithChild, { cwd: os.tmpdir() })
        yield* running.waitFor(/child \d+/, "the shell's child pid")
        return childPid(running.output())
      }))
      try {
        assert.isTrue(isRunning(child), "a signal to the shell alone leaves its child running")
      } finally {
        process.kill(child, "SIGKILL")
      }
    }))
})
