import { describe, expect, it } from "vitest";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { create } from "@bufbuild/protobuf";
import { RedactionSummarySchema } from "../../gen/devtrace/v1/redaction_pb.js";
import { EventSchema } from "../../gen/devtrace/v1/event_pb.js";
import { TraceStatus } from "../../gen/devtrace/v1/trace_pb.js";
import { event, events, expectInvariant, newTrace, range, storedSeqs, t0 } from "./store-fixtures.js";
import type { ContractContext } from "./trace-store.contract.js";

/** appendEvents, readEvents and sealTrace. */
export function eventsContract(ctx: ContractContext): void {
  const open = async () => (await ctx.store().createTrace(newTrace())).trace.id;

  describe("appendEvents()", () => {
    it("stores a batch and reads it back in seq order, byte for byte", async () => {
      const id = await open();
      const batch = events(1, 30);
      expect(await ctx.store().appendEvents(id, batch)).toEqual({ ackedSeq: 30n, stored: 30 });
      expect(await ctx.store().readEvents(id)).toEqual(batch);
      expect((await ctx.store().getTrace(id))?.trace).toMatchObject({ ackedSeq: 30n, eventCount: 30n });
    });

    it("pages readEvents with afterSeq and limit", async () => {
      const id = await open();
      await ctx.store().appendEvents(id, events(1, 20));
      const page = await ctx.store().readEvents(id, { afterSeq: 5n, limit: 4 });
      expect(page.map((e) => Number(e.seq))).toEqual([6, 7, 8, 9]);
      expect(await ctx.store().readEvents(id, { afterSeq: 20n })).toEqual([]);
      expect(await ctx.store().readEvents(id, { limit: 0 })).toEqual([]);
      expect(await ctx.store().readEvents("no-such-trace")).toEqual([]);
    });

    it("hands out the stored encodings with readEventBytes, paged like readEvents", async () => {
      const id = await open();
      const batch = events(1, 12);
      await ctx.store().appendEvents(id, batch);
      const bytes = await ctx.store().readEventBytes(id, { afterSeq: 2n, limit: 5 });
      expect(bytes.map((b) => fromBinary(EventSchema, b))).toEqual(batch.slice(2, 7));
      expect(bytes.map((b) => Buffer.from(b).toString("hex"))).toEqual(batch.slice(2, 7).map((e) => Buffer.from(toBinary(EventSchema, e)).toString("hex")));
      expect(await ctx.store().readEventBytes(id, { limit: 0 })).toEqual([]);
      expect(await ctx.store().readEventBytes("no-such-trace")).toEqual([]);
    });

    it("reads a trace page by page within an event and a byte bound, and says where the next page starts", async () => {
      const id = await open();
      await ctx.store().appendEvents(id, events(1, 25));
      const store = ctx.store();
      const first = await store.readEventPage(id, { afterSeq: 0n, maxEvents: 10, maxBytes: 1 << 20 });
      expect(first.events.map((e) => Number(e.seq))).toEqual(seqRun(1, 10));
      expect(first.nextAfterSeq).toBe(10n);
      const last = await store.readEventPage(id, { afterSeq: 20n, maxEvents: 10, maxBytes: 1 << 20 });
      expect(last.events.map((e) => Number(e.seq))).toEqual(seqRun(21, 25));
      expect(last.nextAfterSeq).toBe(0n);
      // Exactly at the end: an empty last page, not a pointer to nothing.
      expect(await store.readEventPage(id, { afterSeq: 15n, maxEvents: 10, maxBytes: 1 << 20 })).toEqual({ events: (await store.readEvents(id, { afterSeq: 15n })), nextAfterSeq: 0n });
      // The byte bound cuts early, but never below one event.
      const tiny = await store.readEventPage(id, { afterSeq: 0n, maxEvents: 10, maxBytes: 1 });
      expect(tiny.events.map((e) => Number(e.seq))).toEqual([1]);
      expect(tiny.nextAfterSeq).toBe(1n);
      // Walking the pages yields every event once, in order.
      const seen: number[] = [];
      for (let after = 0n; ; ) {
        const page = await store.readEventPage(id, { afterSeq: after, maxEvents: 7, maxBytes: 1 << 20 });
        seen.push(...page.events.map((e) => Number(e.seq)));
        if (page.nextAfterSeq === 0n) break;
        after = page.nextAfterSeq;
      }
      expect(seen).toEqual(seqRun(1, 25));
      expect(await store.readEventPage("no-such-trace", { afterSeq: 0n, maxEvents: 10, maxBytes: 1 << 20 })).toEqual({ events: [], nextAfterSeq: 0n });
    });

    it("absorbs a resent batch: seqs already stored are no-ops", async () => {
      const id = await open();
      await ctx.store().appendEvents(id, events(1, 3));
      expect(await ctx.store().appendEvents(id, events(1, 5))).toEqual({ ackedSeq: 5n, stored: 2 });
      expect(await ctx.store().appendEvents(id, events(1, 5))).toEqual({ ackedSeq: 5n, stored: 0 });
      expect(await storedSeqs(ctx.store(), id)).toEqual(range(5));
    });

    it("reports a gap and stores only the contiguous run before it", async () => {
      const id = await open();
      await ctx.store().appendEvents(id, events(1, 3));
      const skip = await ctx.store().appendEvents(id, [event(5), event(6)]);
      expect(skip).toEqual({ ackedSeq: 3n, stored: 0, gap: { expectedSeq: 4n, receivedSeq: 5n } });
      const partly = await ctx.store().appendEvents(id, [event(4), event(5), event(7), event(8)]);
      expect(partly).toEqual({ ackedSeq: 5n, stored: 2, gap: { expectedSeq: 6n, receivedSeq: 7n } });
      expect(await storedSeqs(ctx.store(), id)).toEqual(range(5));
    });

    it("reports a gap when the first batch does not start at 1", async () => {
      const id = await open();
      expect(await ctx.store().appendEvents(id, events(2, 4))).toEqual({ ackedSeq: 0n, stored: 0, gap: { expectedSeq: 1n, receivedSeq: 2n } });
      expect(await ctx.store().readEvents(id)).toEqual([]);
    });

    it("throws not_found for an unknown trace", async () => {
      await expect(ctx.store().appendEvents("nope", events(1, 1))).rejects.toMatchObject({ code: "not_found" });
    });

    it("stores events of 1 MiB and a 4 MiB batch intact", async () => {
      const id = await open();
      const big = events(1, 5, 1024 * 1024 - 512);
      expect(await ctx.store().appendEvents(id, big)).toMatchObject({ ackedSeq: 5n, stored: 5 });
      expect(await ctx.store().readEvents(id)).toEqual(big);
    });

    it("ends with every event exactly once when writers race on one trace", async () => {
      const id = await open();
      const store = ctx.store();
      const batches = range(10).map((i) => events((i - 1) * 10 + 1, i * 10));
      // Twenty writers: each batch twice, in an order that makes most of them hit a gap.
      const results = await Promise.all([...batches, ...batches].reverse().map((b) => store.appendEvents(id, b)));
      let acked = results.reduce((m, r) => (r.ackedSeq > m ? r.ackedSeq : m), 0n);
      while (acked < 100n) acked = (await store.appendEvents(id, events(Number(acked) + 1, 100))).ackedSeq;
      expect(await storedSeqs(store, id)).toEqual(range(100));
      expect((await store.getTrace(id))?.trace.ackedSeq).toBe(100n);
    });

    it("stores the same batch once when two writers send it at the same time", async () => {
      const id = await open();
      const [a, b] = await Promise.all([ctx.store().appendEvents(id, events(1, 50)), ctx.store().appendEvents(id, events(1, 50))]);
      expect(a.stored + b.stored).toBe(50);
      expect([a.ackedSeq, b.ackedSeq]).toEqual([50n, 50n]);
      expect(await storedSeqs(ctx.store(), id)).toEqual(range(50));
    });

    it("keeps acked_seq = stored contiguous events = event_count through resends, gaps and races", async () => {
      const id = await open();
      const store = ctx.store();
      let state = 0x9e3779b9;
      const random = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
      let acked = 0n;
      for (let step = 0; step < 40; step++) {
        // Batches that start before, at, or after the acked seq, some sent twice at once.
        const from = Math.max(1, Number(acked) + 1 + Math.floor(random() * 9) - 5);
        const batch = events(from, from + Math.floor(random() * 12));
        const results = await Promise.all(random() < 0.3 ? [store.appendEvents(id, batch), store.appendEvents(id, batch)] : [store.appendEvents(id, batch)]);
        const now = await expectInvariant(store, id);
        for (const r of results) expect(r.ackedSeq <= now).toBe(true);
        expect(now >= acked).toBe(true);
        acked = now;
      }
      expect(await store.readEvents(id)).toEqual(events(1, Number(acked)));
    });

    it("keeps many traces written at once apart and complete", async () => {
      const store = ctx.store();
      const ids = await Promise.all(range(12).map(() => open()));
      await Promise.all(
        ids.map(async (id, n) => {
          for (let b = 0; b < 5; b++) await store.appendEvents(id, events(b * 20 + 1, b * 20 + 20, n));
        }),
      );
      for (const [n, id] of ids.entries()) expect(await store.readEvents(id)).toEqual(events(1, 100, n));
      expect((await store.stats()).events).toBe(1200);
    });
  });

  describe("sealTrace()", () => {
    it("stores the final patch, sets QUEUED and refuses later events without storing them", async () => {
      const id = await open();
      await ctx.store().appendEvents(id, events(1, 4));
      const now = new Date(t0 + 5000);
      const { trace, changed } = await ctx.store().sealTrace(id, "diff --git a/x b/x\n", now);
      expect(changed).toBe(true);
      expect(trace).toMatchObject({ status: TraceStatus.QUEUED, finalPatch: "diff --git a/x b/x\n", ackedSeq: 4n });
      expect(timestampMs(trace.sealedAt!)).toBe(now.getTime());
      await expect(ctx.store().appendEvents(id, events(5, 6))).rejects.toMatchObject({ code: "sealed" });
      await expect(ctx.store().appendEvents(id, events(1, 4))).rejects.toMatchObject({ code: "sealed" });
      expect(await storedSeqs(ctx.store(), id)).toEqual(range(4));
      expect((await ctx.store().getTrace(id))?.trace.ackedSeq).toBe(4n);
    });

    it("keeps the redaction counts of CreateTrace and adds those of the seal, rule by rule", async () => {
      const counts = (rule: string, client: number, server: number) => ({ rule, client: BigInt(client), server: BigInt(server) });
      const summary = (...c: ReturnType<typeof counts>[]) => create(RedactionSummarySchema, { counts: c });
      const { trace } = await ctx.store().createTrace(newTrace({ redaction: summary(counts("github", 1, 0), counts("url-userinfo", 0, 1)) }));
      expect(trace.redaction?.counts).toEqual([counts("github", 1, 0), counts("url-userinfo", 0, 1)].map((c) => expect.objectContaining(c)));
      await ctx.store().sealTrace(trace.id, "p", new Date(t0), summary(counts("aws", 0, 2), counts("github", 0, 3)));
      const stored = (await ctx.store().getTrace(trace.id))!.trace.redaction?.counts;
      expect(stored).toEqual([counts("aws", 0, 2), counts("github", 1, 3), counts("url-userinfo", 0, 1)].map((c) => expect.objectContaining(c)));
      expect((await ctx.store().listTraces(undefined, 10)).traces.find((t) => t.id === trace.id)?.redaction?.counts).toEqual(stored);
    });

    it("stores a final patch of 8 MiB intact", async () => {
      const id = await open();
      const patch = `diff --git a/big b/big\n${"+0123456789abcdef\n".repeat(8 * 1024 * 1024 / 18)}`;
      expect((await ctx.store().sealTrace(id, patch, new Date(t0))).trace.finalPatch).toBe(patch);
      expect((await ctx.store().getTrace(id))?.trace.finalPatch).toBe(patch);
      expect((await ctx.store().listTraces(undefined, 10)).traces[0].finalPatch).toBe(patch);
    });

    it("is idempotent: a second seal changes nothing", async () => {
      const id = await open();
      await ctx.store().sealTrace(id, "first", new Date(t0));
      const again = await ctx.store().sealTrace(id, "second", new Date(t0 + 1000));
      expect(again.changed).toBe(false);
      expect(again.trace.finalPatch).toBe("first");
      expect((await ctx.store().stats()).queuedJobs).toBe(1);
    });

    it("lets exactly one of two racing seals win", async () => {
      const id = await open();
      const results = await Promise.all([ctx.store().sealTrace(id, "a", new Date(t0)), ctx.store().sealTrace(id, "b", new Date(t0))]);
      expect(results.filter((r) => r.changed)).toHaveLength(1);
      expect((await ctx.store().stats()).queuedJobs).toBe(1);
    });

    it("refuses a batch racing the seal either wholly or stores it wholly before", async () => {
      const id = await open();
      const [append] = await Promise.allSettled([ctx.store().appendEvents(id, events(1, 10)), ctx.store().sealTrace(id, "", new Date(t0))]);
      const stored = await storedSeqs(ctx.store(), id);
      if (append.status === "fulfilled") expect(stored).toEqual(range(10));
      else expect([append.reason.code, stored]).toEqual(["sealed", []]);
    });

    it("throws not_found for an unknown trace", async () => {
      await expect(ctx.store().sealTrace("nope", "", new Date(t0))).rejects.toMatchObject({ code: "not_found" });
    });
  });
}

function seqRun(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
