import type { Event } from "../../gen/devtrace/v1/event_pb.js";
import { validateEvent } from "./event.js";
import { invalid } from "./rules.js";

/** Most events in one batch (trace_service.proto, EventBatch). */
export const maxEventsPerBatch = 1000;

/**
 * Enforces EventBatch's rules: at most 1000 events, each valid, seqs strictly ascending
 * (so a seq repeated inside one batch is refused rather than silently dropped).
 * `field` is the list's name in the request, e.g. "batch.events" or "events".
 */
export function validateEventBatch(events: readonly Event[], field: string): void {
  if (events.length > maxEventsPerBatch) {
    throw invalid(field, `${events.length} events is over the limit of ${maxEventsPerBatch} per batch`);
  }
  let previous = 0n;
  events.forEach((event, i) => {
    validateEvent(event, `${field}[${i}]`);
    if (i > 0 && event.seq <= previous) {
      throw invalid(
        `${field}[${i}].seq`,
        `${event.seq} does not follow ${previous}: seqs in a batch must be strictly ascending`,
      );
    }
    previous = event.seq;
  });
}
