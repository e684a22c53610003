import { toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import type { Client } from "@connectrpc/connect";
import { EventSchema } from "../../gen/devtrace/v1/event_pb.js";
import type { Event } from "../../gen/devtrace/v1/event_pb.js";
import { TraceService } from "../../gen/devtrace/v1/trace_service_pb.js";
import { readAllEvents } from "./read-all-events.js";

/** What a reader gets back for a trace, compared with what the client sent and was acked for. */
export interface TraceAudit {
  /** Seqs ≤ the highest ack the client saw that GetTrace does not return. */
  ackedThenLost: number;
  /** Events returned more than once for one seq. */
  doubled: number;
  /** Events whose bytes differ from the ones sent with that seq. */
  byteMismatched: number;
  /** Events GetTrace returned (all pages). */
  returned: number;
  /** trace.acked_seq and trace.event_count as GetTrace reports them. */
  ackedSeq: bigint;
  eventCount: bigint;
  /** True when the events returned are exactly 1..acked_seq and event_count = acked_seq. */
  invariantHolds: boolean;
}

/**
 * Reads a trace back through GetTrace (following event pages when the server pages) and
 * counts acked-then-lost, doubled and byte-mismatched events against `sent`.
 */
export async function auditTrace(c: Client<typeof TraceService>, traceId: string, maxAck: bigint, sent: (seq: bigint) => Event): Promise<TraceAudit> {
  // A reader told UNAVAILABLE (a database still reconnecting after a fault) reads again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await readAndCount(c, traceId, maxAck, sent);
    } catch (error) {
      if (ConnectError.from(error).code !== Code.Unavailable || attempt >= 20) throw error;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

async function readAndCount(c: Client<typeof TraceService>, traceId: string, maxAck: bigint, sent: (seq: bigint) => Event): Promise<TraceAudit> {
  const read = await readAllEvents(c, traceId);
  const events = read.events;
  const trace = read.trace!;
  const seen = new Set<bigint>();
  let doubled = 0;
  let byteMismatched = 0;
  for (const e of events) {
    if (seen.has(e.seq)) doubled++;
    seen.add(e.seq);
    if (!Buffer.from(toBinary(EventSchema, e)).equals(Buffer.from(toBinary(EventSchema, sent(e.seq))))) byteMismatched++;
  }
  let ackedThenLost = 0;
  for (let s = 1n; s <= maxAck; s++) if (!seen.has(s)) ackedThenLost++;
  const contiguous = events.every((e, i) => e.seq === BigInt(i + 1));
  return {
    ackedThenLost,
    doubled,
    byteMismatched,
    returned: events.length,
    ackedSeq: trace.ackedSeq,
    eventCount: trace.eventCount,
    invariantHolds: contiguous && BigInt(events.length) === trace.ackedSeq && trace.eventCount === trace.ackedSeq,
  };
}
