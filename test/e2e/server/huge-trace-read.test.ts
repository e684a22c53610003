import { execFile } from "node:child_process";
import { request } from "node:http";
import { createClient } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TraceService } from "../../../gen/devtrace/v1/trace_service_pb.js";
import { eventPageMaxEvents } from "../../../server/rpc/get-trace.js";
import { grpcTransport } from "../../helpers/devtrace-server.js";
import { cliPath, spawnServer, type ServerProcess } from "../../helpers/server-process.js";
import { commandEvent, newTraceRequest, thoughtEvents } from "../../helpers/trace-events.js";
import { ensureBuilt } from "../agent/fault-session.js";

let server: ServerProcess;
let traceId: string;
/** A scaled-down 1 GiB trace: 64 events of 900 KB output (≈ 58 MiB) and 2 500 small ones. */
const bigEvents = 64;
const smallEvents = 2500;
const total = bigEvents + smallEvents;

beforeAll(async () => {
  ensureBuilt();
  server = await spawnServer();
  const ingest = createClient(TraceService, grpcTransport(server.url, server.credentials().ingest_token));
  const { trace, uploadToken } = await ingest.createTrace(newTraceRequest());
  traceId = trace!.id;
  const output = "0123456789abcdef\n".repeat(53_000);
  for (let seq = 1; seq <= bigEvents; seq += 4)
    await ingest.appendEvents({ traceId, uploadToken, events: [0, 1, 2, 3].map((i) => commandEvent(seq + i, output)) });
  for (let from = bigEvents + 1; from <= total; from += 500) await ingest.appendEvents({ traceId, uploadToken, events: thoughtEvents(from, Math.min(total, from + 499)) });
}, 300_000);

afterAll(async () => {
  await server?.[Symbol.asyncDispose]();
});

function healthz(port: number): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/healthz", timeout: 30_000 }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("GetTrace of a huge trace", () => {
  it("answers in pages within the server's bounds that chain to the end", async () => {
    const read = createClient(TraceService, grpcTransport(server.url, server.credentials().read_token));
    const seqs: number[] = [];
    let pages = 0;
    for (let after = 0n; ; pages++) {
      const page = await read.getTrace({ traceId, includeEvents: true, eventsAfterSeq: after });
      expect(page.events.length).toBeLessThanOrEqual(eventPageMaxEvents);
      if (page.events.length > 1) expect(page.events.reduce((n, e) => n + (e.kind.case === "terminalCommand" ? e.kind.value.output.length : 0), 0)).toBeLessThanOrEqual(3 * 1024 * 1024);
      seqs.push(...page.events.map((e) => Number(e.seq)));
      if (page.nextEventsAfterSeq === 0n) break;
      expect(page.nextEventsAfterSeq).toBe(page.events.at(-1)!.seq);
      after = page.nextEventsAfterSeq;
    }
    expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(pages).toBeGreaterThan(bigEvents / 4);
    const limited = await read.getTrace({ traceId, includeEvents: true, eventsAfterSeq: BigInt(bigEvents), eventsLimit: 10 });
    expect(limited.events.map((e) => Number(e.seq))).toEqual(Array.from({ length: 10 }, (_, i) => bigEvents + i + 1));
    expect(limited.nextEventsAfterSeq).toBe(BigInt(bigEvents + 10));
  }, 120_000);

  it("streams `traces get --events --json` to stdout in a 64 MB heap while /healthz keeps answering", async () => {
    const health: Array<{ status: number; ms: number }> = [];
    let reading = true;
    const poller = (async () => {
      while (reading) {
        health.push(await healthz(server.port));
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    // A heap far smaller than the trace: holding the whole response (as before) cannot fit.
    const out = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ["--max-old-space-size=64", cliPath, "traces", "get", traceId, "--events", "--json"],
        { env: { PATH: process.env.PATH ?? "", HOME: server.dataDir, DEVTRACE_SERVER: server.url, DEVTRACE_TOKEN: server.credentials().read_token }, maxBuffer: 1 << 30 },
        (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
      );
    }).finally(() => (reading = false));
    await poller;
    const parsed = JSON.parse(out) as { trace: { id: string }; events: Array<{ seq: string }> };
    expect(parsed.trace.id).toBe(traceId);
    expect(parsed.events.map((e) => Number(e.seq))).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(health.length).toBeGreaterThan(0);
    expect(health.every((h) => h.status === 200)).toBe(true);
    const ms = health.map((h) => h.ms).sort((a, b) => a - b);
    const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))].toFixed(1);
    process.stderr.write(`[huge-trace-read] ${(out.length / 1024 / 1024).toFixed(0)} MiB of JSON; /healthz answered ${ms.length} times during the read: p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms (seen from the test process)\n`);
  }, 180_000);
});
