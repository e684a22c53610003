import { cutEventPage, type EventPage, type EventPageRequest } from "./event-page.js";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import type { MongoClient, WriteConcern } from "mongodb";
import type { Logger } from "pino";
import { EventSchema } from "../../gen/devtrace/v1/event_pb.js";
import type { Event } from "../../gen/devtrace/v1/event_pb.js";
import { TraceStatus } from "../../gen/devtrace/v1/trace_pb.js";
import type { Trace } from "../../gen/devtrace/v1/trace_pb.js";
import { RedactionSummarySchema, type RedactionSummary } from "../../gen/devtrace/v1/redaction_pb.js";
import type { TraceFilter } from "../../gen/devtrace/v1/trace_service_pb.js";
import { toListFilter } from "./list-filter.js";
import { appendMongo } from "./mongo-append.js";
import { deleteBlob } from "./mongo-blobs.js";
import { connectWithRetry, databaseInUrl, urlOptionNames } from "./mongo-connect.js";
import { fromMongoError, isDuplicateKey, maskMongoUrl } from "./mongo-errors.js";
import { MongoJobQueue, traceLock } from "./mongo-job-queue.js";
import { KeyedMutex } from "./keyed-mutex.js";
import { traceOrder, traceQuery } from "./mongo-list-traces.js";
import { collections, ensureSchema, eventBucket, mongoSchemaVersion } from "./mongo-schema.js";
import type { Collections, TraceDoc } from "./mongo-schema.js";
import { bytesOf, docToTrace, newTraceDoc, placePatch, placeQa, requestKeyOf } from "./mongo-trace-doc.js";
import type { MongoTuning } from "./open-store.js";
import { decodeCursor, encodeCursor } from "./page-cursor.js";
import { StoreError } from "./store-error.js";
import type { ApiTokenRecord, AppendResult, LeaseOptions, NewTrace, QaJob, Role, StatusUpdate, StoredTrace, TracePage, TraceStore } from "./store.js";
import { traceScore } from "./trace-score.js";

/** How to open the MongoDB store. */
export interface MongoStoreOptions extends MongoTuning {
  /** mongodb:// or mongodb+srv:// connection string (DEVTRACE_MONGO_URL). */
  url: string;
  /** Database when the URL names none. Default "devtrace". */
  database?: string;
  logger: Logger;
}

/**
 * The MongoDB TraceStore. Uses no multi-document transactions (FerretDB 1.x has none,
 * and none are needed): every step is a single-document or idempotent write, ordered so
 * that a crash between two steps loses and doubles nothing (see mongo-append.ts).
 */
export class MongoStore implements TraceStore {
  readonly kind = "mongo";
  readonly #client: MongoClient;
  readonly #c: Collections;
  readonly #wc: WriteConcern;
  readonly #jobs: MongoJobQueue;
  #closed = false;
  // FerretDB 1.x runs an update as find-then-replace-by-_id, so two concurrent updates of
  // one trace document can lose one another (a seal undone by an ackedSeq advance). Every
  // write to a trace document therefore runs under that trace's lock in this process;
  // MongoDB itself makes each conditional update atomic across processes.
  readonly #locks = new KeyedMutex();

  /** Connects (retrying with back-off), creates indexes idempotently, checks the schema version. */
  static async open(options: MongoStoreOptions): Promise<MongoStore> {
    const logger = options.logger.child({ component: "store", backend: "mongo" });
    const inUrl = urlOptionNames(options.url);
    // Settings named in the connection string (…?w=1&maxPoolSize=50) win over these defaults.
    const wc: WriteConcern = { w: options.writeConcern ?? (inUrl.has("w") ? undefined : "majority") } as WriteConcern;
    const defaults = {
      appName: "devtrace",
      maxPoolSize: options.maxPoolSize ?? 20,
      serverSelectionTimeoutMS: options.serverSelectionTimeoutMs ?? 10_000,
      connectTimeoutMS: options.connectTimeoutMs ?? 10_000,
      socketTimeoutMS: options.socketTimeoutMs ?? 30_000,
      retryWrites: true,
      retryReads: true,
    };
    const client = await connectWithRetry(
      options.url,
      {
        ...Object.fromEntries(Object.entries(defaults).filter(([k]) => !inUrl.has(k.toLowerCase()))),
        ...(wc.w === undefined ? {} : { writeConcern: wc }),
        promoteBuffers: true,
      },
      { deadlineMs: options.startupDeadlineMs },
      logger,
    );
    try {
      const db = client.db(databaseInUrl(options.url) ?? options.database ?? "devtrace");
      const c = collections(db);
      await ensureSchema(c);
      logger.info({ url: maskMongoUrl(options.url), database: db.databaseName, schemaVersion: mongoSchemaVersion, writeConcern: wc.w ?? client.writeConcern?.w }, "MongoDB store open");
      return new MongoStore(client, c, wc.w === undefined ? client.writeConcern ?? {} : wc);
    } catch (error) {
      await client.close();
      throw new Error(`cannot prepare the MongoDB database at ${maskMongoUrl(options.url)}`, { cause: error });
    }
  }

  private constructor(client: MongoClient, c: Collections, wc: WriteConcern) {
    this.#client = client;
    this.#c = c;
    this.#wc = wc;
    this.#jobs = new MongoJobQueue(c, wc, this.#locks);
  }

  createTrace(input: NewTrace): Promise<{ trace: Trace; created: boolean }> {
    return this.#guard("createTrace", async () => {
      const doc = newTraceDoc(input);
      try {
        await this.#c.traces.insertOne(doc, { writeConcern: this.#wc });
        return { trace: await docToTrace(this.#c, doc), created: true };
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      // The unique requestKey index decided the race between retries of one CreateTrace.
      const key = requestKeyOf(input);
      const first = key === undefined ? null : await this.#c.traces.findOne({ requestKey: key }, { projection: { _id: 1 } });
      if (first === null) throw new StoreError("conflict", `trace id ${input.id} already exists`);
      const existing = await this.#locks.run(traceLock(first._id), () =>
        this.#c.traces.findOneAndUpdate(
          { _id: first._id },
          { $set: { uploadTokenHash: input.uploadTokenHash } },
          { returnDocument: "after", useBigInt64: true, writeConcern: this.#wc },
        ),
      );
      if (existing === null) throw new StoreError("conflict", `trace ${first._id} was deleted while being retried`);
      return { trace: await docToTrace(this.#c, existing), created: false };
    });
  }

  getTrace(traceId: string): Promise<StoredTrace | undefined> {
    return this.#guard("getTrace", async () => {
      const doc = await this.#find(traceId);
      return doc === null ? undefined : { trace: await docToTrace(this.#c, doc), uploadTokenHash: doc.uploadTokenHash };
    });
  }

  appendEvents(traceId: string, events: readonly Event[]): Promise<AppendResult> {
    return this.#guardTrace("appendEvents", traceId, () => appendMongo(this.#c, traceId, events, this.#wc));
  }

  readEvents(traceId: string, options: { afterSeq?: bigint; limit?: number } = {}): Promise<Event[]> {
    return this.#readBodies("readEvents", traceId, options, (b) => fromBinary(EventSchema, b));
  }

  readEventBytes(traceId: string, options: { afterSeq?: bigint; limit?: number } = {}): Promise<Uint8Array[]> {
    return this.#readBodies("readEventBytes", traceId, options, (b) => b);
  }

  #readBodies<T>(operation: string, traceId: string, options: { afterSeq?: bigint; limit?: number }, map: (body: Uint8Array) => T): Promise<T[]> {
    return this.#guard(operation, async () => {
      const trace = await this.#c.traces.findOne({ _id: traceId }, { projection: { ackedSeq: 1 }, useBigInt64: true });
      // limit(0) would mean "no limit" to MongoDB.
      if (trace === null || options.limit === 0) return [];
      // Bounded by ackedSeq: documents above it belong to an append that has not committed.
      const cursor = this.#c.events
        .find({ bucket: eventBucket(traceId), traceId, seq: { $gt: options.afterSeq ?? 0n, $lte: BigInt(trace.ackedSeq) } }, { projection: { body: 1 } })
        .sort({ seq: 1 })
        .batchSize(1000);
      if (options.limit !== undefined) cursor.limit(options.limit);
      const out: T[] = [];
      for await (const doc of cursor) out.push(map(bytesOf(doc.body as Uint8Array)));
      return out;
    });
  }

  readEventPage(traceId: string, page: EventPageRequest): Promise<EventPage> {
    return this.#guard("readEventPage", async () => {
      const trace = await this.#c.traces.findOne({ _id: traceId }, { projection: { ackedSeq: 1 }, useBigInt64: true });
      if (trace === null) return { events: [], nextAfterSeq: 0n };
      // Bounded by ackedSeq: documents above it belong to an append that has not committed.
      const cursor = this.#c.events
        .find({ bucket: eventBucket(traceId), traceId, seq: { $gt: page.afterSeq, $lte: BigInt(trace.ackedSeq) } }, { projection: { body: 1 } })
        .sort({ seq: 1 })
        .limit(page.maxEvents + 1)
        .batchSize(Math.min(page.maxEvents + 1, 256));
      // Stop fetching once the page is full: one event beyond the bounds tells that more follow.
      const bodies: Uint8Array[] = [];
      let bytes = 0;
      for await (const doc of cursor) {
        const body = doc.body as Uint8Array;
        bodies.push(body);
        bytes += body.length;
        // The body that passes a bound is the look-ahead (the first one is returned whatever its size).
        if (bodies.length > page.maxEvents || (bodies.length > 1 && bytes > page.maxBytes)) break;
      }
      await cursor.close();
      return cutEventPage(bodies, page);
    });
  }

  listTraces(filter: TraceFilter | undefined, pageSize: number, cursor?: string): Promise<TracePage> {
    return this.#guard("listTraces", async () => {
      const after = cursor ? decodeCursor(cursor, filter) : undefined;
      const docs = await this.#c.traces
        .find(traceQuery(toListFilter(filter), after), { useBigInt64: true })
        .sort(traceOrder)
        .limit(pageSize + 1)
        .toArray();
      const page = docs.slice(0, pageSize);
      const last = page.at(-1);
      const nextCursor = docs.length > pageSize && last ? encodeCursor({ createdAtMs: last.createdAt.getTime(), id: last._id }, filter) : undefined;
      return { traces: await Promise.all(page.map((d) => docToTrace(this.#c, d))), nextCursor };
    });
  }

  sealTrace(traceId: string, finalPatch: string, now: Date, redaction?: RedactionSummary): Promise<{ trace: Trace; changed: boolean }> {
    return this.#guardTrace("sealTrace", traceId, async () => {
      const placed = await placePatch(this.#c, traceId, finalPatch);
      // jobPending marks the seal until its job is surely enqueued: a crash in between is
      // repaired by the next leaseJob or a retried FinalizeTrace (no transactions needed).
      const sealed = await this.#c.traces.findOneAndUpdate(
        { _id: traceId, status: TraceStatus.OPEN },
        {
          $set: {
            status: TraceStatus.QUEUED,
            sealedAt: now,
            updatedAt: now,
            jobPending: true,
            ...placed.set,
            ...(redaction ? { redactionSeal: toBinary(RedactionSummarySchema, redaction) } : {}),
          },
        },
        { returnDocument: "after", useBigInt64: true, writeConcern: this.#wc },
      );
      if (sealed !== null) {
        await this.#enqueue(traceId, now);
        return { trace: await docToTrace(this.#c, { ...sealed, jobPending: undefined }), changed: true };
      }
      if (placed.blob) await deleteBlob(this.#c, placed.blob.blobId);
      const doc = await this.#find(traceId);
      if (doc === null) throw new StoreError("not_found", `trace ${traceId} not found`);
      if (doc.jobPending) await this.#enqueue(traceId, doc.sealedAt ?? now);
      return { trace: await docToTrace(this.#c, doc), changed: false };
    });
  }

  updateTraceStatus(traceId: string, update: StatusUpdate): Promise<Trace> {
    return this.#guardTrace("updateTraceStatus", traceId, async () => {
      const placed = update.qa === undefined ? undefined : await placeQa(this.#c, traceId, update.qa);
      const before = await this.#c.traces.findOneAndUpdate(
        { _id: traceId },
        {
          $set: { status: update.status, statusDetail: update.detail ?? "", updatedAt: update.now, ...placed?.set },
          ...(placed ? { $unset: { [placed.unset]: "" } } : {}),
        },
        { returnDocument: "before", writeConcern: this.#wc },
      );
      if (before === null) {
        if (placed?.blob) await deleteBlob(this.#c, placed.blob.blobId);
        throw new StoreError("not_found", `trace ${traceId} not found`);
      }
      if (placed && before.qaBlob) await deleteBlob(this.#c, before.qaBlob.blobId);
      const doc = (await this.#find(traceId))!;
      const trace = await docToTrace(this.#c, doc);
      const score = traceScore(trace.status, trace.qa);
      await this.#c.traces.updateOne({ _id: traceId }, score === undefined ? { $unset: { score: "" } } : { $set: { score } }, { writeConcern: this.#wc });
      return trace;
    });
  }

  deleteTrace(traceId: string): Promise<boolean> {
    return this.#guardTrace("deleteTrace", traceId, async () => {
      // The trace document goes first: once it is gone, appends refuse and orphans are unreachable.
      const r = await this.#c.traces.deleteOne({ _id: traceId }, { writeConcern: this.#wc });
      await this.#c.events.deleteMany({ bucket: eventBucket(traceId), traceId }, { writeConcern: this.#wc });
      await this.#c.jobs.deleteMany({ _id: traceId }, { writeConcern: this.#wc });
      await this.#c.blobs.deleteMany({ traceId }, { writeConcern: this.#wc });
      return r.deletedCount === 1;
    });
  }

  leaseJob(workerId: string, options: LeaseOptions): Promise<QaJob | undefined> {
    return this.#guard("leaseJob", () => this.#jobs.lease(workerId, options));
  }

  renewLease(jobId: string, workerId: string, leaseMs: number, now: Date): Promise<boolean> {
    return this.#guard("renewLease", () => this.#jobs.renew(jobId, workerId, leaseMs, now));
  }

  finishJob(jobId: string, workerId: string, outcome: "done" | "retry" | "failed"): Promise<boolean> {
    return this.#guard("finishJob", () => this.#jobs.finish(jobId, workerId, outcome));
  }

  putApiToken(token: ApiTokenRecord): Promise<void> {
    return this.#guard("putApiToken", async () => {
      await this.#c.tokens.updateOne(
        { _id: token.hash },
        { $set: { v: mongoSchemaVersion, role: token.role, name: token.name }, $setOnInsert: { createdAt: token.createdAt } },
        { upsert: true, writeConcern: this.#wc },
      );
    });
  }

  findApiToken(hash: string): Promise<ApiTokenRecord | undefined> {
    return this.#guard("findApiToken", async () => {
      const doc = await this.#c.tokens.findOne({ _id: hash });
      return doc === null ? undefined : { hash: doc._id, role: doc.role as Role, name: doc.name, createdAt: doc.createdAt };
    });
  }

  stats(): Promise<{ traces: number; events: number; queuedJobs: number }> {
    return this.#guard("stats", async () => {
      const traces = await this.#c.traces.countDocuments({});
      const [sum] = await this.#c.traces.aggregate<{ n: number | bigint }>([{ $group: { _id: null, n: { $sum: "$ackedSeq" } } }]).toArray();
      return { traces, events: Number(sum?.n ?? 0), queuedJobs: await this.#jobs.countActive() };
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#client.close();
  }

  // Called under the trace's lock.
  async #enqueue(traceId: string, at: Date): Promise<void> {
    await this.#jobs.ensureJob(traceId, at);
    await this.#c.traces.updateOne({ _id: traceId }, { $unset: { jobPending: "" } }, { writeConcern: this.#wc });
  }

  #guardTrace<T>(what: string, traceId: string, fn: () => Promise<T>): Promise<T> {
    return this.#guard(what, () => this.#locks.run(traceLock(traceId), fn));
  }

  #find(traceId: string): Promise<TraceDoc | null> {
    return this.#c.traces.findOne({ _id: traceId }, { useBigInt64: true });
  }

  async #guard<T>(what: string, fn: () => Promise<T>): Promise<T> {
    // The driver would silently reconnect a closed client; a closed store stays closed.
    if (this.#closed) throw new StoreError("unavailable", "the trace store is closed");
    try {
      return await fn();
    } catch (error) {
      throw fromMongoError(error, what);
    }
  }
}
