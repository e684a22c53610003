import { open, rm, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { fsyncDir } from "./durable-fs.js";
import { encodeSegmentHeader, segmentHeaderBytes } from "./record-codec.js";
import { Segment, segmentFileName } from "./segment.js";

/** Options of new GroupWriter(). */
export interface GroupWriterOptions {
  dir: string;
  /** The spool's segments, oldest first; the writer appends to the last and adds new ones. */
  segments: Segment[];
  /** A segment is closed once it would grow past this. */
  segmentBytes: number;
  /**
   * How long the first append reaching an idle writer waits for others before the
   * fsync; 0 means the next turn of the event loop. While an fsync runs, new appends
   * queue up and share the next one anyway, so the wait is bounded by one fsync.
   */
  maxDelayMs: number;
  /** A group this large is written at once, without waiting. */
  maxBatchBytes: number;
}

interface Pending {
  seq: bigint;
  record: Buffer;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Files a group wrote to, for syncing and, after a failure, rolling back. */
interface Work {
  touched: Open[];
  created: Open[];
}

interface Open {
  segment: Segment;
  fh: FileHandle;
  /** Bytes written, synced or not. */
  written: number;
}

/**
 * Appends records to segment files with group commit: appends that arrive while a write
 * and fsync are running (or within maxDelayMs of an idle writer) share the next fsync.
 * Each append resolves only after its record AND every earlier one is on disk (file data
 * with fdatasync, a new segment's directory entry with an fsync of the directory).
 * After a failed write or sync the writer is broken: that group and every later append
 * reject with the cause, so no seq is ever skipped silently.
 */
export class GroupWriter {
  private pending: Pending[] = [];
  private pendingBytes = 0;
  private flushing: Promise<void> | undefined;
  private timer: { cancel(): void } | undefined;
  private active: Open | undefined;
  private failure: unknown;

  constructor(private readonly options: GroupWriterOptions) {}

  /** Bytes accepted but not yet durable (they count against the disk bound). */
  get inFlightBytes(): number {
    return this.pendingBytes + (this.active ? this.active.written - this.active.segment.size : 0);
  }

  /** The error that broke the writer, if any. */
  get broken(): unknown {
    return this.failure;
  }

  /** Queues a record; resolves once it is durable. */
  write(seq: bigint, record: Buffer): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.push({ seq, record, resolve, reject });
      this.pendingBytes += record.length;
      this.schedule();
    });
  }

  /** Waits for every queued record, then closes the open segment file. */
  async close(): Promise<void> {
    while (this.flushing || this.pending.length > 0) {
      this.cancelTimer();
      if (!this.flushing) this.startFlush();
      await this.flushing?.catch(() => undefined);
    }
    const fh = this.active?.fh;
    this.active = undefined;
    await fh?.close();
  }

  private cancelTimer(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.flushing || this.timer) return;
    if (this.pendingBytes >= this.options.maxBatchBytes) return this.startFlush();
    const go = () => {
      this.timer = undefined;
      this.startFlush();
    };
    // The appends of this same tick (a burst, a batch of file edits) join the group.
    if (this.options.maxDelayMs > 0) {
      const t = setTimeout(go, this.options.maxDelayMs);
      this.timer = { cancel: () => clearTimeout(t) };
    } else {
      const t = setImmediate(go);
      this.timer = { cancel: () => clearImmediate(t) };
    }
  }

  private startFlush(): void {
    const batch = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    this.flushing = this.flush(batch).finally(() => {
      this.flushing = undefined;
      // Whatever queued up during this fsync has waited long enough: write it now.
      if (this.pending.length > 0) this.startFlush();
    });
  }

  private async flush(batch: Pending[]): Promise<void> {
    if (this.failure !== undefined) {
      for (const p of batch) p.reject(this.failure);
      return;
    }
    const work: Work = { touched: [], created: [] };
    try {
      await this.writeAll(batch, work);
      for (const p of batch) p.resolve();
    } catch (err) {
      this.failure = err;
      await this.rollBack(work);
      for (const p of [...batch, ...this.pending]) p.reject(err);
      this.pending = [];
      this.pendingBytes = 0;
    }
  }

  /**
   * Takes back what a failed group wrote, as far as the disk lets us, so that a rejected
   * append does not reappear after a restart (its caller may retry it).
   */
  private async rollBack(work: Work): Promise<void> {
    for (const o of work.created) {
      const i = this.options.segments.indexOf(o.segment);
      if (i >= 0) this.options.segments.splice(i, 1);
      await o.fh.close().catch(() => undefined);
      await rm(o.segment.path, { force: true }).catch(() => undefined);
    }
    for (const o of work.touched.filter((t) => !work.created.includes(t))) {
      await o.fh.truncate(o.segment.size).catch(() => undefined);
      await o.fh.close().catch(() => undefined);
    }
    this.active = undefined;
  }

  /** Writes the batch across as many segments as needed, then syncs them all. */
  private async writeAll(batch: Pending[], work: Work): Promise<void> {
    const touched = work.touched;
    const added: Array<{ seg: Open; seq: bigint; offset: number; end: number }> = [];
    let newFile = false;
    let chunk: Buffer[] = [];
    for (const p of batch) {
      const cur = this.active ?? (await this.openLast());
      const full = cur && cur.written + chunkBytes(chunk) + p.record.length > this.options.segmentBytes && cur.written + chunkBytes(chunk) > segmentHeaderBytes;
      if (!cur || full) {
        if (cur) await this.writeChunk(cur, chunk, touched);
        chunk = [];
        this.active = await this.createSegment(p.seq);
        work.created.push(this.active);
        newFile = true;
      }
      const seg = this.active as Open;
      const offset = seg.written + chunkBytes(chunk);
      chunk.push(p.record);
      added.push({ seg, seq: p.seq, offset, end: offset + p.record.length });
    }
    if (this.active) await this.writeChunk(this.active, chunk, touched);
    for (const t of touched) await t.fh.datasync();
    if (newFile) await fsyncDir(this.options.dir);
    for (const a of added) a.seg.segment.add(a.seq, a.offset, a.end);
    for (const t of touched) if (t !== this.active) await t.fh.close();
  }

  private async writeChunk(target: Open, chunk: Buffer[], touched: Open[]): Promise<void> {
    if (!touched.includes(target)) touched.push(target);
    let buffers = chunk;
    while (buffers.length > 0) {
      const { bytesWritten } = await target.fh.writev(buffers, target.written);
      target.written += bytesWritten;
      buffers = dropBytes(buffers, bytesWritten);
    }
  }

  /** Reopens the newest segment for appending (after a restart), if there is one. */
  private async openLast(): Promise<Open | undefined> {
    const segment = this.options.segments.at(-1);
    if (!segment) return undefined;
    this.active = { segment, fh: await open(segment.path, "r+"), written: segment.size };
    return this.active;
  }

  private async createSegment(firstSeq: bigint): Promise<Open> {
    const segment = new Segment(join(this.options.dir, segmentFileName(firstSeq)), firstSeq);
    const fh = await open(segment.path, "wx", 0o600);
    const open_: Open = { segment, fh, written: 0 };
    try {
      await this.writeChunk(open_, [encodeSegmentHeader(firstSeq)], []);
    } catch (err) {
      await fh.close().catch(() => undefined);
      await rm(segment.path, { force: true }).catch(() => undefined);
      throw err;
    }
    this.options.segments.push(segment);
    return open_;
  }
}

function chunkBytes(chunk: readonly Buffer[]): number {
  let n = 0;
  for (const b of chunk) n += b.length;
  return n;
}

/** What remains of `buffers` after the first `n` bytes were written (a short writev). */
function dropBytes(buffers: Buffer[], n: number): Buffer[] {
  let left = n;
  const out: Buffer[] = [];
  for (const b of buffers) {
    if (left >= b.length) {
      left -= b.length;
    } else {
      out.push(left > 0 ? b.subarray(left) : b);
      left = 0;
    }
  }
  return out;
}
