/** The local API's log lines as their messages' text, for tests that read what it logged. */
import * as Logger from "effect/Logger"

/** A logger in place of the default one that pushes each line's message (parts joined by a space) onto `lines`. */
export const capturing = (lines: Array<string>) =>
  Logger.replace(
    Logger.defaultLogger,
    Logger.make(({ message }) => lines.push(Array.isArray(message) ? message.map(String).join(" ") : String(message)))
  )
