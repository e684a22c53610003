import { describe, expect, it } from "vitest";
import { create } from "@bufbuild/protobuf";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { TestResultsSchema } from "../../gen/devtrace/v1/qa_pb.js";
import { TraceStatus } from "../../gen/devtrace/v1/trace_pb.js";
import { StoreError } from "../../server/store/store-error.js";
import { events, newTrace, qaResult, sha256, t0 } from "./store-fixtures.js";
import type { ContractContext } from "./trace-store.contract.js";

/** createTrace, getTrace, updateTraceStatus, deleteTrace, api tokens, stats, reopen. */
export function tracesContract(ctx: ContractContext): void {
  describe("createTrace()", () => {
    it("stores an OPEN trace that getTrace returns with its token hash", async () => {
      const input = newTrace();
      const { trace, created } = await ctx.store().createTrace(input);
      expect(created).toBe(true);
      expect(trace.id).toBe(input.id);
      expect(trace.status).toBe(TraceStatus.OPEN);
      expect(trace.ackedSeq).toBe(0n);
      expect(timestampMs(trace.createdAt!)).toBe(t0);
      const got = await ctx.store().getTrace(input.id);
      expect(got?.uploadTokenHash).toBe(input.uploadTokenHash);
      expect(got?.trace.developer).toEqual(input.developer);
      expect(got?.trace.task).toEqual(input.task);
      expect(got?.trace.environment).toEqual(input.environment);
    });

    it("returns undefined from getTrace for an unknown id", async () => {
      expect(await ctx.store().getTrace("no-such-trace")).toBeUndefined();
    });

    it("returns the same trace for a retried request id, with the new token hash", async () => {
      const first = await ctx.store().createTrace(newTrace({ requestId: "req-1" }));
      const retry = newTrace({ requestId: "req-1" });
      const second = await ctx.store().createTrace(retry);
      expect(second.created).toBe(false);
      expect(second.trace.id).toBe(first.trace.id);
      expect((await ctx.store().getTrace(first.trace.id))?.uploadTokenHash).toBe(retry.uploadTokenHash);
      expect(await ctx.store().getTrace(retry.id)).toBeUndefined();
      expect((await ctx.store().stats()).traces).toBe(1);
    });

    it("keeps request ids apart per developer and makes a new trace without one", async () => {
      const a = await ctx.store().createTrace(newTrace({ requestId: "same", developerId: "dev-a" }));
      const b = await ctx.store().createTrace(newTrace({ requestId: "same", developerId: "dev-b" }));
      const c = await ctx.store().createTrace(newTrace());
      const d = await ctx.store().createTrace(newTrace());
      expect(new Set([a, b, c, d].map((r) => r.trace.id)).size).toBe(4);
      expect([a, b, c, d].every((r) => r.created)).toBe(true);
    });

    it("refuses a second trace with an existing id", async () => {
      const input = newTrace();
      await ctx.store().createTrace(input);
      await expect(ctx.store().createTrace({ ...input, requestId: undefined })).rejects.toMatchObject({ code: "conflict" });
    });
  });

  describe("updateTraceStatus()", () => {
    it("sets status, detail and QA result and bumps updatedAt", async () => {
      const { trace } = await ctx.store().createTrace(newTrace());
      const now = new Date(t0 + 60_000);
      const updated = await ctx.store().updateTraceStatus(trace.id, { status: TraceStatus.RUNNING_TESTS, detail: "running pytest", now });
      expect(updated.status).toBe(TraceStatus.RUNNING_TESTS);
      expect(updated.statusDetail).toBe("running pytest");
      expect(timestampMs(updated.updatedAt!)).toBe(now.getTime());
      const done = await ctx.store().updateTraceStatus(trace.id, { status: TraceStatus.DONE, qa: qaResult(0.75), now });
      expect(done.qa?.overall).toBe(0.75);
      expect((await ctx.store().getTrace(trace.id))?.trace.qa?.judge?.model).toBe("heuristic");
    });

    it("stores a QA result of several MiB (thousands of test cases) intact, and replaces it", async () => {
      const { trace } = await ctx.store().createTrace(newTrace());
      const big = qaResult(0.5);
      const cases = Array.from({ length: 3000 }, (_, i) => ({ name: `tests/test_${i}.py::test_case`, outcome: 2, message: "E".repeat(1000) }));
      big.tests = create(TestResultsSchema, { before: { cases }, after: { cases } });
      await ctx.store().updateTraceStatus(trace.id, { status: TraceStatus.DONE, qa: big, now: new Date(t0) });
      expect((await ctx.store().getTrace(trace.id))?.trace.qa).toEqual(big);
      await ctx.store().updateTraceStatus(trace.id, { status: TraceStatus.DONE, qa: qaResult(0.25), now: new Date(t0) });
      expect((await ctx.store().getTrace(trace.id))?.trace.qa).toEqual(qaResult(0.25));
    });

    it("keeps the stored QA result when an update carries none", async () => {
      const { trace } = await ctx.store().createTrace(newTrace());
      await ctx.store().updateTraceStatus(trace.id, { status: TraceStatus.JUDGING, qa: qaResult(0.5), now: new Date(t0) });
      const later = await ctx.store().updateTraceStatus(trace.id, { status: TraceStatus.JUDGING, detail: "asking the judge", now: new Date(t0) });
      expect(later.qa?.overall).toBe(0.5);
    });

    it("throws not_found for an unknown trace", async () => {
      const update = { status: TraceStatus.DONE, now: new Date(t0) };
      await expect(ctx.store().updateTraceStatus("nope", update)).rejects.toMatchObject({ code: "not_found" });
    });
  });

  describe("deleteTrace()", () => {
    it("removes the trace, its events, its QA result and its job", async () => {
      const store = ctx.store();
      const { trace } = await store.createTrace(newTrace());
      const other = (await store.createTrace(newTrace())).trace;
      await store.appendEvents(trace.id, events(1, 10));
      await store.appendEvents(other.id, events(1, 3));
      await store.sealTrace(trace.id, "patch", new Date(t0));
      await store.updateTraceStatus(trace.id, { status: TraceStatus.DONE, qa: qaResult(0.9), now: new Date(t0) });
      expect(await store.deleteTrace(trace.id)).toBe(true);
      expect(await store.getTrace(trace.id)).toBeUndefined();
      expect(await store.readEvents(trace.id)).toEqual([]);
      expect((await store.listTraces(undefined, 10)).traces.map((t) => t.id)).toEqual([other.id]);
      expect(await store.leaseJob("w", { leaseMs: 1000, maxAttempts: 3, now: new Date(t0) })).toBeUndefined();
      expect(await store.stats()).toEqual({ traces: 1, events: 3, queuedJobs: 0 });
      expect(await store.readEvents(other.id)).toHaveLength(3);
    });

    it("returns false for a trace that is not there", async () => {
      expect(await ctx.store().deleteTrace("nope")).toBe(false);
    });
  });

  describe("api tokens", () => {
    it("finds a token by hash and nothing by another hash", async () => {
      const record = { hash: sha256("secret-1"), role: "read" as const, name: "researcher", createdAt: new Date(t0) };
      await ctx.store().putApiToken(record);
      expect(await ctx.store().findApiToken(record.hash)).toEqual(record);
      expect(await ctx.store().findApiToken(sha256("secret-2"))).toBeUndefined();
    });

    it("replaces the role of a token put again", async () => {
      const hash = sha256("secret-3");
      await ctx.store().putApiToken({ hash, role: "ingest", name: "dev-a", createdAt: new Date(t0) });
      await ctx.store().putApiToken({ hash, role: "admin", name: "dev-a", createdAt: new Date(t0) });
      expect((await ctx.store().findApiToken(hash))?.role).toBe("admin");
    });
  });

  describe("close() and open again", () => {
    it("keeps traces, events, jobs and tokens", async () => {
      const { trace } = await ctx.store().createTrace(newTrace());
      await ctx.store().appendEvents(trace.id, events(1, 25));
      await ctx.store().sealTrace(trace.id, "final", new Date(t0));
      await ctx.store().putApiToken({ hash: sha256("t"), role: "admin", name: "root", createdAt: new Date(t0) });
      const store = await ctx.reopen();
      expect((await store.getTrace(trace.id))?.trace.ackedSeq).toBe(25n);
      expect(await store.readEvents(trace.id)).toEqual(events(1, 25));
      expect(await store.stats()).toEqual({ traces: 1, events: 25, queuedJobs: 1 });
      expect((await store.findApiToken(sha256("t")))?.name).toBe("root");
    });
  });

  describe("errors", () => {
    it("are StoreErrors with a code", async () => {
      const error = await ctx.store().appendEvents("nope", events(1, 1)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect(error).toMatchObject({ code: "not_found" });
    });
  });
}
