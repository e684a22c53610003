import type { Client } from "@connectrpc/connect";
import type { Event } from "../../gen/devtrace/v1/event_pb.js";
import type { Trace } from "../../gen/devtrace/v1/trace_pb.js";
import type { TraceService } from "../../gen/devtrace/v1/trace_service_pb.js";

/** GetTrace with every page of events (events_after_seq → next_events_after_seq), as one answer. */
export async function readAllEvents(client: Client<typeof TraceService>, traceId: string): Promise<{ trace: Trace | undefined; events: Event[] }> {
  const first = await client.getTrace({ traceId, includeEvents: true });
  const events = [...first.events];
  for (let after = first.nextEventsAfterSeq; after !== 0n; ) {
    const page = await client.getTrace({ traceId, includeEvents: true, eventsAfterSeq: after });
    events.push(...page.events);
    after = page.nextEventsAfterSeq;
  }
  return { trace: first.trace, events };
}
