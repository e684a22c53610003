import type { EventPage, EventPageRequest } from "./event-page.js";
import type { Event } from "../../gen/devtrace/v1/event_pb.js";
import type { QaResult } from "../../gen/devtrace/v1/qa_pb.js";
import type { RedactionSummary } from "../../gen/devtrace/v1/redaction_pb.js";
import type { Developer, Environment, Task, Trace, TraceStatus } from "../../gen/devtrace/v1/trace_pb.js";
import type { TraceFilter } from "../../gen/devtrace/v1/trace_service_pb.js";

/**
 * The storage contract every backend implements (embedded SQLite, MongoDB).
 * The same contract test suite (test/contract/) runs against each of them.
 *
 * Backends throw StoreError (store-error.ts) for conditions a caller must tell apart;
 * anything else is an infrastructure failure and is thrown as-is with a `cause`.
 */
export interface TraceStore {
  /** Backend name for logs and metrics: "sqlite" or "mongo". */
  readonly kind: string;

  /**
   * Creates a trace in status OPEN. When `requestId` is set and a trace of the same
   * developer with that key exists, returns it (created: false) after replacing its
   * upload token hash with the new one — a retried CreateTrace never makes a second trace.
   */
  createTrace(input: NewTrace): Promise<{ trace: Trace; created: boolean }>;

  /** The trace and its upload token hash, or undefined when there is no such trace. */
  getTrace(traceId: string): Promise<StoredTrace | undefined>;

  /**
   * Appends a batch (already validated: seqs strictly ascending, each ≥ 1).
   * Events with seq ≤ the stored acked_seq are ignored (idempotent resend). The next
   * event must be acked_seq + 1; the contiguous run from there is stored durably in one
   * commit; at the first missing seq the rest of the batch is dropped and the gap
   * returned. Resolves only after the write is durable.
   * Throws StoreError "not_found" and "sealed" (trace no longer OPEN; nothing stored).
   *
   * The invariant every backend keeps, after any fault (process killed, database gone or
   * paused, disk full): for every trace, acked_seq = the number of events stored, which
   * are exactly seqs 1..acked_seq = the event_count the trace reports. An append resolves
   * only when every event of its run is verifiably stored (inserted now, or found stored
   * already); any other failure rejects ("unavailable" for infrastructure), leaves
   * acked_seq unchanged, and the next append recomputes from what the store holds.
   */
  appendEvents(traceId: string, events: readonly Event[]): Promise<AppendResult>;

  /** Events of a trace in seq order, seq > afterSeq, at most `limit` (default: all). */
  readEvents(traceId: string, options?: { afterSeq?: bigint; limit?: number }): Promise<Event[]>;

  /**
   * readEvents without decoding: each event's stored protobuf encoding, in seq order, for
   * answers that pass events on unchanged (ExportTraces sends them as they are stored).
   */
  readEventBytes(traceId: string, options?: { afterSeq?: bigint; limit?: number }): Promise<Uint8Array[]>;

  /**
   * One page of a trace's events in seq order, within an event and a byte bound, and where
   * the next page starts: reading a huge trace this way holds one page in memory and keeps
   * each read short. An unknown trace reads as an empty last page.
   */
  readEventPage(traceId: string, page: EventPageRequest): Promise<EventPage>;

  /**
   * Trace summaries matching `filter`, ordered by created_at descending then id
   * descending (stable under concurrent inserts). `cursor` is the opaque
   * `nextCursor` of the previous page; invalid cursors throw StoreError "invalid_cursor".
   * Time bounds are half-open: created_after ≤ created_at < created_before. Score bounds
   * compare qa.overall of DONE traces only (trace-score.ts); other traces never match them.
   */
  listTraces(filter: TraceFilter | undefined, pageSize: number, cursor?: string): Promise<TracePage>;

  /**
   * Seals an OPEN trace: stores the final patch, sets status QUEUED and enqueues exactly
   * one QA job, atomically; `redaction` (what redaction replaced in the patch) is added to
   * the trace's own counts. On an already sealed trace changes nothing and returns it
   * with changed: false. Throws StoreError "not_found".
   */
  sealTrace(traceId: string, finalPatch: string, now: Date, redaction?: RedactionSummary): Promise<{ trace: Trace; changed: boolean }>;

  /** Sets status, detail and (when given) the QA result; bumps updated_at. Throws "not_found". */
  updateTraceStatus(traceId: string, update: StatusUpdate): Promise<Trace>;

  /** Removes the trace, its events, its QA result and its jobs. False when absent. */
  deleteTrace(traceId: string): Promise<boolean>;

  /**
   * Leases the oldest runnable QA job: queued, or leased with an expired lease.
   * Increments attempts. A runnable job with attempts ≥ maxAttempts (lease expired, or
   * retried that often) is not handed out again: it is removed and its trace set FAILED
   * with the reason in status_detail and qa (status ERROR). A job whose trace is already
   * DONE or FAILED (its worker died after writing the result) is removed silently.
   */
  leaseJob(workerId: string, options: LeaseOptions): Promise<QaJob | undefined>;

  /**
   * Extends a lease the worker still holds (even if expired, as long as nobody took it);
   * false when it was lost (taken by another worker, or given up).
   */
  renewLease(jobId: string, workerId: string, leaseMs: number, now: Date): Promise<boolean>;

  /**
   * Ends a job the worker holds: "done" removes it; "retry" makes it runnable again
   * (attempts kept); "failed" removes it for good. False when the lease was lost.
   */
  finishJob(jobId: string, workerId: string, outcome: "done" | "retry" | "failed"): Promise<boolean>;

  /** API tokens (bearer): stored by SHA-256 hash only; putting a known hash replaces its role and name. */
  putApiToken(token: ApiTokenRecord): Promise<void>;
  findApiToken(hash: string): Promise<ApiTokenRecord | undefined>;

  /** Counts for metrics and health; queuedJobs counts queued and leased jobs. */
  stats(): Promise<{ traces: number; events: number; queuedJobs: number }>;

  /**
   * Closes connections and file handles; pending writes finish first. Calls after
   * close() throw StoreError "unavailable".
   */
  close(): Promise<void>;
}

/** What CreateTrace stores. */
export interface NewTrace {
  id: string;
  developer: Developer;
  task: Task;
  environment: Environment;
  /** Lower-case hex SHA-256 of the upload token. */
  uploadTokenHash: string;
  requestId?: string;
  createdAt: Date;
  /** What redaction replaced in developer, task and environment. Default: nothing. */
  redaction?: RedactionSummary;
}

/** A trace as stored, with the secret hash the RPC layer checks upload tokens against. */
export interface StoredTrace {
  trace: Trace;
  uploadTokenHash: string;
}

/** The outcome of appendEvents. */
export interface AppendResult {
  /** Highest seq S such that events 1..S are all stored. */
  ackedSeq: bigint;
  /** Present when the batch skipped seqs. */
  gap?: { expectedSeq: bigint; receivedSeq: bigint };
  /** How many events of the batch were newly stored. */
  stored: number;
}

/** One page of listTraces. */
export interface TracePage {
  traces: Trace[];
  /** Absent on the last page. */
  nextCursor?: string;
}

/** A status change written by QA. */
export interface StatusUpdate {
  status: TraceStatus;
  detail?: string;
  qa?: QaResult;
  now: Date;
}

/** How leaseJob hands out work. */
export interface LeaseOptions {
  leaseMs: number;
  maxAttempts: number;
  now: Date;
}

/** A QA job as handed to a worker. */
export interface QaJob {
  id: string;
  traceId: string;
  /** Attempts so far, including this one. */
  attempts: number;
  leaseExpiresAt: Date;
}

/** Roles of bearer tokens. */
export type Role = "ingest" | "read" | "admin";

/** A bearer token as stored. */
export interface ApiTokenRecord {
  hash: string;
  role: Role;
  /** Who holds it; for ingest tokens also the developer id traces are created under. */
  name: string;
  createdAt: Date;
}
