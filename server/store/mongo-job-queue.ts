import { create, fromBinary } from "@bufbuild/protobuf";
import type { Filter, UpdateFilter, WriteConcern } from "mongodb";
import { QaResultSchema, QaStatus } from "../../gen/devtrace/v1/qa_pb.js";
import { TraceStatus } from "../../gen/devtrace/v1/trace_pb.js";
import { isDuplicateKey } from "./mongo-errors.js";
import { getBlob } from "./mongo-blobs.js";
import type { Collections, JobDoc } from "./mongo-schema.js";
import { mongoSchemaVersion } from "./mongo-schema.js";
import { bytesOf, placeQa } from "./mongo-trace-doc.js";
import { exhaustedReason } from "./job-exhausted.js";
import type { KeyedMutex } from "./keyed-mutex.js";
import type { LeaseOptions, QaJob } from "./store.js";

const finished = [TraceStatus.DONE, TraceStatus.FAILED];

/** The lock key of the whole queue. */
const queueLock = "qa_jobs";

/** The lock key of one trace document. */
export function traceLock(traceId: string): string {
  return `trace:${traceId}`;
}

/**
 * The QA job queue in `qa_jobs`, one document per sealed trace (_id = trace id). Every
 * transition is a single-document conditional update, atomic on MongoDB, so racing
 * workers need no transactions. FerretDB 1.x applies an update as a find, then a replace
 * by _id (not atomic), so within one process the queue also runs under a lock. Finished jobs stay as "done"/"failed" tombstones so that a late
 * enqueue (a seal's repair, see ensureJob) can never resurrect them.
 */
export class MongoJobQueue {
  constructor(
    private readonly c: Collections,
    private readonly wc: WriteConcern,
    private readonly locks: KeyedMutex,
  ) {}

  /** Enqueues the trace's job if it never had one. The caller then clears the trace's jobPending mark. */
  ensureJob(traceId: string, enqueuedAt: Date): Promise<void> {
    return this.locks.run(queueLock, async () => {
      try {
        await this.c.jobs.updateOne(
          { _id: traceId },
          { $setOnInsert: { v: mongoSchemaVersion, state: "queued", attempts: 0, enqueuedAt } },
          { upsert: true, writeConcern: this.wc },
        );
      } catch (error) {
        // Two upserts of one _id can race to insert; the loser's key is there: done.
        if (!isDuplicateKey(error)) throw error;
      }
    });
  }

  /** See TraceStore.leaseJob. First repairs seals that crashed before enqueueing. */
  async lease(workerId: string, options: LeaseOptions): Promise<QaJob | undefined> {
    for (const t of await this.c.traces.find({ jobPending: true }, { projection: { sealedAt: 1 } }).toArray()) {
      await this.ensureJob(t._id, t.sealedAt ?? options.now);
      await this.locks.run(traceLock(t._id), () => this.c.traces.updateOne({ _id: t._id }, { $unset: { jobPending: "" } }, { writeConcern: this.wc }));
    }
    const spent: JobDoc[] = [];
    const job = await this.locks.run(queueLock, () => this.#leaseLocked(workerId, options, spent));
    // Outside the queue lock: the lock order is trace, then queue (sealTrace holds both).
    for (const s of spent) await this.locks.run(traceLock(s._id), () => this.#failTrace(s, options.now));
    return job;
  }

  async #leaseLocked(workerId: string, options: LeaseOptions, spent: JobDoc[]): Promise<QaJob | undefined> {
    const runnable: Filter<JobDoc> = {
      $or: [{ state: "queued" }, { state: "leased", leaseExpiresAt: { $lte: options.now } }],
    };
    for (;;) {
      const exhausted = await this.c.jobs.findOneAndUpdate(
        { ...runnable, attempts: { $gte: options.maxAttempts } },
        { $set: { state: "failed" }, $unset: { workerId: "", leaseExpiresAt: "" } },
        { sort: { enqueuedAt: 1, _id: 1 }, writeConcern: this.wc },
      );
      if (exhausted !== null) {
        spent.push(exhausted);
        continue;
      }
      const leaseExpiresAt = new Date(options.now.getTime() + options.leaseMs);
      const job = await this.c.jobs.findOneAndUpdate(
        { ...runnable, attempts: { $lt: options.maxAttempts } },
        { $set: { state: "leased", workerId, leaseExpiresAt }, $inc: { attempts: 1 } },
        { sort: { enqueuedAt: 1, _id: 1 }, returnDocument: "after", writeConcern: this.wc },
      );
      if (job === null) return undefined;
      const trace = await this.c.traces.findOne({ _id: job._id }, { projection: { status: 1 } });
      if (trace === null || finished.includes(trace.status)) {
        await this.c.jobs.updateOne({ _id: job._id }, { $set: { state: "done" }, $unset: { leaseExpiresAt: "" } }, { writeConcern: this.wc });
        continue;
      }
      return { id: job._id, traceId: job._id, attempts: job.attempts, leaseExpiresAt };
    }
  }

  /** See TraceStore.renewLease. */
  renew(jobId: string, workerId: string, leaseMs: number, now: Date): Promise<boolean> {
    return this.locks.run(queueLock, async () => {
      const r = await this.c.jobs.updateOne(
        { _id: jobId, workerId, state: "leased" },
        { $set: { leaseExpiresAt: new Date(now.getTime() + leaseMs) } },
        { writeConcern: this.wc },
      );
      return r.matchedCount === 1;
    });
  }

  /** See TraceStore.finishJob. */
  finish(jobId: string, workerId: string, outcome: "done" | "retry" | "failed"): Promise<boolean> {
    const update: UpdateFilter<JobDoc> =
      outcome === "retry"
        ? { $set: { state: "queued" }, $unset: { workerId: "", leaseExpiresAt: "" } }
        : { $set: { state: outcome }, $unset: { leaseExpiresAt: "" } };
    return this.locks.run(queueLock, async () => {
      const r = await this.c.jobs.updateOne({ _id: jobId, workerId, state: "leased" }, update, { writeConcern: this.wc });
      return r.matchedCount === 1;
    });
  }

  /** Queued and leased jobs. */
  async countActive(): Promise<number> {
    return this.c.jobs.countDocuments({ state: { $in: ["queued", "leased"] } });
  }

  // Marks the trace FAILED with the reason, unless QA already finished it.
  async #failTrace(job: JobDoc, now: Date): Promise<void> {
    const trace = await this.c.traces.findOne({ _id: job._id }, { projection: { status: 1, qa: 1, qaBlob: 1 } });
    if (trace === null || finished.includes(trace.status)) return;
    const reason = exhaustedReason(job.attempts, job.state === "leased");
    const old = trace.qaBlob ? await getBlob(this.c, trace.qaBlob) : trace.qa ? bytesOf(trace.qa) : undefined;
    const qa = old === undefined ? create(QaResultSchema) : fromBinary(QaResultSchema, old);
    Object.assign(qa, { status: QaStatus.ERROR, error: reason, overall: 0, attempts: job.attempts });
    const placed = await placeQa(this.c, job._id, qa);
    await this.c.traces.updateOne(
      { _id: job._id, status: { $nin: finished } },
      { $set: { status: TraceStatus.FAILED, statusDetail: reason, updatedAt: now, ...placed.set }, $unset: { score: "", [placed.unset]: "" } },
      { writeConcern: this.wc },
    );
  }
}
