import { describe, expect, it } from "vitest";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { QaStatus } from "../../gen/devtrace/v1/qa_pb.js";
import { TraceStatus } from "../../gen/devtrace/v1/trace_pb.js";
import { TraceFilterSchema } from "../../gen/devtrace/v1/trace_service_pb.js";
import type { TraceFilter } from "../../gen/devtrace/v1/trace_service_pb.js";
import type { TraceStore } from "../../server/store/store.js";
import { newTrace, qaResult, range, t0 } from "./store-fixtures.js";
import type { ContractContext } from "./trace-store.contract.js";

type FilterInit = Parameters<typeof create<typeof TraceFilterSchema>>[1];
const filter = (init: FilterInit): TraceFilter => create(TraceFilterSchema, init);
const repo1 = "https://example.test/one.git";
const repo2 = "https://example.test/two.git";

interface Seeded {
  /** Trace ids by name, created one second apart in this order. */
  open: string; queued: string; low: string; high: string; failed: string; perfect: string;
}

// Six traces covering every filter dimension; created t0, t0+1s, … t0+5s.
async function seed(store: TraceStore): Promise<Seeded> {
  const make = async (i: number, developerId: string, repoUrl: string) =>
    (await store.createTrace(newTrace({ developerId, repoUrl, at: t0 + i * 1000 }))).trace.id;
  const s: Seeded = {
    open: await make(0, "dev-a", repo1),
    queued: await make(1, "dev-b", repo1),
    low: await make(2, "dev-a", repo2),
    high: await make(3, "dev-b", repo2),
    failed: await make(4, "dev-a", repo1),
    perfect: await make(5, "dev-a", repo2),
  };
  const now = new Date(t0 + 10_000);
  await store.sealTrace(s.queued, "", now);
  await store.updateTraceStatus(s.low, { status: TraceStatus.DONE, qa: qaResult(0.2), now });
  await store.updateTraceStatus(s.high, { status: TraceStatus.DONE, qa: qaResult(0.8), now });
  await store.updateTraceStatus(s.failed, { status: TraceStatus.FAILED, qa: qaResult(0, QaStatus.PATCH_FAILED), now });
  await store.updateTraceStatus(s.perfect, { status: TraceStatus.DONE, qa: qaResult(1), now });
  return s;
}

async function ids(store: TraceStore, f: TraceFilter | undefined, pageSize = 100): Promise<string[]> {
  return (await store.listTraces(f, pageSize)).traces.map((t) => t.id);
}

async function walk(store: TraceStore, f: TraceFilter | undefined, pageSize: number): Promise<{ ids: string[]; pages: number }> {
  const out: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await store.listTraces(f, pageSize, cursor);
    out.push(...page.traces.map((t) => t.id));
    cursor = page.nextCursor;
    pages++;
  } while (cursor !== undefined && pages < 1000);
  return { ids: out, pages };
}

/** listTraces filters, order and cursor pagination. */
export function listContract(ctx: ContractContext): void {
  describe("listTraces()", () => {
    it("lists newest first with no filter", async () => {
      const s = await seed(ctx.store());
      expect(await ids(ctx.store(), undefined)).toEqual([s.perfect, s.failed, s.high, s.low, s.queued, s.open]);
      expect(await ids(ctx.store(), filter({}))).toEqual([s.perfect, s.failed, s.high, s.low, s.queued, s.open]);
    });

    it("filters by developer, statuses and repo", async () => {
      const s = await seed(ctx.store());
      expect(await ids(ctx.store(), filter({ developerId: "dev-b" }))).toEqual([s.high, s.queued]);
      expect(await ids(ctx.store(), filter({ statuses: [TraceStatus.DONE] }))).toEqual([s.perfect, s.high, s.low]);
      expect(await ids(ctx.store(), filter({ statuses: [TraceStatus.OPEN, TraceStatus.FAILED] }))).toEqual([s.failed, s.open]);
      expect(await ids(ctx.store(), filter({ repoUrl: repo1 }))).toEqual([s.failed, s.queued, s.open]);
      expect(await ids(ctx.store(), filter({ developerId: "nobody" }))).toEqual([]);
    });

    it("filters by a half-open creation time range", async () => {
      const s = await seed(ctx.store());
      const range = filter({ createdAfter: timestampFromMs(t0 + 1000), createdBefore: timestampFromMs(t0 + 4000) });
      expect(await ids(ctx.store(), range)).toEqual([s.high, s.low, s.queued]);
      expect(await ids(ctx.store(), filter({ createdAfter: timestampFromMs(t0 + 4500) }))).toEqual([s.perfect]);
      expect(await ids(ctx.store(), filter({ createdBefore: timestampFromMs(t0 + 1) }))).toEqual([s.open]);
      const subMs = filter({ createdAfter: { seconds: BigInt(t0 / 1000), nanos: 1 } });
      expect(await ids(ctx.store(), subMs)).not.toContain(s.open);
    });

    it("filters by inclusive score bounds and never matches traces without a score", async () => {
      const s = await seed(ctx.store());
      expect(await ids(ctx.store(), filter({ minScore: 0.5 }))).toEqual([s.perfect, s.high]);
      expect(await ids(ctx.store(), filter({ maxScore: 0.5 }))).toEqual([s.low]);
      expect(await ids(ctx.store(), filter({ minScore: 0.8, maxScore: 0.8 }))).toEqual([s.high]);
      expect(await ids(ctx.store(), filter({ minScore: 0 }))).toEqual([s.perfect, s.high, s.low]);
    });

    it("combines filters", async () => {
      const s = await seed(ctx.store());
      expect(await ids(ctx.store(), filter({ developerId: "dev-a", minScore: 0.1, repoUrl: repo2 }))).toEqual([s.perfect, s.low]);
      expect(await ids(ctx.store(), filter({ developerId: "dev-a", statuses: [TraceStatus.DONE], maxScore: 0.9 }))).toEqual([s.low]);
    });

    it("returns an empty last page on an empty store", async () => {
      expect(await ctx.store().listTraces(undefined, 10)).toEqual({ traces: [], nextCursor: undefined });
    });

    it("ends without a cursor when the count is an exact multiple of the page size", async () => {
      const s = await seed(ctx.store());
      const first = await ctx.store().listTraces(undefined, 3);
      expect(first.nextCursor).toBeDefined();
      const second = await ctx.store().listTraces(undefined, 3, first.nextCursor);
      expect(second.traces.map((t) => t.id)).toEqual([s.low, s.queued, s.open]);
      expect(second.nextCursor).toBeUndefined();
      expect((await ctx.store().listTraces(undefined, 6)).nextCursor).toBeUndefined();
    });

    it("pages filtered results", async () => {
      const s = await seed(ctx.store());
      expect(await walk(ctx.store(), filter({ developerId: "dev-a" }), 1)).toEqual({ ids: [s.perfect, s.failed, s.low, s.open], pages: 4 });
    });

    it("pages through traces created in the same millisecond by id, each once", async () => {
      const created = await Promise.all(range(7).map(() => ctx.store().createTrace(newTrace())));
      const expected = created.map((c) => c.trace.id).sort().reverse();
      expect(await walk(ctx.store(), undefined, 2)).toEqual({ ids: expected, pages: 4 });
    });

    it("stays stable when traces are created while paging", async () => {
      const store = ctx.store();
      for (const i of range(6)) await store.createTrace(newTrace({ at: t0 + i * 1000 }));
      const first = await store.listTraces(undefined, 3);
      const newer = (await store.createTrace(newTrace({ at: t0 + 60_000 }))).trace.id;
      const older = (await store.createTrace(newTrace({ at: t0 - 60_000 }))).trace.id;
      let cursor = first.nextCursor;
      const seen = first.traces.map((t) => t.id);
      while (cursor !== undefined) {
        const page = await store.listTraces(undefined, 3, cursor);
        seen.push(...page.traces.map((t) => t.id));
        cursor = page.nextCursor;
      }
      expect(seen).not.toContain(newer);
      expect(seen.at(-1)).toBe(older);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toHaveLength(7);
    });

    it("rejects a page token it did not issue", async () => {
      await seed(ctx.store());
      const forged = Buffer.from(JSON.stringify({ createdAt: 1, id: "x" })).toString("base64url");
      for (const bad of ["garbage!!", "AAAA", forged, "x".repeat(5000)]) {
        await expect(ctx.store().listTraces(undefined, 2, bad), bad).rejects.toMatchObject({ code: "invalid_cursor" });
      }
    });

    it("rejects a page token reused with another filter, and one whose position was edited", async () => {
      await seed(ctx.store());
      const first = await ctx.store().listTraces(filter({ repoUrl: repo1 }), 1);
      expect(first.nextCursor).toBeDefined();
      await expect(ctx.store().listTraces(filter({ repoUrl: repo2 }), 1, first.nextCursor)).rejects.toMatchObject({ code: "invalid_cursor", message: expect.stringContaining("another filter") });
      await expect(ctx.store().listTraces(undefined, 1, first.nextCursor)).rejects.toMatchObject({ code: "invalid_cursor" });
      const [payload, sig] = first.nextCursor!.split(".");
      const edited = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as unknown[];
      edited[1] = 9_999_999_999_999;
      const forged = `${Buffer.from(JSON.stringify(edited)).toString("base64url")}.${sig}`;
      await expect(ctx.store().listTraces(filter({ repoUrl: repo1 }), 1, forged)).rejects.toMatchObject({ code: "invalid_cursor" });
      // The genuine token still works with its own filter.
      expect((await ctx.store().listTraces(filter({ repoUrl: repo1 }), 1, first.nextCursor)).traces).toHaveLength(1);
    });
  });
}
