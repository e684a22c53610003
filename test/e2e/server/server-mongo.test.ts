import { spawn } from "node:child_process";
import { createClient } from "@connectrpc/connect";
import { afterAll, beforeAll, expect, it } from "vitest";
import { TraceService } from "../../../gen/devtrace/v1/trace_service_pb.js";
import { grpcTransport } from "../../helpers/devtrace-server.js";
import { startFerretDb } from "../../helpers/ferretdb.js";
import type { FerretDb } from "../../helpers/ferretdb.js";
import { describeWith } from "../../helpers/infra.js";
import { cliPath, spawnServer } from "../../helpers/server-process.js";
import { newTraceRequest, thoughtEvent, thoughtEvents } from "../../helpers/trace-events.js";
import { uplinkSession } from "../../helpers/uplink-session.js";
import { readAllEvents } from "../../helpers/read-all-events.js";

describeWith(["ferretdb"], "devtrace server and worker on MongoDB (FerretDB)", () => {
  let db: FerretDb;
  beforeAll(async () => {
    db = await startFerretDb();
  });
  afterAll(async () => {
    await db?.dispose();
  });

  it("serves the same RPCs with --mongo-url, and a restarted server sees the stored events", { timeout: 120_000 }, async () => {
    const url = `${db.url}devtrace_e2e_${Date.now()}`;
    let traceId: string;
    {
      await using proc = await spawnServer({ args: ["--mongo-url", url] });
      const c = createClient(TraceService, grpcTransport(proc.url, proc.credentials().ingest_token));
      const { trace, uploadToken } = await c.createTrace(newTraceRequest());
      traceId = trace!.id;
      expect((await c.appendEvents({ traceId, uploadToken, events: thoughtEvents(1, 20) })).ackedSeq).toBe(20n);
      const gap = await c.appendEvents({ traceId, uploadToken, events: thoughtEvents(25, 26) });
      expect(gap.gap).toMatchObject({ expectedSeq: 21n, receivedSeq: 25n });
    }
    // A fresh process with its own data dir: the tokens it knows come from DEVTRACE_TOKEN, the events from MongoDB.
    await using third = await spawnServer({ args: ["--mongo-url", url], env: { DEVTRACE_TOKEN: "mongo-admin" } });
    const admin = createClient(TraceService, grpcTransport(third.url, "mongo-admin"));
    const got = await admin.getTrace({ traceId, includeEvents: true });
    expect(got.events.map((e) => Number(e.seq))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it("runs `devtrace worker --mongo-url` until SIGTERM and exits 0", { timeout: 60_000 }, async () => {
    const child = spawn(process.execPath, [cliPath, "worker", "--mongo-url", `${db.url}devtrace_worker`, "--workers", "1"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    await expect.poll(() => out, { timeout: 30_000 }).toContain("devtrace worker running");
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(out).toContain("store closed");
  });
});

describeWith(["ferretdb"], "StreamEvents at volume into MongoDB (FerretDB)", () => {
  let db: FerretDb;
  beforeAll(async () => {
    db = await startFerretDb();
  });
  afterAll(async () => {
    await db?.dispose();
  });

  it("stores a 100 000-event stream complete and in order across a forced reconnect", { timeout: 300_000 }, async () => {
    await using proc = await spawnServer({ args: ["--mongo-url", `${db.url}devtrace_volume_${Date.now()}`] });
    const c = createClient(TraceService, grpcTransport(proc.url, proc.credentials().ingest_token));
    const { trace, uploadToken } = await c.createTrace(newTraceRequest());
    const target = { traceId: trace!.id, uploadToken };
    const total = 100_000;
    const events = Array.from({ length: total }, (_, i) => thoughtEvent(i + 1, `step ${i + 1}`));

    const firstAck = await uplinkSession(c, target, events, { batch: 1000, window: 4, abortAtAck: 50_000n });
    expect(firstAck).toBeGreaterThanOrEqual(50_000n);
    expect(firstAck).toBeLessThan(BigInt(total));
    expect(await uplinkSession(c, target, events, { batch: 1000, window: 4 })).toBe(BigInt(total));

    const got = await readAllEvents(c, trace!.id);
    expect(got.trace!.ackedSeq).toBe(BigInt(total));
    expect(got.events).toHaveLength(total);
    const outOfPlace = got.events.findIndex(
      (e, i) => e.seq !== BigInt(i + 1) || e.kind.case !== "thought" || e.kind.value.text !== `step ${i + 1}`,
    );
    expect(outOfPlace).toBe(-1);
  });
});
