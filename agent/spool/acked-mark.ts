import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileDurably } from "./durable-fs.js";

const fileName = "acked";
const format = /^devtrace-spool-acked v1 (\d+)\n$/;

/** What readAckedMark() found. */
export type AckedMarkRead = { state: "absent" } | { state: "ok"; seq: bigint } | { state: "unreadable"; content: string };

/** The highest seq the server acknowledged, as last persisted in `dir`. */
export function readAckedMark(dir: string): AckedMarkRead {
  let content: string;
  try {
    content = readFileSync(join(dir, fileName), "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { state: "absent" };
    throw new Error(`cannot read the spool's acked mark in ${dir}`, { cause: err });
  }
  const m = format.exec(content);
  return m?.[1] ? { state: "ok", seq: BigInt(m[1]) } : { state: "unreadable", content: content.slice(0, 80) };
}

/**
 * Persists the acked mark atomically (tmp + fsync + rename + fsync dir). Concurrent
 * writes are coalesced: each call resolves once its seq, or a higher one, is on disk.
 */
export class AckedMarkWriter {
  private written: bigint;
  private wanted: bigint;
  private running: Promise<void> | undefined;

  constructor(
    private readonly dir: string,
    initial: bigint,
  ) {
    this.written = initial;
    this.wanted = initial;
  }

  /** Resolves when a mark ≥ seq is durable. */
  async write(seq: bigint): Promise<void> {
    if (seq > this.wanted) this.wanted = seq;
    while (this.written < seq) {
      if (!this.running) {
        this.running = this.persist().finally(() => (this.running = undefined));
      }
      await this.running;
    }
  }

  private async persist(): Promise<void> {
    // Let concurrent acks of this tick join in before the two fsyncs.
    await Promise.resolve();
    const seq = this.wanted;
    await writeFileDurably(join(this.dir, fileName), `devtrace-spool-acked v1 ${seq}\n`);
    this.written = seq;
  }
}
