import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import type { Logger } from "pino";
import { QaResultSchema, QaStatus, Verdict, type QaResult } from "../../gen/devtrace/v1/qa_pb.js";
import { TraceStatus } from "../../gen/devtrace/v1/trace_pb.js";
import type { QaJob, TraceStore } from "../store/store.js";
import { classifyQaError } from "./qa-error.js";
import { runQa, type QaDeps } from "./run-qa.js";

/** How a worker leases jobs. */
export interface QaWorkerOptions {
  workerId: string;
  /** Lease length; renewed every third of it while a job runs. */
  leaseMs: number;
  /** Attempts before a job fails for good. */
  maxAttempts: number;
  /** Wait between polls of an empty queue. */
  pollMs: number;
}

/**
 * One QA worker: leases a job, keeps the lease alive with a heartbeat, runs QA,
 * records the outcome and ends the job. A lost lease aborts the run and leaves the job
 * to whoever holds it now; transient failures are retried (with back-off) until the
 * attempts run out, then the trace is FAILED with the reason.
 */
export class QaWorker {
  private stopped = false;
  private readonly stopping = new AbortController();
  private current: AbortController | undefined;
  private idle: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private readonly log: Logger;

  constructor(
    private readonly store: TraceStore,
    private readonly deps: QaDeps,
    private readonly options: QaWorkerOptions,
    logger: Logger,
  ) {
    this.log = logger.child({ workerId: options.workerId });
  }

  /** Starts leasing in the background. */
  start(): void {
    this.loop ??= this.run();
  }

  /** Stops leasing; a running job is aborted and handed back to the queue. */
  async close(): Promise<void> {
    this.stopped = true;
    this.stopping.abort(new Error("QA worker shutting down"));
    this.current?.abort(new Error("QA worker shutting down"));
    await this.loop;
  }

  /** Ends an idle wait so the next lease attempt happens now. */
  wake(): void {
    this.idle?.abort();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let job: QaJob | undefined;
      try {
        job = await this.store.leaseJob(this.options.workerId, { leaseMs: this.options.leaseMs, maxAttempts: this.options.maxAttempts, now: new Date() });
      } catch (err) {
        this.log.error({ err }, "leasing a QA job failed");
      }
      if (job && !this.stopped) await this.runJob(job);
      else {
        this.idle = new AbortController();
        await sleep(this.options.pollMs, AbortSignal.any([this.stopping.signal, this.idle.signal]));
        this.idle = undefined;
      }
    }
  }

  private async runJob(job: QaJob): Promise<void> {
    const log = this.log.child({ traceId: job.traceId, jobId: job.id, attempt: job.attempts });
    const abort = new AbortController();
    this.current = abort;
    let lost = false;
    const heartbeat = setInterval(() => {
      this.store.renewLease(job.id, this.options.workerId, this.options.leaseMs, new Date()).then(
        (held) => {
          if (held || lost) return;
          lost = true;
          log.warn("QA lease lost; abandoning the run");
          abort.abort(new Error("QA lease lost"));
        },
        (err: unknown) => log.error({ err }, "renewing the QA lease failed"),
      );
    }, Math.max(50, Math.floor(this.options.leaseMs / 3)));
    try {
      await this.process(job, abort.signal, () => lost, log);
    } catch (err) {
      log.error({ err }, "QA bookkeeping failed; the job is retried when its lease expires");
    } finally {
      clearInterval(heartbeat);
      this.current = undefined;
    }
  }

  private async process(job: QaJob, signal: AbortSignal, lost: () => boolean, log: Logger): Promise<void> {
    const stored = await this.store.getTrace(job.traceId);
    if (!stored) {
      await this.store.finishJob(job.id, this.options.workerId, "failed");
      return;
    }
    const qa = create(QaResultSchema, { startedAt: timestampNow(), attempts: job.attempts });
    const write = async (status: TraceStatus, detail: string) => {
      if (lost()) throw new Error("QA lease lost", { cause: signal.reason });
      await this.store.updateTraceStatus(job.traceId, { status, detail, qa, now: new Date() });
    };
    log.info("QA started");
    try {
      await runQa(stored.trace, () => this.store.readEvents(job.traceId), qa, this.deps, write, log, signal);
    } catch (err) {
      await this.failed(job, qa, err, signal, lost(), log);
      return;
    }
    qa.status = QaStatus.OK;
    qa.finishedAt = timestampNow();
    await write(TraceStatus.DONE, `QA done: tests ${Verdict[qa.tests?.verdict ?? Verdict.UNSPECIFIED]}, judge ${qa.judge?.overall.toFixed(2)}, overall ${qa.overall.toFixed(3)}`);
    await this.store.finishJob(job.id, this.options.workerId, "done");
    log.info({ overall: qa.overall }, "QA done");
  }

  private async failed(job: QaJob, qa: QaResult, err: unknown, signal: AbortSignal, lost: boolean, log: Logger): Promise<void> {
    if (lost) return; // Another worker holds the job now.
    if (signal.aborted) {
      await this.store.updateTraceStatus(job.traceId, { status: TraceStatus.QUEUED, detail: "QA worker stopped; the job waits for another worker", now: new Date() });
      await this.store.finishJob(job.id, this.options.workerId, "retry");
      return;
    }
    const failure = classifyQaError(err);
    if (failure.transient && job.attempts < this.options.maxAttempts) {
      log.warn({ err }, "QA attempt failed; retrying");
      await this.store.updateTraceStatus(job.traceId, { status: TraceStatus.QUEUED, detail: `attempt ${job.attempts} failed (${failure.message}); retrying`, now: new Date() });
      // Hold the lease through the back-off so the job is not re-leased at once.
      await sleep(Math.min(30_000, 1000 * 2 ** job.attempts), this.stopping.signal);
      await this.store.finishJob(job.id, this.options.workerId, "retry");
      return;
    }
    log.warn({ err, status: QaStatus[failure.status] }, "QA failed");
    Object.assign(qa, { status: failure.status, error: failure.message, overall: 0, finishedAt: timestampNow() });
    await this.store.updateTraceStatus(job.traceId, { status: TraceStatus.FAILED, detail: `${QaStatus[failure.status]}: ${failure.message}`, qa, now: new Date() });
    await this.store.finishJob(job.id, this.options.workerId, "failed");
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
