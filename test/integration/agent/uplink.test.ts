import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, toBinary } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { EventSchema, type Event } from "../../../gen/devtrace/v1/event_pb.js";
import type { TraceStore } from "../../../server/store/store.js";
import { Spool } from "../../../agent/spool/index.js";
import { createBackoff } from "../../../agent/uplink/backoff.js";
import { createServerTransport } from "../../../agent/uplink/server-transport.js";
import { Uplink } from "../../../agent/uplink/uplink.js";
import { newTraceRequest } from "../../helpers/trace-events.js";
import { startTestServer, testTokens, type ListeningTestServer } from "../../helpers/devtrace-server.js";
import { eventually } from "./agent-harness.js";
import { wrapAppend } from "../../helpers/wrap-append.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function note(text: string): Event {
  return create(EventSchema, { sessionId: "cli", time: timestampNow(), kind: { case: "thought", value: { text } } });
}

async function harness(srv: ListeningTestServer, o: { window?: number; maxBatchEvents?: number; maxBatchBytes?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "devtrace-uplink-"));
  const journal = await Spool.open({ dir });
  const { trace, uploadToken } = await srv.client(testTokens.ingest).createTrace(newTraceRequest());
  const uplink = new Uplink({
    spool: journal,
    ensureTrace: async () => ({ traceId: trace!.id, uploadToken }),
    connect: () => createServerTransport({ url: srv.url, token: testTokens.ingest }),
    logger: pino({ level: "silent" }),
    backoff: createBackoff({ initialMs: 20, maxMs: 200 }),
    ...o,
  });
  cleanups.push(async () => {
    await uplink.close();
    await journal.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { spool: journal, uplink, traceId: trace!.id };
}

/** A store that records the size of every batch it is asked to append. */
function recordingStore(batches: number[][]): (s: TraceStore) => TraceStore {
  return wrapAppend((real) => (traceId, events) => {
    batches.push([events.length, events.reduce((n, e) => n + toBinary(EventSchema, e).length, 0)]);
    return real(traceId, events);
  });
}

describe("Uplink", () => {
  it("delivers a backlog in batches within the server's limits and trims the spool as acks come", async () => {
    const batches: number[][] = [];
    await using srv = await startTestServer({ wrapStore: recordingStore(batches) });
    const { spool: journal, uplink, traceId } = await harness(srv, { maxBatchEvents: 500, maxBatchBytes: 16 * 1024 });
    for (let i = 0; i < 1200; i++) await journal.append(note(i % 2 ? `e${i}` : `event ${i} ${"x".repeat(100)}`));
    uplink.start();
    await eventually("the backlog acked", () => journal.ackedSeq() === 1200n, 60_000);
    expect(uplink.snapshot().serverAckedSeq).toBe(1200n);
    expect(await journal.readBatch(1n, 10, 1 << 20)).toEqual([]);
    expect(batches.every(([n, bytes]) => n <= 500 && bytes <= 16 * 1024)).toBe(true);
    expect(batches.reduce((sum, [n]) => sum + n, 0)).toBe(1200);
    const { trace } = await srv.client(testTokens.read).getTrace({ traceId });
    expect(trace?.ackedSeq).toBe(1200n);
  });

  it("resends from the server's expected seq when a batch was lost on the way", async () => {
    let dropped = false;
    await using srv = await startTestServer({
      wrapStore: wrapAppend((real) => async (traceId, events) => {
        // The first batch vanishes (as if lost before the store): the server acks nothing new.
        if (!dropped && events[0]?.seq === 1n) {
          dropped = true;
          return { ackedSeq: 0n, stored: 0 };
        }
        return real(traceId, events);
      }),
    });
    const { spool: journal, uplink, traceId } = await harness(srv, { maxBatchEvents: 10 });
    uplink.start();
    for (let i = 1; i <= 50; i++) await journal.append(note(`n${i}`)), uplink.wake();
    await eventually("all 50 acked", () => journal.ackedSeq() === 50n, 30_000);
    const { events } = await srv.client(testTokens.read).getTrace({ traceId, includeEvents: true });
    expect(dropped).toBe(true);
    expect(events.map((e) => (e.kind.case === "thought" ? e.kind.value.text : ""))).toEqual(Array.from({ length: 50 }, (_, i) => `n${i + 1}`));
  });

  it("reconnects after the store fails a write and loses nothing", async () => {
    let failures = 0;
    await using srv = await startTestServer({
      wrapStore: wrapAppend((real) => async (traceId, events) => {
        if (failures < 2 && (events[0]?.seq ?? 0n) > 5n) {
          failures++;
          throw new Error("disk I/O error (injected)");
        }
        return real(traceId, events);
      }),
    });
    const { spool: journal, uplink, traceId } = await harness(srv, { maxBatchEvents: 5 });
    uplink.start();
    for (let i = 1; i <= 30; i++) await journal.append(note(`r${i}`)), uplink.wake();
    await eventually("all 30 acked", () => journal.ackedSeq() === 30n, 30_000);
    expect(failures).toBe(2);
    expect(uplink.snapshot().reconnects).toBeGreaterThanOrEqual(2);
    const { trace } = await srv.client(testTokens.read).getTrace({ traceId });
    expect(trace?.eventCount).toBe(30n);
  });

  it("stops streaming, without losing the spool, once the server says the trace is sealed", async () => {
    await using srv = await startTestServer();
    const { spool: journal, uplink, traceId } = await harness(srv);
    uplink.start();
    await journal.append(note("one"));
    uplink.wake();
    await eventually("acked", () => journal.ackedSeq() === 1n);
    await srv.store.sealTrace(traceId, "", new Date());
    await journal.append(note("after the seal"));
    uplink.wake();
    await eventually("the sealed state", () => uplink.snapshot().state === "sealed", 30_000);
    expect(journal.lastSeq() - journal.ackedSeq()).toBe(1n);
  });
});
