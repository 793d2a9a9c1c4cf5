/**
 * What the CLI knows of its terminal: whether stdin and stdout are terminals, and how to ask
 * the person at the keyboard a question. Tests replace it with `Effect.provideService(Tty, …)`.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as readline from "node:readline"

/** The terminal, as the CLI uses it. */
export interface TtyShape {
  /** Whether stdin is a terminal: only then does the CLI ask questions. */
  readonly stdinIsTerminal: boolean
  /** Whether stdout is a terminal: only then may help be coloured. */
  readonly stdoutIsTerminal: boolean
  /** Writes `question` to stderr and answers the line typed ("" on end of input or Ctrl-C). */
  readonly ask: (question: string) => Effect.Effect<string>
}

const ask = (question: string): Effect.Effect<string> =>
  Effect.async<string>((resume) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr })
    let answered = false
    const answer = (text: string) => {
      if (answered) return
      answered = true
      rl.close()
      resume(Effect.succeed(text))
    }
    rl.on("SIGINT", () => {
      process.stderr.write("\n")
      answer("")
    })
    rl.on("close", () => answer(""))
    rl.question(question, answer)
    return Effect.sync(() => {
      answered = true
      rl.close()
    })
  })

/** The process's terminal, looked at when first needed. */
export const live = (): TtyShape => ({
  stdinIsTerminal: process.stdin.isTTY === true,
  stdoutIsTerminal: process.stdout.isTTY === true,
  ask
})

/** The terminal service; defaults to the process's own. */
export class Tty extends Context.Reference<Tty>()("katanemo-cli/Tty", { defaultValue: live }) {}
