import type { Database, Statement } from "better-sqlite3";
import type { Event } from "../../gen/devtrace/v1/event_pb.js";
import { TraceStatus } from "../../gen/devtrace/v1/trace_pb.js";
import { eventBytes } from "./event-bytes.js";
import { StoreError } from "./store-error.js";
import type { AppendResult } from "./store.js";

// Seqs are bound as numbers (cheaper than BigInt per row); no agent gets near this.
const maxSeq = BigInt(Number.MAX_SAFE_INTEGER);

interface Pending {
  traceId: string;
  events: readonly Event[];
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/**
 * appendEvents with group commit: batches that arrive in the same turn of the event loop
 * (several streams writing at once) share one transaction, hence one WAL fsync. Each
 * batch still gets its own checks and result; none is acknowledged before the commit.
 */
export class SqliteAppender {
  readonly #db: Database;
  readonly #traceState: Statement;
  readonly #insertEvent: Statement;
  readonly #advance: Statement;
  #pending: Pending[] = [];
  #scheduled: Promise<void> | undefined;

  constructor(db: Database) {
    this.#db = db;
    this.#traceState = db.prepare("SELECT status, acked_seq FROM traces WHERE id = ?").safeIntegers(true);
    this.#insertEvent = db.prepare("INSERT INTO events (trace_id, seq, body) VALUES (?, ?, ?)");
    this.#advance = db.prepare("UPDATE traces SET acked_seq = ? WHERE id = ?");
  }

  /** Queues the batch for the next group commit; resolves once it is durable. */
  append(traceId: string, events: readonly Event[]): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ traceId, events, resolve, reject });
      this.#scheduled ??= new Promise((done) => setImmediate(() => done(this.#flush())));
    });
  }

  /** Commits whatever is queued now; close() calls it so no accepted batch is lost. */
  async drain(): Promise<void> {
    while (this.#scheduled !== undefined) await this.#scheduled;
  }

  #flush(): void {
    const group = this.#pending;
    this.#pending = [];
    this.#scheduled = undefined;
    let outcomes: (AppendResult | Error)[];
    try {
      outcomes = this.#db.transaction(() => group.map((p) => this.#applyIsolated(p.traceId, p.events))).immediate();
    } catch (error) {
      for (const p of group) p.reject(error);
      return;
    }
    group.forEach((p, i) => {
      const outcome = outcomes[i];
      if (outcome instanceof Error) p.reject(outcome);
      else p.resolve(outcome);
    });
  }

  // A savepoint per batch: one batch failing (say, a corrupt row) rolls back only itself
  // and is reported to its own caller; the others in the group still commit.
  #applyIsolated(traceId: string, events: readonly Event[]): AppendResult | Error {
    try {
      return this.#db.transaction(() => this.#applyOne(traceId, events))();
    } catch (error) {
      return error instanceof Error ? error : new Error("append failed", { cause: error });
    }
  }

  // Runs inside the group's transaction, so the sealed check and the inserts are atomic.
  #applyOne(traceId: string, events: readonly Event[]): AppendResult | StoreError {
    const row = this.#traceState.get(traceId) as { status: bigint; acked_seq: bigint } | undefined;
    if (row === undefined) return new StoreError("not_found", `trace ${traceId} not found`);
    if (Number(row.status) !== TraceStatus.OPEN) {
      return new StoreError("sealed", `trace ${traceId} is sealed; no more events are accepted`);
    }
    let next = row.acked_seq + 1n;
    let gap: AppendResult["gap"];
    let stored = 0;
    for (const event of events) {
      if (event.seq > maxSeq) throw new Error(`seq ${event.seq} of trace ${traceId} is beyond ${maxSeq}`);
      if (event.seq < next) continue;
      if (event.seq > next) {
        gap = { expectedSeq: next, receivedSeq: event.seq };
        break;
      }
      this.#insertEvent.run(traceId, Number(event.seq), eventBytes(event));
      next++;
      stored++;
    }
    if (stored > 0) this.#advance.run(next - 1n, traceId);
    return { ackedSeq: next - 1n, gap, stored };
  }
}
