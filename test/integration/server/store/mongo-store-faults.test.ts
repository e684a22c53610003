import { Writable } from "node:stream";
import { afterEach, beforeEach, expect, it } from "vitest";
import { MongoClient } from "mongodb";
import pino from "pino";
import { TraceStatus } from "../../../../gen/devtrace/v1/trace_pb.js";
import { eventBucket } from "../../../../server/store/mongo-schema.js";
import { MongoStore } from "../../../../server/store/mongo-store.js";
import type { TraceStore } from "../../../../server/store/store.js";
import { events, newTrace, range, storedSeqs } from "../../../contract/store-fixtures.js";
import { startFerretDb } from "../../../helpers/ferretdb.js";
import type { FerretDb } from "../../../helpers/ferretdb.js";
import { describeWith } from "../../../helpers/infra.js";

const silent = pino({ level: "silent" });

describeWith(["ferretdb"], "MongoStore faults", () => {
  let ferret: FerretDb;
  let store: TraceStore | undefined;
  const open = (o: Partial<Parameters<typeof MongoStore.open>[0]> = {}) =>
    MongoStore.open({ url: ferret.url, database: "faults", logger: silent, serverSelectionTimeoutMs: 1500, startupDeadlineMs: 20_000, ...o });

  beforeEach(async () => {
    ferret = await startFerretDb();
  });
  afterEach(async () => {
    try {
      await store?.close();
    } finally {
      store = undefined;
      await ferret.dispose();
    }
  });

  it("refuses with unavailable while the server is down; the resend after restart completes the trace", async () => {
    store = await open();
    const { trace } = await store.createTrace(newTrace());
    expect((await store.appendEvents(trace.id, events(1, 500))).ackedSeq).toBe(500n);
    await ferret.stop({ crash: true });
    await expect(store.appendEvents(trace.id, events(501, 1000))).rejects.toMatchObject({ code: "unavailable" });
    await ferret.start();
    const acked = (await store.getTrace(trace.id))!.trace.ackedSeq;
    expect(acked).toBe(500n);
    expect(await store.appendEvents(trace.id, events(Number(acked) + 1, 1000))).toMatchObject({ ackedSeq: 1000n });
    expect(await storedSeqs(store, trace.id)).toEqual(range(1000));
  });

  it("loses and doubles nothing when the server dies during a stream of appends", async () => {
    store = await open();
    const s = store;
    const { trace } = await s.createTrace(newTrace());
    let acked = 0n;
    let failure: unknown;
    // The writer streams batches like an agent until a write fails; the server dies meanwhile.
    const writer = (async () => {
      for (let b = 0; b < 1000 && failure === undefined; b++) {
        try {
          acked = (await s.appendEvents(trace.id, events(Number(acked) + 1, Number(acked) + 200))).ackedSeq;
        } catch (error) {
          failure = error;
        }
      }
    })();
    while (acked < 1000n && failure === undefined) await new Promise((r) => setTimeout(r, 5));
    await ferret.stop({ crash: true });
    await writer;
    expect(failure).toMatchObject({ code: "unavailable" });
    await ferret.start();
    const stored = (await s.getTrace(trace.id))!.trace.ackedSeq;
    expect(stored).toBeGreaterThanOrEqual(acked);
    // The agent resends everything after what it was acked for; some of it may be stored already.
    const total = Number(acked) + 1000;
    expect((await s.appendEvents(trace.id, events(Number(acked) + 1, total))).ackedSeq).toBe(BigInt(total));
    expect(await storedSeqs(s, trace.id)).toEqual(range(total));
  });

  it("completes an append that stopped after writing events but before advancing ackedSeq", async () => {
    store = await open();
    const { trace } = await store.createTrace(newTrace());
    await store.appendEvents(trace.id, events(1, 10));
    // What a crash between the two steps of an append leaves behind: events 11..15 written, ackedSeq still 10.
    const client = new MongoClient(ferret.url);
    try {
      const { toBinary } = await import("@bufbuild/protobuf");
      const { EventSchema } = await import("../../../../gen/devtrace/v1/event_pb.js");
      const bucket = eventBucket(trace.id);
      const orphans = events(11, 15).map((e) => ({ bucket, traceId: trace.id, seq: e.seq, v: 1, body: toBinary(EventSchema, e) }));
      await client.db("faults").collection("events").insertMany(orphans);
    } finally {
      await client.close();
    }
    expect(await storedSeqs(store, trace.id)).toEqual(range(10));
    expect(await store.appendEvents(trace.id, events(11, 20))).toEqual({ ackedSeq: 20n, stored: 5 });
    expect(await store.readEvents(trace.id)).toEqual(events(1, 20));
  });

  it("enqueues the job of a seal that stopped before enqueueing it", async () => {
    store = await open();
    const { trace } = await store.createTrace(newTrace());
    const client = new MongoClient(ferret.url);
    try {
      // A seal that crashed after marking the trace and before writing its job.
      await client.db("faults").collection("traces").updateOne({ _id: trace.id as never }, { $set: { status: TraceStatus.QUEUED, jobPending: true, sealedAt: new Date() } });
    } finally {
      await client.close();
    }
    const job = await store.leaseJob("w1", { leaseMs: 1000, maxAttempts: 3, now: new Date() });
    expect(job?.traceId).toBe(trace.id);
    expect((await store.stats()).queuedJobs).toBe(1);
  });

  // FerretDB 1.24's SQLite backend pushes down only {_id: value} filters, so reading one
  // trace scans the whole events table: slow here, indexed on MongoDB.
  it("stores 100 000 events streamed in batches of 1000, complete and in order", async () => {
    store = await open();
    const { trace } = await store.createTrace(newTrace());
    for (let b = 0; b < 100; b++) {
      const r = await store.appendEvents(trace.id, events(b * 1000 + 1, b * 1000 + 1000, 16));
      expect(r.ackedSeq).toBe(BigInt(b * 1000 + 1000));
    }
    const seqs = await storedSeqs(store, trace.id);
    expect(seqs.length).toBe(100_000);
    expect(seqs.every((s, i) => s === i + 1)).toBe(true);
  }, 600_000);
});

describeWith(["ferretdb"], "MongoStore.open()", () => {
  it("retries an unreachable server with back-off and names it, password masked", async () => {
    const ferret = await startFerretDb();
    const url = ferret.url.replace("mongodb://", "mongodb://devtrace:s3cret@");
    await ferret.dispose();
    const lines: string[] = [];
    const logger = pino({ level: "warn" }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
    const error = await MongoStore.open({ url, logger, serverSelectionTimeoutMs: 200, startupDeadlineMs: 1500 }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(url.replace("s3cret", "****"));
    expect((error as Error).message).not.toContain("s3cret");
    const retries = lines.filter((l) => l.includes("retrying"));
    expect(retries.length).toBeGreaterThanOrEqual(2);
    expect(retries.join("")).not.toContain("s3cret");
  });

  it("opens once a server that was down at start comes up", async () => {
    const ferret = await startFerretDb();
    try {
      await ferret.stop();
      const opening = MongoStore.open({ url: ferret.url, logger: silent, serverSelectionTimeoutMs: 300, startupDeadlineMs: 60_000 });
      await new Promise((r) => setTimeout(r, 500));
      await ferret.start();
      const store = await opening;
      try {
        expect((await store.stats()).traces).toBe(0);
      } finally {
        await store.close();
      }
    } finally {
      await ferret.dispose();
    }
  });
});
