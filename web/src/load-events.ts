import type { Event } from "../../gen/devtrace/v1/event_pb.js";
import type { Trace } from "../../gen/devtrace/v1/trace_pb.js";
import type { TraceClient } from "./trace-client.js";

/** Events asked for per GetTrace call. */
export const eventsPageSize = 2000;

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
      { traceId, includeEvents: true, eventsAfterSeq: after, eventsLimit: eventsPageSize },
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
