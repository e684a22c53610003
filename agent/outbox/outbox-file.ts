import { closeSync, fsyncSync, openSync, readFileSync, truncateSync, writeSync } from "node:fs";
import { basename, join } from "node:path";

/**
 * One undelivered event in an outbox file: a line of JSON. `event` is the protobuf JSON
 * of a devtrace.v1.Event; `record` numbers a shell session's records so the agent can
 * skip one it already spooled.
 */
export interface OutboxRecord {
  sessionId: string;
  record?: number;
  event: Record<string, unknown>;
}

/** The outbox file a process owns: named after its pid so the agent knows when it died. */
export function outboxFileFor(outboxDir: string, pid: number, tag: string): string {
  return join(outboxDir, `${pid}-${tag}.ndjson`);
}

/** The owner pid encoded in an outbox file name, or undefined for a foreign file. */
export function outboxOwner(file: string): number | undefined {
  const m = /^(\d+)-[\w.-]+\.ndjson$/.exec(basename(file));
  return m ? Number(m[1]) : undefined;
}

/** Appends records durably (fsync) before the caller tries to deliver them. */
export function appendOutbox(file: string, records: OutboxRecord[]): void {
  const fd = openSync(file, "a", 0o600);
  try {
    writeSync(fd, records.map((r) => `${JSON.stringify(r)}\n`).join(""));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Empties the file once everything in it was delivered. */
export function clearOutbox(file: string): void {
  truncateSync(file, 0);
}

/** Reads an outbox file; a torn last line (the writer died mid-write) is skipped. */
export function readOutbox(file: string): OutboxRecord[] {
  const out: OutboxRecord[] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    try {
      const rec = JSON.parse(line) as OutboxRecord;
      if (typeof rec.sessionId === "string" && typeof rec.event === "object" && rec.event !== null) out.push(rec);
    } catch {
      // Only the last line can be torn: the writer appends whole lines and fsyncs each time.
    }
  }
  return out;
}
