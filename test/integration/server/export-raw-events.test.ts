import { createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Event } from "../../../gen/devtrace/v1/event_pb.js";
import { TraceService } from "../../../gen/devtrace/v1/trace_service_pb.js";
import { bearer, grpcTransport, grpcWebTransport, startTestServer, testTokens, type ListeningTestServer } from "../../helpers/devtrace-server.js";
import { commandEvent, eventOfKind, newTraceRequest, thoughtEvent } from "../../helpers/trace-events.js";

let srv: ListeningTestServer;
let expected: Array<{ id: string; events: Event[] }>;
/** Store reads by method, to see which path an answer took. */
const reads = { readEvents: 0, readEventBytes: 0 };

// Every field kind and awkward text: multi-byte UTF-8, NUL, a 200 KiB output (multi-byte length prefix).
function eventsOf(n: number): Event[] {
  return [
    thoughtEvent(1, "naïve → 修正 \u0000 done"),
    commandEvent(2, "x".repeat(200 * 1024)),
    eventOfKind(3, { case: "goToDefinition", value: { source: { path: "a.py", range: { start: { line: 1, column: 2 } }, symbol: "f" }, target: { path: "b.py", symbol: "f" }, latencyMs: 3 } }),
    eventOfKind(4, { case: "terminalCommand", value: { commandLine: "true", exitCode: 0 } }),
    ...Array.from({ length: n }, (_, i) => thoughtEvent(5 + i)),
  ];
}

beforeAll(async () => {
  srv = await startTestServer({
    wrapStore: (store) =>
      new Proxy(store, {
        get(target, prop, receiver) {
          if (prop === "readEvents" || prop === "readEventBytes") reads[prop]++;
          const value: unknown = Reflect.get(target, prop, receiver);
          // The store keeps #private state: its methods must run on the store itself.
          return typeof value === "function" ? value.bind(target) : value;
        },
      }),
  });
  const ingest = srv.client(testTokens.ingest);
  expected = [];
  for (const n of [0, 3]) {
    const { trace, uploadToken } = await ingest.createTrace(newTraceRequest());
    const events = eventsOf(n);
    await ingest.appendEvents({ traceId: trace!.id, uploadToken, events });
    expected.unshift({ id: trace!.id, events });
  }
});

afterAll(async () => {
  await srv[Symbol.asyncDispose]();
});

async function exportVia(transport: Transport) {
  const out: Array<{ id: string; events: Event[] }> = [];
  for await (const r of createClient(TraceService, transport).exportTraces({})) out.push({ id: r.trace!.id, events: r.events });
  return out;
}

describe("ExportTraces with stored event bytes", () => {
  it.each([
    ["gRPC", () => grpcTransport(srv.url, testTokens.read)],
    ["gRPC-Web", () => grpcWebTransport(srv.url, "1.1", testTokens.read)],
    ["Connect, protobuf", () => createConnectTransport({ baseUrl: srv.url, httpVersion: "2", useBinaryFormat: true, interceptors: [bearer(testTokens.read)] })],
    ["Connect, JSON", () => createConnectTransport({ baseUrl: srv.url, httpVersion: "1.1", useBinaryFormat: false, interceptors: [bearer(testTokens.read)] })],
  ])("gives a %s client every event exactly as appended", async (name, transport) => {
    reads.readEvents = reads.readEventBytes = 0;
    const got = await exportVia(transport());
    // Binary clients get the stored bytes; only JSON needs the events decoded.
    expect(reads).toEqual(name === "Connect, JSON" ? { readEvents: 2, readEventBytes: 0 } : { readEvents: 0, readEventBytes: 2 });
    expect(got.map((t) => t.id)).toEqual(expected.map((t) => t.id));
    for (const [i, t] of got.entries()) expect(t.events).toEqual(expected[i].events);
  });
});
