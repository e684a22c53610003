import { Code, ConnectError } from "@connectrpc/connect";
import type { Client } from "@connectrpc/connect";
import { create } from "@bufbuild/protobuf";
import { expect } from "vitest";
import type { Event } from "../../gen/devtrace/v1/event_pb.js";
import { StreamEventsRequestSchema, TraceService } from "../../gen/devtrace/v1/trace_service_pb.js";
import type { StreamEventsRequest } from "../../gen/devtrace/v1/trace_service_pb.js";

type Svc = Client<typeof TraceService>;

/**
 * One uplink session as an agent runs it: open, wait for the server's acked seq, send
 * batches from there with at most `window` batches unacked, stop when `abortAtAck` is
 * reached (a forced disconnect with batches in flight). Returns the last ack it saw.
 */
export async function uplinkSession(c: Svc, target: { traceId: string; uploadToken: string }, events: Event[], o: { batch: number; window: number; abortAtAck?: bigint }) {
  const abort = new AbortController();
  let acked = -1n;
  let wake: (() => void) | undefined;
  const changed = () => new Promise<void>((r) => (wake = r));
  async function* requests(): AsyncGenerator<StreamEventsRequest> {
    yield create(StreamEventsRequestSchema, { msg: { case: "open", value: { ...target, resumeFromSeq: 1n } } });
    while (acked < 0n) await changed();
    for (let next = Number(acked); next < events.length; next += o.batch) {
      while (BigInt(next) - acked >= BigInt(o.batch * o.window)) await changed();
      yield create(StreamEventsRequestSchema, { msg: { case: "batch", value: { events: events.slice(next, next + o.batch) } } });
    }
  }
  try {
    for await (const ack of c.streamEvents(requests(), { signal: abort.signal })) {
      expect(ack.gap).toBeUndefined();
      acked = ack.ackedSeq;
      wake?.();
      if (o.abortAtAck !== undefined && acked >= o.abortAtAck) abort.abort();
      if (acked === BigInt(events.length)) break;
    }
  } catch (e) {
    if (ConnectError.from(e).code !== Code.Canceled) throw e;
  }
  return acked;
}
