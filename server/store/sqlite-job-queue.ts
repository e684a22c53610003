import { randomUUID } from "node:crypto";
import { create, fromBinary } from "@bufbuild/protobuf";
import type { Database, Statement } from "better-sqlite3";
import { QaResultSchema, QaStatus } from "../../gen/devtrace/v1/qa_pb.js";
import { TraceStatus } from "../../gen/devtrace/v1/trace_pb.js";
import { exhaustedReason } from "./job-exhausted.js";
import { qaBytes } from "./sqlite-trace-row.js";
import type { LeaseOptions, QaJob } from "./store.js";

interface JobRow {
  id: string;
  trace_id: string;
  state: "queued" | "leased";
  attempts: number;
}

/** The QA job queue in the `qa_jobs` table. Every method runs inside its own transaction. */
export class SqliteJobQueue {
  readonly #db: Database;
  readonly #insert: Statement;
  readonly #nextRunnable: Statement;
  readonly #lease: Statement;
  readonly #remove: Statement;
  readonly #renew: Statement;
  readonly #requeue: Statement;
  readonly #traceState: Statement;
  readonly #failTrace: Statement;

  constructor(db: Database) {
    this.#db = db;
    this.#insert = db.prepare(
      "INSERT INTO qa_jobs (id, trace_id, state, attempts, enqueued_at) VALUES (?, ?, 'queued', 0, ?) " +
        "ON CONFLICT (trace_id) DO NOTHING",
    );
    this.#nextRunnable = db.prepare(
      "SELECT id, trace_id, state, attempts FROM qa_jobs " +
        "WHERE state = 'queued' OR (state = 'leased' AND lease_expires_at <= ?) " +
        "ORDER BY enqueued_at, rowid LIMIT 1",
    );
    this.#lease = db.prepare(
      "UPDATE qa_jobs SET state = 'leased', attempts = attempts + 1, worker_id = ?, lease_expires_at = ? WHERE id = ?",
    );
    this.#remove = db.prepare("DELETE FROM qa_jobs WHERE id = ? AND (? IS NULL OR (worker_id = ? AND state = 'leased'))");
    this.#renew = db.prepare(
      "UPDATE qa_jobs SET lease_expires_at = ? WHERE id = ? AND worker_id = ? AND state = 'leased'",
    );
    this.#requeue = db.prepare(
      "UPDATE qa_jobs SET state = 'queued', worker_id = NULL, lease_expires_at = NULL " +
        "WHERE id = ? AND worker_id = ? AND state = 'leased'",
    );
    this.#traceState = db.prepare("SELECT status, qa FROM traces WHERE id = ?");
    this.#failTrace = db.prepare(
      "UPDATE traces SET status = ?, status_detail = ?, qa = ?, score = NULL, updated_at = ? WHERE id = ?",
    );
  }

  /** Adds the trace's job unless it has one; call inside the sealing transaction. */
  enqueue(traceId: string, now: Date): void {
    this.#insert.run(randomUUID(), traceId, now.getTime());
  }

  /** See TraceStore.leaseJob. */
  lease(workerId: string, options: LeaseOptions): QaJob | undefined {
    return this.#db
      .transaction((): QaJob | undefined => {
        const nowMs = options.now.getTime();
        for (;;) {
          const job = this.#nextRunnable.get(nowMs) as JobRow | undefined;
          if (job === undefined) return undefined;
          if (job.attempts >= options.maxAttempts || this.#traceIsFinished(job.trace_id)) {
            this.#giveUp(job, nowMs);
            continue;
          }
          const leaseExpiresAt = nowMs + options.leaseMs;
          this.#lease.run(workerId, leaseExpiresAt, job.id);
          return { id: job.id, traceId: job.trace_id, attempts: job.attempts + 1, leaseExpiresAt: new Date(leaseExpiresAt) };
        }
      })
      .immediate();
  }

  /** See TraceStore.renewLease. */
  renew(jobId: string, workerId: string, leaseMs: number, now: Date): boolean {
    return this.#renew.run(now.getTime() + leaseMs, jobId, workerId).changes === 1;
  }

  /** See TraceStore.finishJob. */
  finish(jobId: string, workerId: string, outcome: "done" | "retry" | "failed"): boolean {
    const stmt = outcome === "retry" ? this.#requeue : this.#remove;
    const args = outcome === "retry" ? [jobId, workerId] : [jobId, workerId, workerId];
    return stmt.run(...args).changes === 1;
  }

  #traceIsFinished(traceId: string): boolean {
    const row = this.#traceState.get(traceId) as { status: TraceStatus } | undefined;
    return row === undefined || row.status === TraceStatus.DONE || row.status === TraceStatus.FAILED;
  }

  // A job out of attempts is dropped and its trace marked FAILED with the reason, so the
  // researcher sees why QA never finished instead of a trace stuck in RUNNING_TESTS.
  #giveUp(job: JobRow, nowMs: number): void {
    this.#remove.run(job.id, null, null);
    const trace = this.#traceState.get(job.trace_id) as { status: TraceStatus; qa: Buffer | null } | undefined;
    if (trace === undefined || trace.status === TraceStatus.DONE || trace.status === TraceStatus.FAILED) return;
    const reason = exhaustedReason(job.attempts, job.state === "leased");
    const qa = trace.qa === null ? create(QaResultSchema) : fromBinary(QaResultSchema, trace.qa);
    qa.status = QaStatus.ERROR;
    qa.error = reason;
    qa.overall = 0;
    qa.attempts = job.attempts;
    this.#failTrace.run(TraceStatus.FAILED, reason, qaBytes(qa), nowMs, job.trace_id);
  }
}
