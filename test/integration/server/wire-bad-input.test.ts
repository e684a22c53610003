import http2 from "node:http2";
import { create, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter } from "@bufbuild/protobuf/wire";
import type { Client } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventSchema } from "../../../gen/devtrace/v1/event_pb.js";
import { AppendEventsRequestSchema, GetTraceResponseSchema, StreamEventsRequestSchema, TraceService } from "../../../gen/devtrace/v1/trace_service_pb.js";
import { startTestServer, testTokens } from "../../helpers/devtrace-server.js";
import type { ListeningTestServer } from "../../helpers/devtrace-server.js";
import { eventOfKind, newTraceRequest, thoughtEvent, thoughtEvents } from "../../helpers/trace-events.js";

const marker = "@@@@";
/** Bytes that are not UTF-8: a stray continuation byte, 0xFF, an overlong "/", a truncated sequence. */
const badUtf8 = Buffer.from([0x80, 0xff, 0xc0, 0xaf]);

/** `bytes` with the first occurrence of the marker's UTF-8 replaced by badUtf8 (same length). */
function spoil(bytes: Uint8Array): Buffer {
  const b = Buffer.from(bytes);
  const at = b.indexOf(marker);
  if (at < 0) throw new Error("marker not found");
  badUtf8.copy(b, at);
  return b;
}

/** One gRPC call over plain node:http2 carrying hand-made request bytes; the status it ended with. */
function rawGrpc(url: string, method: string, messages: Uint8Array[], token: string): Promise<{ status: string; message: string }> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(url);
    session.once("error", reject);
    const req = session.request({ ":method": "POST", ":path": `/devtrace.v1.TraceService/${method}`, "content-type": "application/grpc", te: "trailers", authorization: `Bearer ${token}` });
    let status = "";
    let message = "";
    const take = (h: http2.IncomingHttpHeaders) => {
      if (h["grpc-status"] !== undefined) status = String(h["grpc-status"]);
      if (h["grpc-message"] !== undefined) message = decodeURIComponent(String(h["grpc-message"]));
    };
    req.on("response", take);
    req.on("trailers", take);
    req.on("data", () => {});
    req.on("error", reject);
    req.on("end", () => {
      session.close();
      resolve({ status, message });
    });
    for (const m of messages) {
      const frame = Buffer.alloc(5 + m.length);
      frame.writeUInt32BE(m.length, 1);
      frame.set(m, 5);
      req.write(frame);
    }
    req.end();
  });
}

/** One Connect-protocol JSON call over HTTP/1.1 with a hand-made body. */
async function rawConnectJson(url: string, method: string, body: Buffer, token: string): Promise<{ http: number; code: string; message: string }> {
  const res = await fetch(`${url}/devtrace.v1.TraceService/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body,
  });
  const json = (await res.json()) as { code?: string; message?: string };
  return { http: res.status, code: json.code ?? "ok", message: json.message ?? "" };
}

describe("bad bytes on the wire (real listener, gRPC binary and Connect JSON)", () => {
  let srv: ListeningTestServer;
  let alice: Client<typeof TraceService>;
  let admin: Client<typeof TraceService>;
  let target: { traceId: string; uploadToken: string };
  const snapshot = async () => Buffer.from(toBinary(GetTraceResponseSchema, await admin.getTrace({ traceId: target.traceId, includeEvents: true })));

  beforeAll(async () => {
    srv = await startTestServer();
    alice = srv.grpcClient(testTokens.ingest);
    admin = srv.grpcClient(testTokens.admin);
    const r = await alice.createTrace(newTraceRequest());
    target = { traceId: r.trace!.id, uploadToken: r.uploadToken };
    await alice.appendEvents({ ...target, events: thoughtEvents(1, 3) });
  });
  afterAll(async () => {
    await srv?.[Symbol.asyncDispose]();
  });

  const appendBytes = (text: string, seq = 4n) =>
    toBinary(AppendEventsRequestSchema, create(AppendEventsRequestSchema, { ...target, events: [eventOfKind(seq, { case: "thought", value: { text } })] }));

  it("refuses invalid UTF-8 in a string over binary gRPC (unary) with INVALID_ARGUMENT and stores nothing", async () => {
    const before = await snapshot();
    const r = await rawGrpc(srv.url, "AppendEvents", [spoil(appendBytes(`note ${marker}`))], testTokens.ingest);
    expect(r).toEqual({ status: "3", message: "events[0].thought.text: is not valid UTF-8" });
    expect(await snapshot()).toEqual(before);
  });

  it("refuses invalid UTF-8 in a string over binary gRPC (StreamEvents) with INVALID_ARGUMENT and stores nothing", async () => {
    const before = await snapshot();
    const open = toBinary(StreamEventsRequestSchema, create(StreamEventsRequestSchema, { msg: { case: "open", value: target } }));
    const batch = toBinary(StreamEventsRequestSchema, create(StreamEventsRequestSchema, { msg: { case: "batch", value: { events: [eventOfKind(4, { case: "thought", value: { text: marker } })] } } }));
    const r = await rawGrpc(srv.url, "StreamEvents", [open, spoil(batch)], testTokens.ingest);
    expect(r).toEqual({ status: "3", message: "batch.events[0].thought.text: is not valid UTF-8" });
    expect(await snapshot()).toEqual(before);
  });

  it("refuses invalid UTF-8 bytes in a Connect JSON body with invalid_argument and stores nothing", async () => {
    const before = await snapshot();
    const json = JSON.stringify({ traceId: target.traceId, uploadToken: target.uploadToken, events: [{ seq: "4", sessionId: "t", time: "2026-01-01T00:00:00Z", thought: { text: marker } }] });
    const r = await rawConnectJson(srv.url, "AppendEvents", spoil(Buffer.from(json)), testTokens.ingest);
    expect(r).toMatchObject({ http: 400, code: "invalid_argument" });
    expect(await snapshot()).toEqual(before);
  });

  it("refuses an unpaired surrogate escape in Connect JSON, naming the field, and stores nothing", async () => {
    const before = await snapshot();
    const json = `{"traceId":"${target.traceId}","uploadToken":"${target.uploadToken}","events":[{"seq":"4","sessionId":"t","time":"2026-01-01T00:00:00Z","thought":{"text":"half \\ud800 a pair"}}]}`;
    const r = await rawConnectJson(srv.url, "AppendEvents", Buffer.from(json), testTokens.ingest);
    expect(r).toMatchObject({ http: 400, code: "invalid_argument", message: expect.stringMatching(/Thought\.text.*invalid UTF-?8/) });
    expect(await snapshot()).toEqual(before);
  });

  it("accepts the same text when it is valid (a pair, an emoji, U+FFFD itself)", async () => {
    const ok = await rawConnectJson(srv.url, "AppendEvents", Buffer.from(JSON.stringify({ ...target, events: [{ seq: "4", sessionId: "t", time: "2026-01-01T00:00:00Z", thought: { text: "😀 \ud83d\ude00 \ufffd" } }] })), testTokens.ingest);
    expect(ok).toMatchObject({ http: 200, code: "ok" });
    const got = await admin.getTrace({ traceId: target.traceId, includeEvents: true });
    expect(got.events.at(-1)!.kind).toMatchObject({ case: "thought", value: { text: "😀 😀 \ufffd" } });
  });

  it("refuses seq 2^53 (one over the bound) on both calls, naming the bound", async () => {
    const before = await snapshot();
    const seq = 2n ** 53n;
    await expect(alice.appendEvents({ ...target, events: [thoughtEvent(seq)] })).rejects.toMatchObject({
      rawMessage: "events[0].seq: 9007199254740992 is over the limit of 9007199254740991 (2^53 − 1)",
    });
    const r = await rawGrpc(srv.url, "AppendEvents", [toBinary(AppendEventsRequestSchema, create(AppendEventsRequestSchema, { ...target, events: [thoughtEvent(2n ** 64n - 1n)] }))], testTokens.ingest);
    expect(r).toMatchObject({ status: "3", message: expect.stringContaining("is over the limit of 9007199254740991") });
    expect(await snapshot()).toEqual(before);
  });

  it("drops unknown fields inside an event before storing: readers never see them", async () => {
    const event = eventOfKind(5, { case: "thought", value: { text: "plain" } });
    // Field 9999 (unknown to event.proto) carrying a string, appended to the event's bytes.
    const extra = new BinaryWriter().tag(9999, 2).string("<script>alert(1)</script>").finish();
    const eventBytes = Buffer.concat([toBinary(EventSchema, event), extra]);
    const req = new BinaryWriter().tag(1, 2).string(target.traceId).tag(2, 2).string(target.uploadToken).tag(3, 2).bytes(eventBytes).finish();
    const r = await rawGrpc(srv.url, "AppendEvents", [req], testTokens.ingest);
    expect(r.status).toBe("0");
    const got = await admin.getTrace({ traceId: target.traceId, includeEvents: true });
    const stored = got.events.find((e) => e.seq === 5n)!;
    expect(stored.$unknown ?? []).toEqual([]);
    expect(Buffer.from(toBinary(EventSchema, stored))).toEqual(Buffer.from(toBinary(EventSchema, event)));
  });
});
