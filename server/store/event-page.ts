import { fromBinary } from "@bufbuild/protobuf";
import { EventSchema, type Event } from "../../gen/devtrace/v1/event_pb.js";

/** Bounds of one page of a trace's events. */
export interface EventPageRequest {
  /** Only events with seq > afterSeq (0n: from the start). */
  afterSeq: bigint;
  /** At most this many events (≥ 1). */
  maxEvents: number;
  /** At most about this many encoded bytes; the first event is returned whatever its size. */
  maxBytes: number;
}

/** One page of a trace's events. */
export interface EventPage {
  events: Event[];
  /** The seq to read the next page after; 0n when this page ends the stored events. */
  nextAfterSeq: bigint;
}

/**
 * Cuts stored bodies (seq order, at most maxEvents + 1 of them, so one more tells whether the
 * trace goes on) into a page within the request's bounds, decoding only what it returns.
 */
export function cutEventPage(rows: Iterable<Uint8Array>, req: EventPageRequest): EventPage {
  const events: Event[] = [];
  let bytes = 0;
  for (const body of rows) {
    if (events.length >= req.maxEvents || (events.length > 0 && bytes + body.length > req.maxBytes)) {
      return { events, nextAfterSeq: events[events.length - 1].seq };
    }
    events.push(fromBinary(EventSchema, body));
    bytes += body.length;
  }
  return { events, nextAfterSeq: 0n };
}
