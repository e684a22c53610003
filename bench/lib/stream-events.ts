import { create } from "@bufbuild/protobuf";
import type { Event } from "../../gen/devtrace/v1/event_pb.js";
import { StreamEventsRequestSchema } from "../../gen/devtrace/v1/trace_service_pb.js";
import type { StreamEventsRequest } from "../../gen/devtrace/v1/trace_service_pb.js";
import type { TraceClient } from "./clients.js";

/** A trace to write to. */
export interface TraceHandle {
  traceId: string;
  uploadToken: string;
}

/**
 * Sends `batches` over one StreamEvents call the way the agent's uplink does (open, then
 * batches with at most `window` unacknowledged) and resolves once the last seq is acked.
 * Any gap or short ack is an error: the bench only counts events the server made durable.
 */
export async function streamBatches(client: TraceClient, trace: TraceHandle, batches: readonly Event[][], window = 4): Promise<void> {
  const last = batches.at(-1)?.at(-1)?.seq ?? 0n;
  let acked = 0;
  let wake: (() => void) | undefined;
  const lastSeqOf = batches.map((b) => b.at(-1)!.seq);
  async function* requests(): AsyncGenerator<StreamEventsRequest> {
    yield create(StreamEventsRequestSchema, { msg: { case: "open", value: { traceId: trace.traceId, uploadToken: trace.uploadToken, resumeFromSeq: 1n } } });
    for (let i = 0; i < batches.length; i++) {
      while (i - acked >= window) await new Promise<void>((r) => (wake = r));
      yield create(StreamEventsRequestSchema, { msg: { case: "batch", value: { events: batches[i] } } });
    }
  }
  let first = true;
  let highest = 0n;
  // The request generator half-closes after the last batch; the server then ends the call.
  for await (const res of client.streamEvents(requests())) {
    if (res.gap) throw new Error(`server reported a gap: expected ${res.gap.expectedSeq}, got ${res.gap.receivedSeq}`);
    if (first) {
      first = false;
      continue;
    }
    highest = res.ackedSeq;
    while (acked < lastSeqOf.length && lastSeqOf[acked] <= res.ackedSeq) acked++;
    wake?.();
  }
  if (highest !== last) throw new Error(`stream ended with seq ${highest} of ${last} acked`);
}

/** The same batches through unary AppendEvents, one call at a time (in seq order). */
export async function appendBatches(client: TraceClient, trace: TraceHandle, batches: readonly Event[][]): Promise<void> {
  for (const events of batches) {
    const res = await client.appendEvents({ traceId: trace.traceId, uploadToken: trace.uploadToken, events });
    if (res.gap || res.ackedSeq !== events.at(-1)!.seq) throw new Error(`AppendEvents acked ${res.ackedSeq}, expected ${events.at(-1)!.seq}`);
  }
}

/** Events cut into batches at [start, end) bounds. */
export function cut(events: readonly Event[], bounds: ReadonlyArray<[number, number]>): Event[][] {
  return bounds.map(([a, b]) => events.slice(a, b));
}
