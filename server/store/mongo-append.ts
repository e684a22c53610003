import { MongoBulkWriteError } from "mongodb";
import type { WriteConcern } from "mongodb";
import type { Event } from "../../gen/devtrace/v1/event_pb.js";
import { TraceStatus } from "../../gen/devtrace/v1/trace_pb.js";
import { eventBytes } from "./event-bytes.js";
import type { Collections, EventDoc } from "./mongo-schema.js";
import { eventBucket, mongoSchemaVersion } from "./mongo-schema.js";
import { StoreError } from "./store-error.js";
import type { AppendResult } from "./store.js";

// One event document stays far below 16 MiB: the RPC layer refuses events over 1 MiB,
// and this guard turns a bypass into a clear error instead of a failed insert.
const maxEventBytes = 8 * 1024 * 1024;

/**
 * appendEvents without transactions (FerretDB 1.x has none, and a sharded insert of a
 * whole batch would need a distributed one). Two steps, each safe to crash after:
 *   1. insert the contiguous run (unordered; a duplicate (traceId, seq) is already stored);
 *   2. advance traces.ackedSeq with $max, only while the trace is OPEN.
 * ackedSeq is the commit point: readers never look above it, so events from an append
 * that crashed before step 2, or lost the race against a seal, stay invisible; a resend
 * finds them as duplicates and completes step 2. Nothing is lost or doubled.
 */
export async function appendMongo(c: Collections, traceId: string, events: readonly Event[], wc: WriteConcern): Promise<AppendResult> {
  const trace = await c.traces.findOne({ _id: traceId }, { projection: { status: 1, ackedSeq: 1 }, useBigInt64: true });
  if (trace === null) throw new StoreError("not_found", `trace ${traceId} not found`);
  if (trace.status !== TraceStatus.OPEN) throw new StoreError("sealed", `trace ${traceId} is sealed; no more events are accepted`);
  const acked = BigInt(trace.ackedSeq);
  const bucket = eventBucket(traceId);
  let next = acked + 1n;
  let gap: AppendResult["gap"];
  const docs: EventDoc[] = [];
  for (const event of events) {
    if (event.seq < next) continue;
    if (event.seq > next) {
      gap = { expectedSeq: next, receivedSeq: event.seq };
      break;
    }
    const body = eventBytes(event);
    if (body.length > maxEventBytes) throw new Error(`event ${event.seq} of trace ${traceId} is ${body.length} bytes, over ${maxEventBytes}`);
    docs.push({ bucket, traceId, seq: event.seq, v: mongoSchemaVersion, body });
    next++;
  }
  if (docs.length === 0) return { ackedSeq: acked, gap, stored: 0 };
  const stored = await insertAbsorbingDuplicates(c, docs, wc);
  const newAcked = next - 1n;
  const advanced = await c.traces.updateOne(
    { _id: traceId, status: TraceStatus.OPEN },
    { $max: { ackedSeq: newAcked } },
    { writeConcern: wc },
  );
  if (advanced.matchedCount === 0) await refuseAfterRace(c, traceId, wc);
  return { ackedSeq: newAcked, gap, stored };
}

// An ack must be true: the insert counts only when every document is accounted for,
// either inserted or refused as a duplicate (that seq is stored already: a resend, a
// racing writer, or an append that crashed before advancing ackedSeq). Anything else —
// notably the MongoBulkWriteError the driver raises with NO write errors when the
// connection drops mid-insert — leaves ackedSeq where it was and is "unavailable".
async function insertAbsorbingDuplicates(c: Collections, docs: EventDoc[], wc: WriteConcern): Promise<number> {
  let inserted: number;
  try {
    inserted = (await c.events.insertMany(docs, { ordered: false, writeConcern: wc })).insertedCount;
  } catch (error) {
    return duplicatesOnly(error, docs.length);
  }
  if (inserted !== docs.length) throw notStored(`the database reported ${inserted} of ${docs.length} events inserted`);
  return inserted;
}

/**
 * How many documents a failed unordered insertMany of `attempted` documents inserted,
 * when every other document was refused as a duplicate key; throws StoreError
 * "unavailable" otherwise.
 */
export function duplicatesOnly(error: unknown, attempted: number): number {
  if (!(error instanceof MongoBulkWriteError)) throw notStored("the insert failed", error);
  const raw = error.writeErrors as unknown;
  const errors = (Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw]) as { code?: unknown }[];
  if (errors.length === 0) throw notStored("the insert failed with no per-write result", error);
  if (error.writeConcernError !== undefined && error.writeConcernError !== null) throw notStored("the write concern was not met", error);
  if (errors.some((e) => e.code !== 11000)) throw notStored("some events were refused", error);
  if (error.insertedCount + errors.length !== attempted) {
    throw notStored(`only ${error.insertedCount} inserted and ${errors.length} duplicates of ${attempted} events are accounted for`, error);
  }
  return error.insertedCount;
}

function notStored(why: string, cause?: unknown): StoreError {
  return new StoreError("unavailable", `events not stored: ${why}; retry`, { cause });
}

// The trace was sealed or deleted between our check and our advance: the events we
// wrote are above its frozen ackedSeq, hence invisible; remove them and refuse.
async function refuseAfterRace(c: Collections, traceId: string, wc: WriteConcern): Promise<never> {
  const now = await c.traces.findOne({ _id: traceId }, { projection: { ackedSeq: 1 }, useBigInt64: true });
  await c.events.deleteMany({ bucket: eventBucket(traceId), traceId, seq: { $gt: now === null ? -1n : BigInt(now.ackedSeq) } }, { writeConcern: wc });
  if (now === null) throw new StoreError("not_found", `trace ${traceId} was deleted`);
  throw new StoreError("sealed", `trace ${traceId} was sealed; no more events are accepted`);
}
