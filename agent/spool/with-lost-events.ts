import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { timestampNow, type Timestamp } from "@bufbuild/protobuf/wkt";
import { EventSchema, type Event } from "../../gen/devtrace/v1/event_pb.js";
import type { StoredRecord } from "./segment-reader.js";
import type { LostRange } from "./seq-tracker.js";

/** The session_id of events the agent itself makes (event.proto RecordLost). */
export const agentSessionId = "agent";

/** Which seqs a read covers, and its limits. */
export interface FillWindow {
  /** First seq wanted (already after the acked mark). */
  from: bigint;
  /** Last seq a RecordLost may stand in for (the journal's end). */
  upTo: bigint;
  maxEvents: number;
  /** Encoded bytes; the first event is returned whatever its size. */
  maxBytes: number;
}

/**
 * Decodes `records` (ascending, seq ≥ from) and puts a RecordLost event in every seq of
 * `lost` they skip, so the run is contiguous and the server, which stores only contiguous
 * seqs, can go past the loss. A hole no lost range explains is left as it is.
 */
export function withLostEvents(records: readonly StoredRecord[], lost: readonly LostRange[], w: FillWindow): Event[] {
  const decoded = records.map((r) => {
    const event = fromBinary(EventSchema, r.payload);
    event.seq = r.seq;
    return { event, bytes: r.payload.length };
  });
  const out: Event[] = [];
  let bytes = 0;
  let next = w.from;
  let i = 0;
  while (out.length < w.maxEvents) {
    const stored = decoded[i];
    const range = stored?.event.seq === next || next > w.upTo ? undefined : lost.find((r) => r.from <= next && next <= r.to);
    const item = range ? standIn(next, range.reason, out.at(-1)?.time ?? stored?.event.time) : stored;
    if (!item) break;
    if (out.length > 0 && bytes + item.bytes > w.maxBytes) break;
    out.push(item.event);
    bytes += item.bytes;
    next = item.event.seq + 1n;
    if (!range) i++;
  }
  return out;
}

function standIn(seq: bigint, reason: string, neighbourTime: Timestamp | undefined): { event: Event; bytes: number } {
  const event = create(EventSchema, {
    seq,
    sessionId: agentSessionId,
    // A neighbour's time keeps the trace in time order; now only when there is none.
    time: neighbourTime ?? timestampNow(),
    kind: { case: "recordLost", value: { reason } },
  });
  return { event, bytes: toBinary(EventSchema, event).length };
}
