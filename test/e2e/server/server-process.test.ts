import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import type { Event } from "../../../gen/devtrace/v1/event_pb.js";
import { StreamEventsRequestSchema, TraceService } from "../../../gen/devtrace/v1/trace_service_pb.js";
import type { StreamEventsRequest } from "../../../gen/devtrace/v1/trace_service_pb.js";
import { grpcTransport } from "../../helpers/devtrace-server.js";
import { cliPath, spawnServer } from "../../helpers/server-process.js";
import { newTraceRequest, thoughtEvent } from "../../helpers/trace-events.js";
import { readAllEvents } from "../../helpers/read-all-events.js";

describe("devtrace server (process)", () => {
  it("gives a newcomer working tokens on first run, and keeps them across restarts", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "devtrace-newcomer-"));
    try {
      let ingest: string;
      {
        await using proc = await spawnServer({ dataDir });
        expect(proc.output()).toContain("devtrace: first run");
        expect(proc.output()).toContain(`export DEVTRACE_SERVER=${proc.url}`);
        expect(statSync(join(dataDir, "credentials.json")).mode & 0o777).toBe(0o600);
        const creds = proc.credentials();
        ingest = creds.ingest_token;
        expect(proc.output()).not.toContain(ingest);
        const c = createClient(TraceService, grpcTransport(proc.url, ingest));
        const { trace } = await c.createTrace(newTraceRequest());
        expect(trace!.developer!.id).toBe(creds.developer_id);
        const read = createClient(TraceService, grpcTransport(proc.url, creds.read_token));
        expect((await read.listTraces({})).traces).toHaveLength(1);
      }
      await using again = await spawnServer({ dataDir });
      expect(again.output()).not.toContain("devtrace: first run");
      const c = createClient(TraceService, grpcTransport(again.url, ingest));
      expect((await c.createTrace(newTraceRequest())).trace!.id).toBeTruthy();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("accepts DEVTRACE_TOKEN as an admin token", async () => {
    await using proc = await spawnServer({ env: { DEVTRACE_TOKEN: "operator-chosen-secret" } });
    const admin = createClient(TraceService, grpcTransport(proc.url, "operator-chosen-secret"));
    expect((await admin.listTraces({})).traces).toEqual([]);
    expect(proc.output()).not.toContain("operator-chosen-secret");
  });

  it("exits 2 with a clear message on a bad flag", () => {
    const r = spawnSync(process.execPath, [cliPath, "server", "--listen", "nowhere"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--listen: expected host:port (e.g. 127.0.0.1:50051), got "nowhere"');
    const w = spawnSync(process.execPath, [cliPath, "worker"], { encoding: "utf8", env: { PATH: process.env.PATH } });
    expect(w.status).toBe(2);
    expect(w.stderr).toContain("--mongo-url");
  });

  it("shuts down on SIGTERM: exits 0 after closing the store", async () => {
    await using proc = await spawnServer();
    expect(await proc.stop("SIGTERM")).toBe(0);
    expect(proc.output()).toContain("store closed");
  });

  it("keeps every acked event through kill -9 in the middle of a stream, and reports nothing unacked", { timeout: 180_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "devtrace-kill9-"));
    try {
      const sent = new Map<bigint, Event>();
      let lastAck = 0n;
      let traceId: string;
      {
        await using proc = await spawnServer({ dataDir });
        const ingest = proc.credentials().ingest_token;
        const c = createClient(TraceService, grpcTransport(proc.url, ingest));
        const created = await c.createTrace(newTraceRequest());
        traceId = created.trace!.id;
        let killed = false;
        async function* requests(): AsyncGenerator<StreamEventsRequest> {
          yield create(StreamEventsRequestSchema, { msg: { case: "open", value: { traceId, uploadToken: created.uploadToken } } });
          // Send without waiting for acks so batches are in flight when the process dies.
          for (let b = 0; b < 10_000 && !killed; b++) {
            const events = Array.from({ length: 50 }, (_, i) => thoughtEvent(b * 50 + i + 1, `kill9 ${b * 50 + i + 1}`));
            for (const e of events) sent.set(e.seq, e);
            yield create(StreamEventsRequestSchema, { msg: { case: "batch", value: { events } } });
          }
        }
        const err = await (async () => {
          for await (const ack of c.streamEvents(requests())) {
            lastAck = ack.ackedSeq;
            if (lastAck >= 5_000n && !killed) {
              killed = true;
              proc.child.kill("SIGKILL");
            }
          }
        })().then(
          () => undefined,
          (e: unknown) => ConnectError.from(e),
        );
        expect(killed).toBe(true);
        expect(err, "the stream must fail when the server dies").toBeInstanceOf(ConnectError);
        expect(await proc.stop()).toBe("SIGKILL");
      }
      await using again = await spawnServer({ dataDir });
      const read = createClient(TraceService, grpcTransport(again.url, again.credentials().read_token));
      const got = await readAllEvents(read, traceId);
      const stored = got.trace!.ackedSeq;
      expect(stored).toBeGreaterThanOrEqual(lastAck); // every acked event survived
      expect(got.trace!.eventCount).toBe(stored); // and the count claims no more than what is there
      expect(got.events).toHaveLength(Number(stored));
      got.events.forEach((e, i) => {
        expect(e.seq).toBe(BigInt(i + 1));
        expect(e).toEqual(sent.get(e.seq));
      });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
