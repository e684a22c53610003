import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** What the spool refused at its bound, kept on disk so a restart still reports it. */
interface RefusedState {
  /** Refused since the last record_lost written for them. */
  pending: number;
  /** Refused since the spool was created. */
  total: number;
  /** Pending ones per event kind, e.g. { fileEdit: 3 }. */
  kinds: Record<string, number>;
  /** When the first pending one was refused (ISO). */
  since?: string;
}

/**
 * The count of events the spool refused because it was full. The spool turns the pending
 * ones into one RecordLost event as soon as it has room, so the trace shows the loss where
 * it happened, and status counts every refusal. Written without fsync on every change: a
 * killed agent leaves it in the page cache.
 */
export class RefusedEvents {
  private state: RefusedState;
  private readonly file: string;

  constructor(dir: string) {
    this.file = join(dir, "refused.json");
    this.state = load(this.file);
  }

  /** Refused since the last record_lost. */
  get pending(): number {
    return this.state.pending;
  }

  /** Refused since the spool was created. */
  get total(): number {
    return this.state.total;
  }

  /** Counts one refused event of `kind`. */
  add(kind: string): void {
    const s = this.state;
    s.pending++;
    s.total++;
    s.kinds[kind] = (s.kinds[kind] ?? 0) + 1;
    s.since ??= new Date().toISOString();
    this.save();
  }

  /** The reason of the RecordLost that stands for the pending ones. */
  reason(): string {
    const s = this.state;
    const kinds = Object.entries(s.kinds)
      .map(([k, n]) => `${n} ${k}`)
      .join(", ");
    return `${s.pending} event(s) refused because the agent's spool was full (its bound reached while the server did not acknowledge), since ${s.since}: ${kinds}`;
  }

  /** The pending ones are now covered by a stored RecordLost. */
  markRecorded(count: number): void {
    const s = this.state;
    s.pending = Math.max(0, s.pending - count);
    if (s.pending === 0) {
      s.kinds = {};
      s.since = undefined;
    }
    this.save();
  }

  private save(): void {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}

function load(file: string): RefusedState {
  const empty: RefusedState = { pending: 0, total: 0, kinds: {} };
  if (!existsSync(file)) return empty;
  try {
    const s = JSON.parse(readFileSync(file, "utf8")) as RefusedState;
    if (Number.isInteger(s.pending) && Number.isInteger(s.total) && typeof s.kinds === "object" && s.kinds !== null) return s;
  } catch {
    // torn by a crash mid-write (rename makes that unlikely): start counting again
  }
  return empty;
}
