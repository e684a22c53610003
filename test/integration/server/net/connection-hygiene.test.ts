import { spawn } from "node:child_process";
import http2 from "node:http2";
import net from "node:net";
import { create } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { afterEach, describe, expect, it } from "vitest";
import { StreamEventsRequestSchema, TraceService } from "../../../../gen/devtrace/v1/trace_service_pb.js";
import type { StreamEventsRequest } from "../../../../gen/devtrace/v1/trace_service_pb.js";
import { listen } from "../../../../server/net/listen.js";
import type { Listener } from "../../../../server/net/listen.js";
import type { ConnectionLimits } from "../../../../server/net/connection-limits.js";
import { createTestServer, grpcTransport, testTokens } from "../../../helpers/devtrace-server.js";
import type { TestServer } from "../../../helpers/devtrace-server.js";
import { pollUntil } from "../../../helpers/poll.js";
import { newTraceRequest, thoughtEvent } from "../../../helpers/trace-events.js";
import { pino } from "pino";

describe("connection hygiene (real listener)", () => {
  let srv: TestServer | undefined;
  let listener: Listener | undefined;
  const start = async (limits: ConnectionLimits) => {
    srv = await createTestServer();
    listener = await listen(srv.server.handler, { host: "127.0.0.1", port: 0, limits, logger: pino({ level: "silent" }) });
    return listener;
  };
  afterEach(async () => {
    listener?.stopAccepting();
    await srv?.server.shutdown(2000);
    await listener?.close(500);
    await srv?.[Symbol.asyncDispose]();
    srv = undefined;
    listener = undefined;
  });

  const closed = (socket: net.Socket) => new Promise<void>((r) => (socket.destroyed ? r() : socket.once("close", () => r())));

  it("cuts an HTTP/1.1 client that trickles its headers", { timeout: 60_000 }, async () => {
    const l = await start({ headersTimeoutMs: 1500 });
    const socket = net.connect(l.port, "127.0.0.1");
    await new Promise((r) => socket.once("connect", r));
    const request = "POST /devtrace.v1.TraceService/GetTrace HTTP/1.1\r\nHost: x\r\nX-Slow: " + "a".repeat(200);
    let sent = 0;
    const trickle = setInterval(() => socket.writable && socket.write(request[sent++ % request.length]), 200);
    socket.on("error", () => {});
    await closed(socket);
    clearInterval(trickle);
    // It was cut long before it could finish: 200 bytes at 5 bytes/s would take 40 s.
    expect(sent).toBeLessThan(120);
    await pollUntil("the server to forget the socket", () => l.open().connections === 0);
  });

  it("closes an HTTP/2 connection that sent only the preface and never a request", { timeout: 60_000 }, async () => {
    const l = await start({ sessionIdleMs: 1000 });
    const session = http2.connect(l.url);
    session.on("error", () => {});
    const goaway = new Promise<void>((r) => session.once("goaway", () => r()));
    await goaway;
    await new Promise<void>((r) => (session.closed ? r() : session.once("close", () => r())));
    await pollUntil("the server to drop the session", () => l.open().sessions === 0 && l.open().connections === 0);
  });

  it("keeps a healthy idle StreamEvents stream open past the idle timeout, and it still acks", { timeout: 60_000 }, async () => {
    const l = await start({ sessionIdleMs: 800, pingIntervalMs: 300, pingTimeoutMs: 2000 });
    const c = createClient(TraceService, grpcTransport(l.url, testTokens.ingest));
    const { trace, uploadToken } = await c.createTrace(newTraceRequest());
    let send!: (r: StreamEventsRequest) => void;
    let end!: () => void;
    async function* requests(): AsyncGenerator<StreamEventsRequest> {
      yield create(StreamEventsRequestSchema, { msg: { case: "open", value: { traceId: trace!.id, uploadToken } } });
      for (;;) {
        const next = await new Promise<StreamEventsRequest | undefined>((r) => ((send = r), (end = () => r(undefined))));
        if (next === undefined) return;
        yield next;
      }
    }
    const acks: bigint[] = [];
    const done = (async () => {
      for await (const a of c.streamEvents(requests())) acks.push(a.ackedSeq);
    })();
    await pollUntil("the open ack", () => acks.length === 1);
    // Five idle timeouts (and many keepalive PINGs) later the stream is still there.
    await new Promise((r) => setTimeout(r, 4000));
    expect(l.open().sessions).toBe(1);
    send(create(StreamEventsRequestSchema, { msg: { case: "batch", value: { events: [thoughtEvent(1)] } } }));
    await pollUntil("the ack of the late batch", () => acks.at(-1) === 1n);
    end();
    await done;
  });

  it("destroys the session of a peer that froze (SIGSTOP) with a stream open", { timeout: 60_000 }, async () => {
    const l = await start({ sessionIdleMs: 60_000, pingIntervalMs: 500, pingTimeoutMs: 1000 });
    // A separate process holds an open stream (the request body never ends), then is frozen.
    const script = `const s=require("node:http2").connect(${JSON.stringify(l.url)});s.on("error",()=>{});` +
      `const r=s.request({":method":"POST",":path":"/devtrace.v1.TraceService/StreamEvents","content-type":"application/grpc"});` +
      `r.on("error",()=>{});r.on("data",()=>{});setInterval(()=>{},1000);console.log("open");`;
    const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    try {
      await new Promise<void>((r) => child.stdout!.once("data", () => r()));
      await pollUntil("the child's session", () => l.open().sessions === 1);
      child.kill("SIGSTOP");
      await pollUntil("the frozen peer's session to be destroyed", () => l.open().sessions === 0 && l.open().connections === 0, { timeoutMs: 30_000 });
    } finally {
      child.kill("SIGKILL");
      child.kill("SIGCONT");
    }
  });

  it("refuses connections beyond the cap and serves again once one closes", { timeout: 60_000 }, async () => {
    const l = await start({ maxConnections: 3, sessionIdleMs: 60_000 });
    const sessions = Array.from({ length: 3 }, () => http2.connect(l.url));
    for (const s of sessions) s.on("error", () => {});
    await Promise.all(sessions.map((s) => new Promise((r) => s.once("connect", r))));
    await pollUntil("three connections", () => l.open().connections === 3);
    const extra = net.connect(l.port, "127.0.0.1");
    extra.on("error", () => {});
    await closed(extra);
    expect(l.open().connections).toBe(3);
    sessions[0].destroy();
    await pollUntil("a free slot", () => l.open().connections === 2);
    const again = createClient(TraceService, grpcTransport(l.url, testTokens.read));
    await expect(again.listTraces({})).resolves.toBeDefined();
    for (const s of sessions) s.destroy();
  });
});
