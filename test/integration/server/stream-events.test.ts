import { Code, ConnectError } from "@connectrpc/connect";
import type { Client } from "@connectrpc/connect";
import { create } from "@bufbuild/protobuf";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Event } from "../../../gen/devtrace/v1/event_pb.js";
import { StreamEventsRequestSchema, TraceService } from "../../../gen/devtrace/v1/trace_service_pb.js";
import type { StreamEventsRequest, StreamEventsResponse } from "../../../gen/devtrace/v1/trace_service_pb.js";
import { createTestServer, testTokens } from "../../helpers/devtrace-server.js";
import { wrapAppend } from "../../helpers/wrap-append.js";
import type { TestServer } from "../../helpers/devtrace-server.js";
import { newTraceRequest, thoughtEvents } from "../../helpers/trace-events.js";

function openMsg(traceId: string, uploadToken: string, resumeFromSeq = 1n): StreamEventsRequest {
  return create(StreamEventsRequestSchema, { msg: { case: "open", value: { traceId, uploadToken, resumeFromSeq } } });
}
function batchMsg(events: Event[]): StreamEventsRequest {
  return create(StreamEventsRequestSchema, { msg: { case: "batch", value: { events } } });
}

/** Sends open + the batches, collecting every response until the server ends the stream. */
async function stream(c: Client<typeof TraceService>, open: StreamEventsRequest, batches: Event[][]) {
  async function* requests() {
    yield open;
    for (const b of batches) yield batchMsg(b);
  }
  const acks: StreamEventsResponse[] = [];
  let error: ConnectError | undefined;
  try {
    for await (const r of c.streamEvents(requests())) acks.push(r);
  } catch (e) {
    error = ConnectError.from(e);
  }
  return { acks, error };
}

describe("StreamEvents", () => {
  let srv: TestServer;
  let traceId: string;
  let uploadToken: string;
  let failAfter = Infinity;
  let appends = 0;

  beforeEach(async () => {
    failAfter = Infinity;
    appends = 0;
    const wrapStore = wrapAppend((real) => async (id, events) => {
      if (++appends > failAfter) throw new Error("SQLITE_IOERR: disk I/O error");
      return real(id, events);
    });
    srv = await createTestServer({ wrapStore });
    const r = await srv.client(testTokens.ingest).createTrace(newTraceRequest());
    traceId = r.trace!.id;
    uploadToken = r.uploadToken;
  });
  afterEach(async () => {
    await srv[Symbol.asyncDispose]();
  });

  it("answers open with the acked seq, then acks each batch once stored", async () => {
    const alice = srv.client(testTokens.ingest);
    const { acks, error } = await stream(alice, openMsg(traceId, uploadToken), [
      thoughtEvents(1, 10),
      thoughtEvents(11, 20),
      thoughtEvents(21, 25),
    ]);
    expect(error).toBeUndefined();
    expect(acks.map((a) => a.ackedSeq)).toEqual([0n, 10n, 20n, 25n]);
    const got = await alice.getTrace({ traceId, includeEvents: true });
    expect(got.trace!.ackedSeq).toBe(25n);
    expect(got.events.map((e) => e.seq)).toEqual(thoughtEvents(1, 25).map((e) => e.seq));
  });

  it("resumes: a new stream learns the acked seq and a resent overlap is a no-op", async () => {
    const alice = srv.client(testTokens.ingest);
    await stream(alice, openMsg(traceId, uploadToken), [thoughtEvents(1, 30)]);
    const { acks } = await stream(alice, openMsg(traceId, uploadToken, 21n), [thoughtEvents(21, 40)]);
    expect(acks.map((a) => a.ackedSeq)).toEqual([30n, 40n]);
    const got = await alice.getTrace({ traceId, includeEvents: true });
    expect(got.events.map((e) => Number(e.seq))).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it("reports a gap and keeps the stream open for the resend", async () => {
    const alice = srv.client(testTokens.ingest);
    const { acks, error } = await stream(alice, openMsg(traceId, uploadToken), [
      thoughtEvents(1, 5),
      thoughtEvents(8, 9),
      thoughtEvents(6, 9),
    ]);
    expect(error).toBeUndefined();
    expect(acks[2]).toMatchObject({ ackedSeq: 5n, gap: { expectedSeq: 6n, receivedSeq: 8n } });
    expect(acks[3].ackedSeq).toBe(9n);
    expect(acks[3].gap).toBeUndefined();
  });

  it("stores what is contiguous in a batch and reports the gap inside it", async () => {
    const alice = srv.client(testTokens.ingest);
    const batch = [...thoughtEvents(1, 3), ...thoughtEvents(5, 6)];
    const { acks } = await stream(alice, openMsg(traceId, uploadToken), [batch]);
    expect(acks[1]).toMatchObject({ ackedSeq: 3n, gap: { expectedSeq: 4n, receivedSeq: 5n } });
    expect((await alice.getTrace({ traceId, includeEvents: true })).events).toHaveLength(3);
  });

  it("ends with UNAVAILABLE when the store fails, and never acks what was not stored", async () => {
    failAfter = 2;
    const alice = srv.client(testTokens.ingest);
    const { acks, error } = await stream(alice, openMsg(traceId, uploadToken), [
      thoughtEvents(1, 10),
      thoughtEvents(11, 20),
      thoughtEvents(21, 30),
      thoughtEvents(31, 40),
    ]);
    expect(error?.code).toBe(Code.Unavailable);
    expect(error?.rawMessage).not.toContain("SQLITE");
    expect(acks.map((a) => a.ackedSeq)).toEqual([0n, 10n, 20n]);
    const got = await alice.getTrace({ traceId, includeEvents: true });
    expect(got.trace!.ackedSeq).toBe(20n);
    expect(got.events).toHaveLength(20);
    const metrics = await srv.server.metrics.registry.getSingleMetricAsString("devtrace_store_errors_total");
    expect(metrics).toContain('devtrace_store_errors_total{operation="appendEvents"} 1');
  });

  it("counts stored events and ack latency in the metrics", async () => {
    const alice = srv.client(testTokens.ingest);
    await stream(alice, openMsg(traceId, uploadToken), [thoughtEvents(1, 10), thoughtEvents(5, 12)]);
    const reg = srv.server.metrics.registry;
    expect(await reg.getSingleMetricAsString("devtrace_ingest_events_total")).toMatch(/devtrace_ingest_events_total 12$/m);
    expect(await reg.getSingleMetricAsString("devtrace_ack_latency_seconds")).toMatch(/devtrace_ack_latency_seconds_count 2$/m);
    expect(await reg.getSingleMetricAsString("devtrace_rpcs_total")).toContain('method="StreamEvents",code="OK"');
  });

  it("lets an admin token write with the upload token", async () => {
    const { acks, error } = await stream(srv.client(testTokens.admin), openMsg(traceId, uploadToken), [thoughtEvents(1, 2)]);
    expect(error).toBeUndefined();
    expect(acks.at(-1)!.ackedSeq).toBe(2n);
  });

  it("acks an empty batch with the current acked seq", async () => {
    const { acks } = await stream(srv.client(testTokens.ingest), openMsg(traceId, uploadToken), [thoughtEvents(1, 4), []]);
    expect(acks.map((a) => a.ackedSeq)).toEqual([0n, 4n, 4n]);
  });
});
