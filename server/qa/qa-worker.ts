import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import type { Logger } from "pino";
import { JudgeStatus, QaResultSchema, QaStatus, Verdict, type QaResult } from "../../gen/devtrace/v1/qa_pb.js";
import { TraceStatus, type Trace } from "../../gen/devtrace/v1/trace_pb.js";
import type { QaJob, TraceStore } from "../store/store.js";
import { classifyQaError, messageOf } from "./qa-error.js";
import { runJudgeStage, runTestStage, type QaDeps } from "./run-qa.js";

/** How a worker leases jobs. */
export interface QaWorkerOptions {
  workerId: string;
  /** Lease length; renewed every third of it while a job runs. */
  leaseMs: number;
  /** Attempts before a job fails for good. */
  maxAttempts: number;
  /** Wait between polls of an empty queue. */
  pollMs: number;
  /**
   * Traces this worker may be judging while it already runs the next trace's tests; the
   * test stage waits only when this many judgements are pending. Default 4.
   */
  maxJudging?: number;
}

/** One leased job in flight: its abort switch and its lease heartbeat. */
interface Running {
  abort: AbortController;
  lost: boolean;
  heartbeat: NodeJS.Timeout;
}

/**
 * One QA worker: leases a job, keeps the lease alive with a heartbeat, runs the tests,
 * then hands the trace to the judge stage in the background and leases the next job, so
 * a slow judge never holds back another trace's tests. Every failure ends as the trace's
 * FAILED status with its cause, never as an exception out of the worker. A lost lease
 * aborts the run and leaves the job to whoever holds it now; transient failures are
 * retried (with back-off) until the attempts run out.
 */
export class QaWorker {
  private stopped = false;
  private readonly stopping = new AbortController();
  private readonly running = new Set<Running>();
  private readonly judging = new Set<Promise<void>>();
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

  /** Stops leasing; running jobs (tests or judging) are aborted and handed back to the queue. */
  async close(): Promise<void> {
    this.stopped = true;
    this.stopping.abort(new Error("QA worker shutting down"));
    for (const r of this.running) r.abort.abort(new Error("QA worker shutting down"));
    await this.loop;
    await Promise.allSettled([...this.judging]);
  }

  /** Ends an idle wait so the next lease attempt happens now. */
  wake(): void {
    this.idle?.abort();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      while (this.judging.size >= (this.options.maxJudging ?? 4) && !this.stopped) await Promise.race([...this.judging]);
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

  /** Runs the test stage now; the judge stage continues in the background with the lease held. */
  private async runJob(job: QaJob): Promise<void> {
    const log = this.log.child({ traceId: job.traceId, jobId: job.id, attempt: job.attempts });
    const r: Running = { abort: new AbortController(), lost: false, heartbeat: setInterval(() => this.renew(job, r, log), Math.max(50, Math.floor(this.options.leaseMs / 3))) };
    this.running.add(r);
    const done = () => {
      clearInterval(r.heartbeat);
      this.running.delete(r);
    };
    let judge: (() => Promise<void>) | undefined;
    try {
      judge = await this.testStage(job, r, log);
    } catch (err) {
      log.error({ err }, "QA bookkeeping failed; the job is retried when its lease expires");
    }
    if (!judge) return done();
    const judging: Promise<void> = judge()
      .catch((err: unknown) => log.error({ err }, "QA bookkeeping failed while judging; the job is retried when its lease expires"))
      .finally(() => {
        done();
        this.judging.delete(judging);
      });
    this.judging.add(judging);
  }

  private renew(job: QaJob, r: Running, log: Logger): void {
    this.store.renewLease(job.id, this.options.workerId, this.options.leaseMs, new Date()).then(
      (held) => {
        if (held || r.lost) return;
        r.lost = true;
        log.warn("QA lease lost; abandoning the run");
        r.abort.abort(new Error("QA lease lost"));
      },
      (err: unknown) => log.error({ err }, "renewing the QA lease failed"),
    );
  }

  /** Returns the judge stage to run next, or undefined when the job is already finished. */
  private async testStage(job: QaJob, r: Running, log: Logger): Promise<(() => Promise<void>) | undefined> {
    const stored = await this.store.getTrace(job.traceId);
    if (!stored) {
      await this.store.finishJob(job.id, this.options.workerId, "failed");
      return undefined;
    }
    const qa = create(QaResultSchema, { startedAt: timestampNow(), attempts: job.attempts, attemptErrors: earlierAttempts(stored.trace, job.attempts) });
    const write = async (status: TraceStatus, detail: string) => {
      if (r.lost) throw new Error("QA lease lost", { cause: r.abort.signal.reason });
      await this.store.updateTraceStatus(job.traceId, { status, detail, qa, now: new Date() });
    };
    log.info("QA started");
    try {
      await runTestStage(stored.trace, qa, this.deps, write, log, r.abort.signal);
    } catch (err) {
      await this.failed(job, qa, err, r, log);
      return undefined;
    }
    return async () => {
      try {
        await runJudgeStage(stored.trace, () => this.store.readEvents(job.traceId), qa, this.deps, write, r.abort.signal);
      } catch (err) {
        await this.failed(job, qa, err, r, log);
        return;
      }
      qa.finishedAt = timestampNow();
      const tests = qa.tests!;
      if (tests.verdict === Verdict.NOT_RUN) {
        qa.status = QaStatus.NOT_CONFIGURED;
        qa.error = tests.notRunReason;
        await write(TraceStatus.FAILED, `NOT_CONFIGURED: ${tests.notRunReason} (judge ${qa.judge?.overall.toFixed(2)}/5)`);
      } else {
        qa.status = QaStatus.OK;
        await write(TraceStatus.DONE, `QA done: tests ${Verdict[tests.verdict]}, judge ${qa.judge?.overall.toFixed(2)}, overall ${qa.overall.toFixed(3)}`);
      }
      await this.store.finishJob(job.id, this.options.workerId, "done");
      log.info({ overall: qa.overall, status: QaStatus[qa.status] }, "QA done");
    };
  }

  private async failed(job: QaJob, qa: QaResult, err: unknown, r: Running, log: Logger): Promise<void> {
    if (r.lost) return; // Another worker holds the job now.
    if (r.abort.signal.aborted) {
      await this.store.updateTraceStatus(job.traceId, { status: TraceStatus.QUEUED, detail: "QA worker stopped; the job waits for another worker", now: new Date() });
      await this.store.finishJob(job.id, this.options.workerId, "retry");
      return;
    }
    const failure = classifyQaError(err);
    if (qa.judgeStatus === JudgeStatus.UNSPECIFIED) qa.judgeStatus = JudgeStatus.NOT_RUN;
    if (failure.transient && job.attempts < this.options.maxAttempts) {
      log.warn({ err }, "QA attempt failed; retrying");
      const detail = `attempt ${job.attempts} failed (${QaStatus[failure.status]}: ${failure.message}); retrying`;
      // Kept in the stored result, so the next attempt (or the give-up) still shows why.
      qa.attemptErrors.push(`attempt ${job.attempts}: ${QaStatus[failure.status]}: ${failure.message}`);
      await this.store.updateTraceStatus(job.traceId, { status: TraceStatus.QUEUED, detail, qa, now: new Date() });
      // Hold the lease through the back-off so the job is not re-leased at once.
      await sleep(Math.min(30_000, 1000 * 2 ** job.attempts), this.stopping.signal);
      await this.store.finishJob(job.id, this.options.workerId, "retry");
      return;
    }
    log.warn({ err, status: QaStatus[failure.status] }, "QA failed");
    if (qa.tests?.verdict === Verdict.NOT_RUN) {
      // The missing test settings are the first thing to fix; the judge's trouble comes second.
      Object.assign(failure, { status: QaStatus.NOT_CONFIGURED, message: `${qa.tests.notRunReason}; and ${failure.message}` });
    }
    Object.assign(qa, { status: failure.status, error: failure.message, overall: 0, finishedAt: timestampNow() });
    const earlier = qa.attemptErrors.length ? ` (earlier: ${qa.attemptErrors.join("; ")})` : "";
    await this.store.updateTraceStatus(job.traceId, { status: TraceStatus.FAILED, detail: `${QaStatus[failure.status]}: ${failure.message}${earlier}`, qa, now: new Date() });
    await this.store.finishJob(job.id, this.options.workerId, "failed");
  }
}

/**
 * Why the attempts before this one ended, from what they stored. A trace still in a QA
 * stage when its job is leased again means the previous worker stopped renewing its lease
 * (killed, hung, or cut off from the store): that is said, not silently retried.
 */
function earlierAttempts(trace: Trace, attempt: number): string[] {
  const kept = [...(trace.qa?.attemptErrors ?? [])];
  if (attempt <= 1) return kept;
  const stage = trace.status === TraceStatus.RUNNING_TESTS ? "running tests" : trace.status === TraceStatus.JUDGING ? "judging" : undefined;
  if (stage && !kept.some((e) => e.startsWith(`attempt ${attempt - 1}:`))) {
    kept.push(`attempt ${attempt - 1}: the worker's lease expired while ${stage} (the worker died, hung or lost the store); last step: ${messageOf(trace.statusDetail)}`);
  }
  return kept;
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
