import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { EventSchema, type Event } from "../../../gen/devtrace/v1/event_pb.js";
import { Spool } from "../../../agent/spool/index.js";
import { scanSegment } from "../../../agent/spool/segment-scan.js";
import { listSegmentFiles } from "../../../agent/spool/segment.js";
import { createBackoff } from "../../../agent/uplink/backoff.js";
import { createServerTransport } from "../../../agent/uplink/server-transport.js";
import { Uplink } from "../../../agent/uplink/uplink.js";
import { newTraceRequest } from "../../helpers/trace-events.js";
import { startTestServer, testTokens } from "../../helpers/devtrace-server.js";
import { eventually } from "./agent-harness.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function note(n: number): Event {
  return create(EventSchema, { sessionId: "cli", time: timestampNow(), kind: { case: "thought", value: { text: `note ${n}` } } });
}

/** Flips a payload bit of record `seq` in place: its seq stays readable, its checksum fails. */
function damage(dir: string, seq: bigint): void {
  for (const f of listSegmentFiles(dir)) {
    const buf = readFileSync(f.path);
    const rec = scanSegment(buf, f.firstSeq).records.find((r) => r.seq === seq);
    if (!rec) continue;
    buf[rec.end - 2] = (buf[rec.end - 2] ?? 0) ^ 0x08;
    writeFileSync(f.path, buf);
    return;
  }
  throw new Error(`no segment holds ${seq}`);
}

describe("Uplink with a spool that lost records", () => {
  it("delivers past a damaged middle record and a torn tail: the server acks the last seq", async () => {
    const dir = mkdtempSync(join(tmpdir(), "devtrace-uplink-lost-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const first = await Spool.open({ dir });
    for (let i = 1; i <= 20; i++) await first.append(note(i));
    await first.close();
    damage(dir, 7n);
    damage(dir, 20n);

    await using srv = await startTestServer();
    const journal = await Spool.open({ dir });
    const { trace, uploadToken } = await srv.client(testTokens.ingest).createTrace(newTraceRequest());
    const traceId = trace?.id ?? "";
    const uplink = new Uplink({
      spool: journal,
      ensureTrace: async () => ({ traceId, uploadToken }),
      connect: () => createServerTransport({ url: srv.url, token: testTokens.ingest }),
      logger: pino({ level: "silent" }),
      backoff: createBackoff({ initialMs: 20, maxMs: 200 }),
      maxBatchEvents: 4,
    });
    cleanups.push(async () => {
      await uplink.close();
      await journal.close();
    });
    expect(journal.recovery.lost).toMatchObject([
      { from: 7n, to: 7n },
      { from: 20n, to: 20n },
    ]);
    uplink.start();
    for (let i = 21; i <= 25; i++) await journal.append(note(i));
    uplink.wake();

    await eventually("the server acks seq 25", async () => (await srv.client(testTokens.read).getTrace({ traceId })).trace?.ackedSeq === 25n, 30_000);
    await eventually("the spool is trimmed to 25", () => journal.ackedSeq() === 25n, 30_000);
    expect(uplink.snapshot()).toMatchObject({ state: "connected", serverAckedSeq: 25n });
    const stored = await srv.store.readEvents(traceId);
    expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: 25 }, (_, i) => BigInt(i + 1)));
    expect(stored.filter((e) => e.kind.case === "recordLost").map((e) => [e.seq, e.sessionId])).toEqual([
      [7n, "agent"],
      [20n, "agent"],
    ]);
    expect(stored.filter((e) => e.kind.case === "thought")).toHaveLength(23);
    expect(journal.stats().lostEvents).toBe(0n);
  });
});
