import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import type { Event } from "../../../gen/devtrace/v1/event_pb.js";
import { StreamEventsRequestSchema } from "../../../gen/devtrace/v1/trace_service_pb.js";
import type { StreamEventsRequest } from "../../../gen/devtrace/v1/trace_service_pb.js";
import { startTestServer, testTokens } from "../../helpers/devtrace-server.js";
import { wrapAppend } from "../../helpers/wrap-append.js";
import { uplinkSession } from "../../helpers/uplink-session.js";
import { commandEvent, newTraceRequest, thoughtEvent } from "../../helpers/trace-events.js";
import { readAllEvents } from "../../helpers/read-all-events.js";

describe("StreamEvents at volume", () => {
  it("stores a 100 000-event stream complete and in order across a forced reconnect", { timeout: 300_000 }, async () => {
    await using srv = await startTestServer();
    const c = srv.grpcClient(testTokens.ingest);
    const { trace, uploadToken } = await c.createTrace(newTraceRequest());
    const target = { traceId: trace!.id, uploadToken };
    const total = 100_000;
    const events = Array.from({ length: total }, (_, i) => thoughtEvent(i + 1, `step ${i + 1}`));

    const firstAck = await uplinkSession(c, target, events, { batch: 500, window: 4, abortAtAck: 50_000n });
    expect(firstAck).toBeGreaterThanOrEqual(50_000n);
    expect(firstAck).toBeLessThan(BigInt(total));
    const lastAck = await uplinkSession(c, target, events, { batch: 500, window: 4 });
    expect(lastAck).toBe(BigInt(total));

    const got = await readAllEvents(c, trace!.id);
    expect(got.trace!.ackedSeq).toBe(BigInt(total));
    expect(got.trace!.eventCount).toBe(BigInt(total));
    expect(got.events).toHaveLength(total);
    const outOfPlace = got.events.findIndex(
      (e, i) => e.seq !== BigInt(i + 1) || e.kind.case !== "thought" || e.kind.value.text !== `step ${i + 1}`,
    );
    expect(outOfPlace).toBe(-1);
  });

  it("never reads faster than the store writes: a stalled store stalls the client", async () => {
    let release!: () => void;
    const stalled = new Promise<void>((r) => (release = r));
    let calls = 0;
    const wrapStore = wrapAppend((real) => async (id, events) => {
      calls++;
      await stalled;
      return real(id, events);
    });
    await using srv = await startTestServer({ wrapStore });
    const c = srv.grpcClient(testTokens.ingest);
    const { trace, uploadToken } = await c.createTrace(newTraceRequest());
    const batches = 200;
    const chunk = "o".repeat(250 * 1024);
    let yielded = 0;
    async function* requests(): AsyncGenerator<StreamEventsRequest> {
      yield create(StreamEventsRequestSchema, { msg: { case: "open", value: { traceId: trace!.id, uploadToken } } });
      for (let i = 1; i <= batches; i++) {
        yielded = i;
        yield create(StreamEventsRequestSchema, { msg: { case: "batch", value: { events: [commandEvent(i, chunk)] } } });
      }
    }
    const acks: bigint[] = [];
    const done = (async () => {
      for await (const a of c.streamEvents(requests())) acks.push(a.ackedSeq);
    })();
    // Wait until the client can push no more (its sends block on HTTP/2 flow control).
    let last = -1;
    while (yielded !== last) {
      last = yielded;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(calls).toBe(1); // the server holds exactly the one batch it is writing
    expect(yielded).toBeLessThan(batches / 2); // ≈ 50 MB were offered; only the transport's buffers filled
    expect(acks).toEqual([0n]);
    release();
    await done;
    expect(acks.at(-1)).toBe(BigInt(batches));
    expect((await srv.store.getTrace(trace!.id))!.trace.ackedSeq).toBe(BigInt(batches));
  });
});
