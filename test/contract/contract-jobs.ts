import { describe, expect, it } from "vitest";
import { QaStatus } from "../../gen/devtrace/v1/qa_pb.js";
import { TraceStatus } from "../../gen/devtrace/v1/trace_pb.js";
import { newTrace, t0 } from "./store-fixtures.js";
import type { ContractContext } from "./trace-store.contract.js";

const leaseMs = 30_000;
const at = (ms: number) => new Date(t0 + ms);
const opts = (nowMs: number, maxAttempts = 3) => ({ leaseMs, maxAttempts, now: at(nowMs) });

/** The QA job queue: leaseJob, renewLease, finishJob. */
export function jobsContract(ctx: ContractContext): void {
  const sealed = async (sealAtMs = 0) => {
    const { trace } = await ctx.store().createTrace(newTrace());
    await ctx.store().sealTrace(trace.id, "", at(sealAtMs));
    return trace.id;
  };

  describe("leaseJob()", () => {
    it("hands the sealed trace's job to one worker only", async () => {
      const id = await sealed();
      const job = await ctx.store().leaseJob("w1", opts(1000));
      expect(job).toMatchObject({ traceId: id, attempts: 1, leaseExpiresAt: at(1000 + leaseMs) });
      expect(await ctx.store().leaseJob("w2", opts(2000))).toBeUndefined();
      expect((await ctx.store().stats()).queuedJobs).toBe(1);
    });

    it("hands out nothing when no trace is sealed", async () => {
      await ctx.store().createTrace(newTrace());
      expect(await ctx.store().leaseJob("w1", opts(0))).toBeUndefined();
    });

    it("hands out jobs oldest first", async () => {
      const first = await sealed(100);
      const second = await sealed(200);
      expect((await ctx.store().leaseJob("w", opts(300)))?.traceId).toBe(first);
      expect((await ctx.store().leaseJob("w", opts(300)))?.traceId).toBe(second);
    });

    it("gives one job to exactly one of many racing workers", async () => {
      await sealed();
      const jobs = await Promise.all(["a", "b", "c", "d"].map((w) => ctx.store().leaseJob(w, opts(10))));
      expect(jobs.filter((j) => j !== undefined)).toHaveLength(1);
    });

    it("hands a job out again once its lease expired, and the old holder loses it", async () => {
      const id = await sealed();
      const job = (await ctx.store().leaseJob("w1", opts(0)))!;
      expect(await ctx.store().leaseJob("w2", opts(leaseMs - 1))).toBeUndefined();
      const again = await ctx.store().leaseJob("w2", opts(leaseMs));
      expect(again).toMatchObject({ id: job.id, traceId: id, attempts: 2 });
      expect(await ctx.store().renewLease(job.id, "w1", leaseMs, at(leaseMs + 1))).toBe(false);
      expect(await ctx.store().finishJob(job.id, "w1", "done")).toBe(false);
      expect(await ctx.store().finishJob(job.id, "w2", "done")).toBe(true);
    });

    it("fails the trace with a reason when attempts run out", async () => {
      const id = await sealed();
      await ctx.store().updateTraceStatus(id, { status: TraceStatus.RUNNING_TESTS, now: at(0) });
      expect(await ctx.store().leaseJob("w1", opts(0, 2))).toMatchObject({ attempts: 1 });
      expect(await ctx.store().leaseJob("w2", opts(leaseMs, 2))).toMatchObject({ attempts: 2 });
      expect(await ctx.store().leaseJob("w3", opts(2 * leaseMs, 2))).toBeUndefined();
      const trace = (await ctx.store().getTrace(id))!.trace;
      expect(trace.status).toBe(TraceStatus.FAILED);
      expect(trace.statusDetail).toMatch(/2 attempt/);
      expect(trace.qa).toMatchObject({ status: QaStatus.ERROR, attempts: 2 });
      expect(trace.qa?.error).toBe(trace.statusDetail);
      expect((await ctx.store().stats()).queuedJobs).toBe(0);
    });
  });

  describe("renewLease()", () => {
    it("extends the holder's lease so nobody else gets the job", async () => {
      await sealed();
      const job = (await ctx.store().leaseJob("w1", opts(0)))!;
      expect(await ctx.store().renewLease(job.id, "w1", leaseMs, at(leaseMs - 10))).toBe(true);
      expect(await ctx.store().leaseJob("w2", opts(leaseMs + 10))).toBeUndefined();
      expect(await ctx.store().leaseJob("w2", opts(2 * leaseMs - 10))).toMatchObject({ id: job.id, attempts: 2 });
    });

    it("refuses a worker that does not hold the job", async () => {
      await sealed();
      const job = (await ctx.store().leaseJob("w1", opts(0)))!;
      expect(await ctx.store().renewLease(job.id, "w2", leaseMs, at(1))).toBe(false);
      expect(await ctx.store().renewLease("no-such-job", "w1", leaseMs, at(1))).toBe(false);
    });
  });

  describe("finishJob()", () => {
    it("removes a done job for good", async () => {
      await sealed();
      const job = (await ctx.store().leaseJob("w1", opts(0)))!;
      expect(await ctx.store().finishJob(job.id, "w1", "done")).toBe(true);
      expect(await ctx.store().leaseJob("w1", opts(10 * leaseMs))).toBeUndefined();
      expect((await ctx.store().stats()).queuedJobs).toBe(0);
    });

    it("makes a retried job runnable at once, attempts kept", async () => {
      await sealed();
      const job = (await ctx.store().leaseJob("w1", opts(0)))!;
      expect(await ctx.store().finishJob(job.id, "w1", "retry")).toBe(true);
      expect(await ctx.store().leaseJob("w2", opts(1))).toMatchObject({ id: job.id, attempts: 2 });
    });

    it("removes a failed job for good", async () => {
      await sealed();
      const job = (await ctx.store().leaseJob("w1", opts(0)))!;
      expect(await ctx.store().finishJob(job.id, "w1", "failed")).toBe(true);
      expect(await ctx.store().leaseJob("w1", opts(10 * leaseMs))).toBeUndefined();
    });

    it("refuses a worker that does not hold the job", async () => {
      await sealed();
      const job = (await ctx.store().leaseJob("w1", opts(0)))!;
      expect(await ctx.store().finishJob(job.id, "w2", "done")).toBe(false);
      expect(await ctx.store().finishJob(job.id, "w1", "retry")).toBe(true);
      expect(await ctx.store().finishJob(job.id, "w1", "done")).toBe(false);
    });
  });
}
