import { readFileSync } from "node:fs";
import { writeFileAtomic } from "../state/atomic-write.js";

/** Sessions remembered; the oldest are forgotten beyond this (their shells are long gone). */
const maxSessions = 2000;

/**
 * The highest record number spooled per shell session, kept on disk beside the spool.
 * A shell numbers its completed commands 1, 2, 3… and resends what it has no answer for
 * after the agent comes back; records at or below the mark are already in the spool.
 */
export class IntakeLedger {
  private readonly marks: Map<string, number>;

  private constructor(private readonly path: string, marks: Map<string, number>) {
    this.marks = marks;
  }

  /** Loads the ledger; a missing file is an empty ledger. */
  static open(path: string): IntakeLedger {
    let marks = new Map<string, number>();
    try {
      marks = new Map(Object.entries(JSON.parse(readFileSync(path, "utf8")) as Record<string, number>));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw new Error(`cannot read ${path}`, { cause: err });
    }
    return new IntakeLedger(path, marks);
  }

  /** True when this session's record is already spooled. */
  seen(sessionId: string, record: number): boolean {
    return record <= (this.marks.get(sessionId) ?? 0);
  }

  /** Marks the record spooled, durably. */
  record(sessionId: string, record: number): void {
    if (this.seen(sessionId, record)) return;
    this.marks.delete(sessionId);
    this.marks.set(sessionId, record);
    while (this.marks.size > maxSessions) this.marks.delete(this.marks.keys().next().value as string);
    writeFileAtomic(this.path, JSON.stringify(Object.fromEntries(this.marks)));
  }

  /** Forgets every session (a new trace starts). */
  clear(): void {
    this.marks.clear();
    writeFileAtomic(this.path, "{}");
  }
}
