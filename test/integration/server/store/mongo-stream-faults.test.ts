import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import type { Client } from "@connectrpc/connect";
import { expect, it } from "vitest";
import type { Event } from "../../../../gen/devtrace/v1/event_pb.js";
import { StreamEventsRequestSchema, TraceService } from "../../../../gen/devtrace/v1/trace_service_pb.js";
import type { StreamEventsRequest } from "../../../../gen/devtrace/v1/trace_service_pb.js";
import { grpcTransport } from "../../../helpers/devtrace-server.js";
import { startFerretDb } from "../../../helpers/ferretdb.js";
import { describeWith } from "../../../helpers/infra.js";
import { spawnServer } from "../../../helpers/server-process.js";
import { newTraceRequest, thoughtEvent } from "../../../helpers/trace-events.js";
import { readAllEvents } from "../../../helpers/read-all-events.js";

const batchSize = 50;

/** Streams batches from `from` on without waiting for acks; returns the last ack and how the stream ended. */
async function stream(
  client: Client<typeof TraceService>,
  open: { traceId: string; uploadToken: string },
  sent: Map<bigint, Event>,
  o: { from: bigint; until: bigint; onAck?: (acked: bigint) => void; stop?: () => boolean },
): Promise<{ firstAck: bigint | undefined; lastAck: bigint; error?: ConnectError }> {
  async function* requests(): AsyncGenerator<StreamEventsRequest> {
    yield create(StreamEventsRequestSchema, { msg: { case: "open", value: open } });
    for (let seq = o.from; seq <= o.until && !o.stop?.(); seq += BigInt(batchSize)) {
      const events: Event[] = [];
      for (let s = seq; s < seq + BigInt(batchSize) && s <= o.until; s++) events.push(sent.get(s) ?? thoughtEvent(s, `event ${s}`));
      for (const e of events) sent.set(e.seq, e);
      yield create(StreamEventsRequestSchema, { msg: { case: "batch", value: { events } } });
    }
  }
  let firstAck: bigint | undefined;
  let lastAck = 0n;
  try {
    for await (const ack of client.streamEvents(requests())) {
      firstAck ??= ack.ackedSeq;
      expect(ack.ackedSeq).toBeGreaterThanOrEqual(lastAck);
      lastAck = ack.ackedSeq;
      o.onAck?.(lastAck);
      if (lastAck >= o.until) break;
    }
    return { firstAck, lastAck };
  } catch (e) {
    return { firstAck, lastAck, error: ConnectError.from(e) };
  }
}

describeWith(["ferretdb"], "devtrace server on MongoDB (FerretDB) losing its database mid-stream", () => {
  it("ends the stream with UNAVAILABLE, acks nothing unstored, and completes on resend after recovery", { timeout: 300_000 }, async () => {
    await using ferret = await startFerretDb();
    await using proc = await spawnServer({ args: ["--mongo-url", ferret.url] });
    const ingest = createClient(TraceService, grpcTransport(proc.url, proc.credentials().ingest_token));
    const created = await ingest.createTrace(newTraceRequest());
    const open = { traceId: created.trace!.id, uploadToken: created.uploadToken };
    const sent = new Map<bigint, Event>();
    const total = 6000n;

    let crashed = false;
    const first = await stream(ingest, open, sent, {
      from: 1n,
      until: total,
      stop: () => crashed,
      onAck: (acked) => {
        if (acked >= 2000n && !crashed) {
          crashed = true;
          void ferret.stop({ crash: true });
        }
      },
    });
    expect(crashed).toBe(true);
    expect(first.error?.code, `stream ended with ${first.error?.message}\n${proc.output().slice(-2000)}`).toBe(Code.Unavailable);

    await ferret.start();
    // The agent reconnects: the open is answered with what the server holds, at least every ack it saw.
    const second = await stream(ingest, open, sent, { from: 1n, until: 0n });
    expect(second.firstAck).toBeGreaterThanOrEqual(first.lastAck);
    const resumed = await stream(ingest, open, sent, { from: second.firstAck! + 1n, until: total });
    expect(resumed.error).toBeUndefined();
    expect(resumed.lastAck).toBe(total);

    const got = await readAllEvents(ingest, open.traceId);
    expect(got.trace!.ackedSeq).toBe(total);
    expect(got.events).toHaveLength(Number(total));
    got.events.forEach((e, i) => {
      expect(e.seq).toBe(BigInt(i + 1));
      expect(e).toEqual(sent.get(e.seq));
    });
  });
});
