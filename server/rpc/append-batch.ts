import { create } from "@bufbuild/protobuf";
import type { Event } from "../../gen/devtrace/v1/event_pb.js";
import { SeqGapSchema } from "../../gen/devtrace/v1/trace_service_pb.js";
import type { SeqGap } from "../../gen/devtrace/v1/trace_service_pb.js";
import { summaryOrUndefined } from "../redact/redaction-summary.js";
import type { RpcDeps } from "./rpc-deps.js";
import { loadTrace } from "./load-trace.js";

/** What a client is told after a batch: the durable high-water mark and any gap. */
export interface Ack {
  ackedSeq: bigint;
  gap?: SeqGap;
}

/**
 * Stores one validated batch and returns its ack. Resolves only once the store says the
 * events are durable; an empty batch just reports the current acked seq (a heartbeat).
 * StreamEvents and AppendEvents share it, so both give the same guarantees.
 */
export async function appendBatch(deps: RpcDeps, traceId: string, events: readonly Event[]): Promise<Ack> {
  const started = performance.now();
  if (events.length === 0) {
    const { trace } = await loadTrace(deps, traceId);
    return { ackedSeq: trace.ackedSeq };
  }
  // Redacted before the store sees them: what a client left in clear text is never stored.
  // One event at a time: redaction is CPU-bound, so a whole batch in flight gains nothing,
  // and then every event's garbage outlives the young generation (bench/server-redaction.ts:
  // 31 µs an event with the whole batch in flight, 20 µs one at a time).
  const redacted: Event[] = [];
  for (const e of events) {
    const { value, counts } = await deps.redaction.event(e);
    // The server's own count replaces whatever a client claimed.
    value.redaction = summaryOrUndefined(counts);
    redacted.push(value);
  }
  const result = await deps.store.appendEvents(traceId, redacted);
  deps.metrics.ingestEvents.inc(result.stored);
  deps.metrics.ackLatency.observe((performance.now() - started) / 1000);
  if (!result.gap) return { ackedSeq: result.ackedSeq };
  deps.logger.info(
    { component: "ingest", traceId, expectedSeq: String(result.gap.expectedSeq), receivedSeq: String(result.gap.receivedSeq) },
    "batch skipped seqs; reported the gap",
  );
  return {
    ackedSeq: result.ackedSeq,
    gap: create(SeqGapSchema, { expectedSeq: result.gap.expectedSeq, receivedSeq: result.gap.receivedSeq }),
  };
}
