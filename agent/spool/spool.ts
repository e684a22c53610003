import { mkdirSync } from "node:fs";
import { rm } from "node:fs/promises";
import { create, toBinary } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { pino, type Logger } from "pino";
import { EventSchema, type Event } from "../../gen/devtrace/v1/event_pb.js";
import { AckedMarkWriter } from "./acked-mark.js";
import { fsyncDir } from "./durable-fs.js";
import { GroupWriter } from "./group-writer.js";
import { encodeRecord, recordHeaderBytes, segmentHeaderBytes } from "./record-codec.js";
import type { Segment } from "./segment.js";
import { readRecords } from "./segment-reader.js";
import { SpoolError } from "./spool-error.js";
import { acquireSpoolLock, type SpoolLock } from "./spool-lock.js";
import { recoverSpool, type RecoveryReport } from "./spool-recovery.js";
import { SpoolBound, type SpoolUsage } from "./spool-bound.js";
import { RefusedEvents } from "./refused-events.js";
import { agentSessionId, withLostEvents } from "./with-lost-events.js";

/** Options of Spool.open(). */
export interface SpoolOptions {
  /** Directory of this trace's journal (created 0700). One spool per trace. */
  dir: string;
  /** Default: a silent logger. */
  logger?: Logger;
  /** Size at which a segment file is closed and a new one started. Default 8 MiB, or an eighth of maxBytes when smaller (the newest segment is never trimmed, so it must not fill the bound). */
  segmentBytes?: number;
  /** Disk bound: appends that would pass it are refused. Default 1 GiB. */
  maxBytes?: number;
  /** Share of maxBytes at which onWarning is told (once per crossing). Default 0.8. */
  warnRatio?: number;
  /** Called when usage crosses warnRatio upward; logged as a warning too. */
  onWarning?: (usage: SpoolUsage) => void;
  /** Largest encoded event accepted (the server refuses larger ones). Default 1 MiB. */
  maxEventBytes?: number;
  /** Longest an append reaching an idle spool waits for others to share its fsync. Default 0: the next event-loop turn. */
  maxDelayMs?: number;
  /** A group this large is written without waiting. Default 1 MiB. */
  maxBatchBytes?: number;
}

/** Counters for `devtrace status`. */
export interface SpoolStats {
  /** Highest seq durably recorded. */
  recorded: bigint;
  /** Highest seq acknowledged by the server. */
  acked: bigint;
  /** Events on disk waiting for an ack. */
  queued: bigint;
  bytesOnDisk: number;
  maxBytes: number;
  /** Seqs lost to damage found when the spool was opened (see RecoveryReport), plus refusedEvents. */
  lostEvents: bigint;
  /** Events refused at the disk bound since the spool was created (each run of them is a RecordLost). */
  refusedEvents: bigint;
}

/**
 * The agent's durable, append-only journal of events (a write-ahead log).
 *
 * - append() assigns the next seq (1, 2, 3… never reused, also across trims and restarts)
 *   and resolves once the record is written and fsynced (group commit).
 * - ack(seq) persists the server's acknowledgement and deletes segments holding only
 *   acknowledged events; nothing else is ever removed.
 * - readBatch()/readFrom() return durable events after the acked mark for (re)sending,
 *   with a RecordLost event for each seq recovery found lost, so the run has no holes.
 * - Opening recovers from kill -9 and power loss: a torn tail is cut, damage elsewhere
 *   keeps every valid record and moves a copy aside (see spool-recovery.ts).
 *
 * ONE writer process: the directory is locked by pid (spool-lock.ts); readers and
 * writers must live in that process.
 */
export class Spool {
  private next: bigint;
  private acked: bigint;
  private lastDurable: bigint;
  private closed = false;
  private readonly writer: GroupWriter;
  private readonly markWriter: AckedMarkWriter;
  private readonly bound: SpoolBound;
  private readonly maxEventBytes: number;
  private readonly refused: RefusedEvents;

  private constructor(
    private readonly dir: string,
    private readonly segments: Segment[],
    private readonly lock: SpoolLock,
    private readonly log: Logger,
    init: { acked: bigint; seqFloor: bigint; lastDurable: bigint },
    options: SpoolOptions,
    /** What opening had to repair. */
    readonly recovery: RecoveryReport,
  ) {
    this.acked = init.acked;
    this.next = init.seqFloor + 1n;
    this.lastDurable = init.lastDurable;
    this.maxEventBytes = options.maxEventBytes ?? 1024 * 1024;
    this.writer = new GroupWriter({
      dir,
      segments,
      segmentBytes: options.segmentBytes ?? Math.max(4096, Math.min(8 * 1024 * 1024, Math.floor((options.maxBytes ?? Infinity) / 8))),
      maxDelayMs: options.maxDelayMs ?? 0,
      maxBatchBytes: options.maxBatchBytes ?? 1024 * 1024,
    });
    this.markWriter = new AckedMarkWriter(dir, init.acked);
    this.refused = new RefusedEvents(dir);
    this.bound = new SpoolBound({ maxBytes: options.maxBytes ?? 1024 * 1024 * 1024, warnRatio: options.warnRatio ?? 0.8, onWarning: options.onWarning, log });
  }

  /** Opens (creating, locking and recovering) the spool in `options.dir`. */
  static async open(options: SpoolOptions): Promise<Spool> {
    const log = (options.logger ?? pino({ level: "silent" })).child({ component: "spool" });
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    const lock = acquireSpoolLock(options.dir);
    try {
      const r = await recoverSpool(options.dir, log);
      const lastDurable = r.segments.reduce((m, s) => (s.lastSeq > m ? s.lastSeq : m), r.acked);
      const spool = new Spool(options.dir, r.segments, lock, log, { acked: r.acked, seqFloor: r.seqFloor, lastDurable }, options, r.report);
      log.info({ dir: options.dir, acked: String(r.acked), nextSeq: String(spool.next), segments: r.segments.length }, "spool opened");
      spool.bound.check(spool.bytesOnDisk());
      return spool;
    } catch (err) {
      lock.release();
      throw err;
    }
  }

  /**
   * Stores `event` with the next seq and resolves with that seq once it is durable. The
   * caller's event is not modified. Rejects with SpoolError "full" at the disk bound,
   * "too_large" beyond maxEventBytes, "closed" or "broken" — never drops silently.
   */
  append(event: Event): Promise<bigint> {
    if (this.closed) return Promise.reject(new SpoolError("closed", "the spool is closed"));
    if (this.writer.broken !== undefined) {
      return Promise.reject(new SpoolError("broken", "the spool failed to write earlier; reopen it", { cause: this.writer.broken }));
    }
    const payload = toBinary(EventSchema, { ...event, seq: this.next });
    if (payload.length > this.maxEventBytes) {
      return Promise.reject(new SpoolError("too_large", `an event of ${payload.length} bytes exceeds the spool's limit of ${this.maxEventBytes}`));
    }
    const need = recordHeaderBytes + payload.length + segmentHeaderBytes;
    const marker = this.refused.pending > 0 ? this.lostMarker() : undefined;
    const refused = this.bound.admit(this.bytesOnDisk() + this.writer.inFlightBytes, need + (marker?.length ?? 0));
    if (refused) {
      // Counted and later written as a RecordLost, so the refusal shows in the trace and status.
      this.refused.add(event.kind.case ?? "unknown");
      return Promise.reject(refused);
    }
    if (marker) void this.writeLostMarker(marker).catch(() => undefined);
    const seq = this.next++;
    return this.writer.write(seq, encodeRecord(seq, payload)).then(
      () => {
        if (seq > this.lastDurable) this.lastDurable = seq;
        this.bound.check(this.bytesOnDisk());
        return seq;
      },
      (err: unknown) => {
        throw new SpoolError("broken", `the spool could not store event ${seq}`, { cause: err });
      },
    );
  }

  /** True while appends are refused at the disk bound. */
  get full(): boolean {
    return this.bound.full;
  }

  /** The RecordLost standing for the pending refused events, and the bytes it needs. */
  private lostMarker(): { event: Event; count: number; length: number } {
    const event = create(EventSchema, { sessionId: agentSessionId, time: timestampNow(), kind: { case: "recordLost", value: { reason: this.refused.reason() } } });
    const length = recordHeaderBytes + toBinary(EventSchema, { ...event, seq: this.next }).length + segmentHeaderBytes;
    return { event, count: this.refused.pending, length };
  }

  /** Writes the RecordLost for the pending refused events; its seq is taken synchronously, before any later append's. */
  private async writeLostMarker(marker: { event: Event; count: number }): Promise<void> {
    const seq = this.next++;
    const payload = toBinary(EventSchema, { ...marker.event, seq });
    this.refused.markRecorded(marker.count);
    try {
      await this.writer.write(seq, encodeRecord(seq, payload));
    } catch (err) {
      throw new SpoolError("broken", `the spool could not store event ${seq}`, { cause: err });
    }
    if (seq > this.lastDurable) this.lastDurable = seq;
    this.log.warn({ seq: String(seq), refused: marker.count }, "recorded the events refused at the bound as lost");
  }

  /**
   * Durable events with seq ≥ fromSeq (and after the acked mark), at most maxEvents and
   * about maxBytes, without holes: a seq recovery found lost reads as a RecordLost event.
   */
  async readBatch(fromSeq: bigint, maxEvents: number, maxBytes: number): Promise<Event[]> {
    const from = fromSeq > this.acked ? fromSeq : this.acked + 1n;
    if (from > this.lastDurable) return [];
    const records = await readRecords(this.segments, from, { maxRecords: maxEvents, maxBytes });
    const durable = records.filter((r) => r.seq <= this.lastDurable);
    return withLostEvents(durable, this.recovery.lost, { from, upTo: this.lastDurable, maxEvents, maxBytes });
  }

  /** Every durable event with seq ≥ fromSeq, as far as the journal goes when each batch is read. */
  async *readFrom(fromSeq: bigint): AsyncGenerator<Event> {
    let next = fromSeq;
    for (;;) {
      const batch = await this.readBatch(next, 1000, 4 * 1024 * 1024);
      const last = batch.at(-1);
      if (!last) return;
      yield* batch;
      next = last.seq + 1n;
    }
  }

  /**
   * The server durably holds 1..seq: persists that (atomically) and deletes segments
   * holding only acknowledged events. A seq beyond the journal is clamped to it.
   */
  async ack(seq: bigint): Promise<void> {
    if (seq <= this.acked) return;
    let upTo = seq;
    if (upTo > this.lastDurable) {
      this.log.warn({ ack: String(seq), lastSeq: String(this.lastDurable) }, "spool: ack beyond the last recorded event, clamped");
      upTo = this.lastDurable;
      if (upTo <= this.acked) return;
    }
    this.acked = upTo;
    await this.markWriter.write(upTo);
    await this.trim();
  }

  /** Deletes segments whose events are all acknowledged; never the newest one. */
  private async trim(): Promise<void> {
    let removed = 0;
    while (this.segments.length > 1 && (this.segments[0]?.lastSeq ?? this.acked + 1n) <= this.acked) {
      const seg = this.segments.shift();
      if (seg) await rm(seg.path, { force: true });
      removed++;
    }
    if (removed > 0) {
      await fsyncDir(this.dir);
      this.bound.check(this.bytesOnDisk());
    }
    if (this.refused.pending > 0 && !this.closed) {
      const marker = this.lostMarker();
      if (this.bound.fits(this.bytesOnDisk() + this.writer.inFlightBytes, marker.length)) await this.writeLostMarker(marker);
    }
  }

  /** The seq the next append will get. */
  nextSeq(): bigint {
    return this.next;
  }

  /** Highest seq durably recorded (0n when none). */
  lastSeq(): bigint {
    return this.lastDurable;
  }

  /** Highest seq acknowledged by the server (0n when none). */
  ackedSeq(): bigint {
    return this.acked;
  }

  /** Bytes of the segment files. */
  bytesOnDisk(): number {
    return this.segments.reduce((n, s) => n + s.size, 0);
  }

  /** Disk use against the bound. */
  usage(): SpoolUsage {
    return this.bound.usage(this.bytesOnDisk());
  }


  /** Counters for status. */
  stats(): SpoolStats {
    const damaged = this.recovery.lost.reduce((n, r) => (r.to > this.acked ? n + r.to - (r.from > this.acked ? r.from : this.acked + 1n) + 1n : n), 0n);
    const queued = this.lastDurable - this.acked - damaged;
    const refusedEvents = BigInt(this.refused.total);
    return { recorded: this.lastDurable, acked: this.acked, queued: queued > 0n ? queued : 0n, bytesOnDisk: this.bytesOnDisk(), maxBytes: this.bound.maxBytes, lostEvents: damaged + refusedEvents, refusedEvents };
  }

  /** Waits for pending appends, closes the files and releases the lock. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.writer.close();
    } finally {
      this.lock.release();
    }
  }

  /** close(), for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
