import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TraceService } from "../../../gen/devtrace/v1/trace_service_pb.js";
import { listen } from "../../../server/net/listen.js";
import {
  bearer,
  connectTransport,
  grpcTransport,
  grpcWebTransport,
  startTestServer,
  testTokens,
} from "../../helpers/devtrace-server.js";
import type { ListeningTestServer } from "../../helpers/devtrace-server.js";
import { newTraceRequest, thoughtEvents } from "../../helpers/trace-events.js";

describe("one port, every protocol", () => {
  let srv: ListeningTestServer;
  beforeAll(async () => {
    srv = await startTestServer();
  });
  afterAll(async () => {
    await srv[Symbol.asyncDispose]();
  });

  const transports = {
    "gRPC over h2c": () => grpcTransport(srv.url, testTokens.ingest),
    "Connect over HTTP/1.1": () => connectTransport(srv.url, "1.1", testTokens.ingest),
    "Connect over h2c": () => connectTransport(srv.url, "2", testTokens.ingest),
    "gRPC-Web over HTTP/1.1": () => grpcWebTransport(srv.url, "1.1", testTokens.ingest),
    "gRPC-Web over h2c": () => grpcWebTransport(srv.url, "2", testTokens.ingest),
  };
  for (const [name, make] of Object.entries(transports)) {
    it(`creates, appends to and reads a trace with ${name}`, async () => {
      const c = createClient(TraceService, make());
      const { trace, uploadToken } = await c.createTrace(newTraceRequest());
      const ack = await c.appendEvents({ traceId: trace!.id, uploadToken, events: thoughtEvents(1, 3) });
      expect(ack.ackedSeq).toBe(3n);
      const got = await c.getTrace({ traceId: trace!.id, includeEvents: true });
      expect(got.events.map((e) => e.seq)).toEqual([1n, 2n, 3n]);
      // Server streaming works on every protocol too.
      const watched = c.watchTrace({ traceId: trace!.id })[Symbol.asyncIterator]();
      expect((await watched.next()).value.trace.id).toBe(trace!.id);
      await watched.return?.();
    });
  }

  it("serves Prometheus metrics and a liveness probe on the same port", async () => {
    const metrics = await (await fetch(`${srv.url}/metrics`)).text();
    for (const name of [
      "devtrace_ingest_events_total",
      "devtrace_ack_latency_seconds",
      "devtrace_open_streams",
      "devtrace_store_errors_total",
      "devtrace_rpcs_total",
    ]) {
      expect(metrics).toContain(`# TYPE ${name}`);
    }
    expect(metrics).toMatch(/devtrace_rpcs_total\{method="CreateTrace",code="OK"\} \d+/);
    const health = await fetch(`${srv.url}/healthz`);
    expect(health.status).toBe(200);
    expect((await fetch(`${srv.url}/nope`)).status).toBe(404);
  });
});

describe("TLS", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "devtrace-tls-"));
    execFileSync("openssl", [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
      "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
      "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"),
    ], { stdio: "ignore" });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("serves gRPC over TLS with ALPN h2 to a client that trusts the certificate, and HTTP/1.1 too", async () => {
    await using srv = await startTestServer();
    const tls = { certFile: join(dir, "cert.pem"), keyFile: join(dir, "key.pem") };
    const listener = await listen(srv.server.handler, { host: "127.0.0.1", port: 0, tls, logger: pino({ level: "silent" }) });
    try {
      expect(listener.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const { readFileSync } = await import("node:fs");
      const ca = readFileSync(tls.certFile);
      const c = createClient(
        TraceService,
        createGrpcTransport({ baseUrl: listener.url, nodeOptions: { ca }, interceptors: [bearer(testTokens.ingest)] }),
      );
      const { trace } = await c.createTrace(newTraceRequest());
      expect(trace!.id).toBeTruthy();
      const { createConnectTransport } = await import("@connectrpc/connect-node");
      const h1 = createClient(
        TraceService,
        createConnectTransport({ baseUrl: listener.url, httpVersion: "1.1", nodeOptions: { ca }, interceptors: [bearer(testTokens.read)] }),
      );
      expect((await h1.getTrace({ traceId: trace!.id })).trace!.id).toBe(trace!.id);
      // A client that does not trust the certificate gets nowhere.
      const untrusting = createClient(TraceService, createGrpcTransport({ baseUrl: listener.url, interceptors: [bearer(testTokens.read)] }));
      await expect(untrusting.getTrace({ traceId: trace!.id })).rejects.toThrow();
    } finally {
      await listener.close(100);
    }
  });
});
