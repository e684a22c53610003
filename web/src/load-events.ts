import type { Event } from "../../gen/devtrace/v1/event_pb.js";
import type { Trace } from "../../gen/devtrace/v1/trace_pb.js";
import type { TraceClient } from "./trace-client.js";

/** Events asked for by the first GetTrace call: small, so the timeline can be drawn early. */
export const firstPageSize = 500;
/** Events asked for by every later call (the server may cut a page shorter at its byte bound). */
export const eventsPageSize = 5000;

/**
 * Reads a trace and its events page by page (GetTraceRequest.events_after_seq /
 * events_limit), calling `onPage` after each. A server that returns every event at once
 * answers next_events_after_seq = 0 on the first page, which ends the loop just the same.
 */
export async function loadTrace(
  client: TraceClient,
  traceId: string,
  onPage: (trace: Trace, events: Event[], done: boolean) => void,
  signal: AbortSignal,
): Promise<void> {
  let after = 0n;
  const all: Event[] = [];
  for (;;) {
    const res = await client.getTrace(
      { traceId, includeEvents: true, eventsAfterSeq: after, eventsLimit: after === 0n ? firstPageSize : eventsPageSize },
      { signal },
    );
    // A server without paging ignores events_after_seq: keep only what is new.
    for (const e of res.events) if (e.seq > after) all.push(e);
    const next = res.nextEventsAfterSeq;
    const done = next === 0n || next <= after || res.events.length === 0;
    if (!res.trace) throw new Error("GetTrace answered without a trace");
    onPage(res.trace, all.slice(), done);
    if (done) return;
    after = next;
  }
}
