import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { Logger } from "pino";
import type { Event } from "../../gen/devtrace/v1/event_pb.js";
import type { IntakeLedger } from "./intake-ledger.js";
import { NoteEcho } from "./note-echo.js";

/** Redacts secrets in an event before it is written anywhere. */
export type EventRedactor = (event: Event) => Promise<Event> | Event;

/** Appends a redacted event to the durable journal and returns its seq. */
export type EventAppender = (event: Event) => Promise<bigint>;

/** Options of new EventIntake(). */
export interface EventIntakeOptions {
  redact: EventRedactor;
  append: EventAppender;
  ledger: IntakeLedger;
  /** Called after every append (wakes the uplink). */
  onAppended: (seq: bigint) => void;
  logger: Logger;
  now?: () => Date;
}

/** Where an event came from, for de-duplication of redelivered shell records. */
export interface IntakeSource {
  /** A shell's record number within its session; a number seen before is skipped. */
  record?: number;
}

/** The outcome of accept(). */
export type IntakeOutcome = { kind: "spooled"; seq: bigint } | { kind: "duplicate" } | { kind: "note_echo" };

/**
 * The one way into the spool: stamps the time when missing, drops a recorded shell's echo
 * of `devtrace note`, redacts, appends in arrival order, and remembers the record numbers
 * of shell events so a shell resending after an agent crash does not record twice.
 */
export class EventIntake {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly echo = new NoteEcho();
  private readonly now: () => Date;

  constructor(private readonly options: EventIntakeOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Spools one event (serialised behind earlier ones); rejects when the spool refuses it. */
  accept(event: Event, source: IntakeSource = {}): Promise<IntakeOutcome> {
    const run = this.tail.then(() => this.acceptNow(event, source));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async acceptNow(event: Event, source: IntakeSource): Promise<IntakeOutcome> {
    const { ledger, logger } = this.options;
    if (source.record !== undefined && ledger.seen(event.sessionId, source.record)) return { kind: "duplicate" };
    event.seq = 0n;
    event.time ??= timestampFromDate(this.now());
    if (event.kind.case === "thought") this.echo.noteAt(event.sessionId, this.now());
    if (event.kind.case === "terminalCommand" && this.echo.isEcho(event.sessionId, event.kind.value)) {
      logger.debug({ sessionId: event.sessionId }, "dropped the shell's record of `devtrace note`");
      if (source.record !== undefined) ledger.record(event.sessionId, source.record);
      return { kind: "note_echo" };
    }
    const redacted = await this.options.redact(event);
    const seq = await this.options.append(redacted);
    if (source.record !== undefined) ledger.record(event.sessionId, source.record);
    this.options.onAppended(seq);
    return { kind: "spooled", seq };
  }

  /** Resolves when every accepted event is spooled. */
  async settled(): Promise<void> {
    await this.tail;
  }
}
