/**
 * Recording what a program shows to the outside: every span it starts and every line it logs, at
 * every level, each rendered in full as an exporter or a log sink would write it. A secrets audit
 * searches these texts; it can only find what they hold, so they hold every part:
 *
 * - a log line: its level, message, cause, annotations and log spans, as Effect's own JSON and
 *   logfmt loggers write them, and the cause's JSON form (the failure's fields);
 * - a span: its name, kind, attributes, events (with their attributes: a log line inside a span
 *   is an event too), links, and its status (a failure's cause, pretty and as JSON).
 *
 * Nothing is filtered by level: the logger runs at `LogLevel.All`.
 */
import * as Cause from "effect/Cause"
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Inspectable from "effect/Inspectable"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import type * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"

/** An event a span recorded (a log line inside a span is one). */
export interface SpanEvent {
  readonly name: string
  readonly attributes: Readonly<Record<string, unknown>>
}

/**
 * A span as recorded: the underlying tracer's span, with what was done to it kept on the side
 * (so events show whatever tracer is underneath).
 */
export class RecordedSpan implements Tracer.Span {
  readonly _tag = "Span"
  readonly events: Array<SpanEvent> = []
  constructor(readonly span: Tracer.Span) {}
  get name(): string {
    return this.span.name
  }
  get spanId(): string {
    return this.span.spanId
  }
  get traceId(): string {
    return this.span.traceId
  }
  get parent(): Option.Option<Tracer.AnySpan> {
    return this.span.parent
  }
  get context(): Context.Context<never> {
    return this.span.context
  }
  get status(): Tracer.SpanStatus {
    return this.span.status
  }
  get attributes(): ReadonlyMap<string, unknown> {
    return this.span.attributes
  }
  get links(): ReadonlyArray<Tracer.SpanLink> {
    return this.span.links
  }
  get sampled(): boolean {
    return this.span.sampled
  }
  get kind(): Tracer.SpanKind {
    return this.span.kind
  }
  end(endTime: bigint, exit: Exit.Exit<unknown, unknown>): void {
    this.span.end(endTime, exit)
  }
  attribute(key: string, value: unknown): void {
    this.span.attribute(key, value)
  }
  event(name: string, startTime: bigint, attributes?: Record<string, unknown>): void {
    this.events.push({ name, attributes: attributes ?? {} })
    this.span.event(name, startTime, attributes)
  }
  addLinks(links: ReadonlyArray<Tracer.SpanLink>): void {
    this.span.addLinks(links)
  }
}

/** Runs `effect` with a recording tracer; answers its value and the spans, in the order they started. */
const withSpans = <A, E, R>(
  effect: Effect.Effect<A, E, R>
): Effect.Effect<readonly [A, ReadonlyArray<RecordedSpan>], E, R> =>
  Effect.tracerWith((base) => {
    const spans: Array<RecordedSpan> = []
    const tracer = Tracer.make({
      span: (...args) => {
        const span = new RecordedSpan(base.span(...args))
        spans.push(span)
        return span
      },
      context: (f, fiber) => base.context(f, fiber)
    })
    return Effect.map(Effect.withTracer(effect, tracer), (a) => [a, spans] as const)
  })

/**
 * Runs `effect` with a tracer that records every span it starts (on top of the current tracer),
 * and answers them, in the order they started.
 */
export const recordingSpans = <A, E, R>(
  effect: Effect.Effect<A, E, R>
): Effect.Effect<ReadonlyArray<RecordedSpan>, E, R> => Effect.map(withSpans(effect), ([, spans]) => spans)

/** JSON of any value, as `Inspectable` shows it (a `Redacted` is `<redacted>`), bigints as text. */
export const json = (value: unknown): string =>
  JSON.stringify(Inspectable.toJSON(value), (_, v: unknown) => typeof v === "bigint" ? String(v) : v) ?? ""

/** A cause as an exporter or a log sink writes it: pretty (with error causes) and as JSON. */
const renderCause = (cause: Cause.Cause<unknown>): string =>
  `${Cause.pretty(cause, { renderErrorCause: true })}\n${json(cause)}`

/** A span in full: name, kind, attributes, events, links and status (a failure's cause in full). */
export const renderSpan = (span: RecordedSpan): string =>
  [
    span.name,
    span.kind,
    json([...span.attributes]),
    json(span.events),
    json(span.links.map((link) => link.attributes)),
    // as an exporter shows a span's end: its outcome, and a failure's cause in full
    span.status._tag === "Started"
      ? "started"
      : Exit.isSuccess(span.status.exit)
      ? "ok"
      : renderCause(span.status.exit.cause)
  ].join("\n")

/**
 * A log line in full: Effect's JSON and logfmt formats (level, message, cause, annotations and
 * log spans), and the cause's JSON form.
 */
export const renderLog = (options: Logger.Logger.Options<unknown>): string =>
  [
    Logger.jsonLogger.log(options),
    Logger.logfmtLogger.log(options),
    Cause.isEmpty(options.cause) ? "" : json(options.cause)
  ].join("\n")

/** What a program showed: its outcome, and every span and log line, each rendered in full. */
export interface Recording<A, E> {
  readonly exit: Exit.Exit<A, E>
  readonly spans: ReadonlyArray<string>
  readonly logs: ReadonlyArray<string>
}

/**
 * Runs `effect` with a recording tracer and a logger that records every line at every level (in
 * place of the default logger), and answers its outcome with every span and log line rendered in
 * full ({@link renderSpan}, {@link renderLog}). Spans are rendered once the program has ended,
 * with their final status.
 */
export const recording = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<Recording<A, E>, never, R> =>
  Effect.suspend(() => {
    const logs: Array<string> = []
    const logger = Logger.make((options) => {
      logs.push(renderLog(options))
    })
    return withSpans(Effect.exit(effect)).pipe(
      Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
      Logger.withMinimumLogLevel(LogLevel.All),
      Effect.map(([exit, spans]) => ({ exit, spans: spans.map(renderSpan), logs }))
    )
  })
