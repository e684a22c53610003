import { createHash } from "node:crypto";
import type { Binary, Collection, Db, Document, IndexDescription } from "mongodb";

/** Schema version written into every document, so a later release can migrate them. */
export const mongoSchemaVersion = 1;

/**
 * A stable hash of the trace id in 0..65535, stored in every event. Trace ids are UUIDv7
 * (time-ordered), so a ranged shard key on traceId would send every new trace to the last
 * chunk; { bucket: 1, traceId: 1, seq: 1 } spreads traces over shards, keeps each trace's
 * events together and in order, and — being ranged — can back the unique index (MongoDB
 * enforces uniqueness across shards only on a ranged shard key prefix, never a hashed one).
 */
export function eventBucket(traceId: string): number {
  return createHash("sha256").update(traceId).digest().readUInt16BE(0);
}

/** Where a large field lives when it does not stay inline (mongo-blobs.ts). */
export interface BlobRef {
  blobId: string;
  chunks: number;
  bytes: number;
}

/** A document of `traces`. Protobuf parts are stored as encoded bytes. */
export interface TraceDoc {
  _id: string;
  v: number;
  developerId: string;
  repoUrl: string;
  /** developerId + request id, or "id:" + trace id when none: unique, so retries find the first trace. */
  requestKey: string;
  status: number;
  statusDetail: string;
  createdAt: Date;
  updatedAt: Date;
  sealedAt?: Date;
  /** The commit point of appends: events above it are invisible (mongo-append.ts). */
  ackedSeq: bigint;
  score?: number;
  uploadTokenHash: string;
  developer: Binary | Uint8Array;
  task: Binary | Uint8Array;
  environment: Binary | Uint8Array;
  qa?: Binary | Uint8Array;
  qaBlob?: BlobRef;
  finalPatch?: string;
  finalPatchBlob?: BlobRef;
  /** devtrace.v1.RedactionSummary of developer, task and environment (CreateTrace). */
  redaction?: Binary | Uint8Array;
  /** devtrace.v1.RedactionSummary of the final patch (FinalizeTrace); kept apart so sealing is one $set. */
  redactionSeal?: Binary | Uint8Array;
  /** Set by a seal until its QA job is surely enqueued (there are no transactions to rely on). */
  jobPending?: boolean;
}

/** A document of `events`; (bucket, traceId, seq) is unique, hence (traceId, seq). */
export interface EventDoc {
  /** eventBucket(traceId): the leading field of the recommended shard key. */
  bucket: number;
  traceId: string;
  seq: bigint;
  v: number;
  body: Binary | Uint8Array;
}

/** A document of `qa_jobs`; _id is the trace id, so a trace can never get a second job. */
export interface JobDoc {
  _id: string;
  v: number;
  state: "queued" | "leased" | "done" | "failed";
  attempts: number;
  enqueuedAt: Date;
  workerId?: string;
  leaseExpiresAt?: Date;
}

/** A document of `api_tokens`; _id is the token's SHA-256. */
export interface TokenDoc {
  _id: string;
  v: number;
  role: string;
  name: string;
  createdAt: Date;
}

/** A chunk of a large field; _id is blobId + ":" + index. */
export interface BlobDoc {
  _id: string;
  v: number;
  traceId: string;
  blobId: string;
  i: number;
  data: Binary | Uint8Array;
}

/** The collections of one devtrace database. */
export interface Collections {
  traces: Collection<TraceDoc>;
  events: Collection<EventDoc>;
  jobs: Collection<JobDoc>;
  tokens: Collection<TokenDoc>;
  blobs: Collection<BlobDoc>;
  meta: Collection<{ _id: string; v: number }>;
}

/** Typed handles on the collections. */
export function collections(db: Db): Collections {
  return {
    traces: db.collection<TraceDoc>("traces"),
    events: db.collection<EventDoc>("events"),
    jobs: db.collection<JobDoc>("qa_jobs"),
    tokens: db.collection<TokenDoc>("api_tokens"),
    blobs: db.collection<BlobDoc>("blobs"),
    meta: db.collection("meta"),
  };
}

const order = { createdAt: -1, _id: -1 } as const;

// One index per equality filter followed by the page order, so each ListTraces filter
// walks an index in order. The score index is not partial because FerretDB 1.x does not
// implement partialFilterExpression; traces without a score simply have no `score` key.
const traceIndexes: IndexDescription[] = [
  { key: order, name: "by_time" },
  { key: { developerId: 1, ...order }, name: "by_developer" },
  { key: { status: 1, ...order }, name: "by_status" },
  { key: { repoUrl: 1, ...order }, name: "by_repo" },
  { key: { score: 1, ...order }, name: "by_score" },
  { key: { requestKey: 1 }, name: "by_request", unique: true },
  { key: { jobPending: 1 }, name: "by_job_pending" },
];

/**
 * Creates every index (idempotent: same name and spec is a no-op) and records the schema
 * version; a database written by a newer release is refused.
 */
export async function ensureSchema(c: Collections): Promise<void> {
  const meta = await c.meta.findOne({ _id: "schema" });
  if (meta !== null && meta.v > mongoSchemaVersion) {
    throw new Error(`database schema version ${meta.v} is newer than this release supports (${mongoSchemaVersion})`);
  }
  await createEach(c.traces, traceIndexes);
  await createEach(c.events, [{ key: { bucket: 1, traceId: 1, seq: 1 }, name: "by_trace_seq", unique: true }]);
  await createEach(c.jobs, [
    { key: { state: 1, enqueuedAt: 1 }, name: "by_state_enqueued" },
    { key: { state: 1, leaseExpiresAt: 1 }, name: "by_state_lease" },
  ]);
  await createEach(c.blobs, [
    { key: { traceId: 1 }, name: "by_trace" },
    { key: { blobId: 1, i: 1 }, name: "by_blob" },
  ]);
  if (meta === null) await c.meta.updateOne({ _id: "schema" }, { $setOnInsert: { v: mongoSchemaVersion } }, { upsert: true });
}

// One index per command: FerretDB 1.24 panics on a createIndexes listing several indexes
// that all exist already (a restart), while MongoDB accepts either form.
async function createEach<T extends Document>(coll: Collection<T>, indexes: IndexDescription[]): Promise<void> {
  for (const index of indexes) await coll.createIndexes([index]);
}
