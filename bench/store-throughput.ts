/**
 * Store write throughput against the raw limit of each backend (the store layer alone,
 * in one process: no RPC, no validation). `npm run bench` folds it into parts 1 and 3;
 * it still runs alone:
 *
 *   node dist/bench/store-throughput.js [--mongo-url URL] [--batches N] [--rounds N]
 *
 * For each backend: rows/s of appendEvents with 1000-event batches of ~500 B events,
 * one trace at a time and four traces at once, next to the raw client inserting the same
 * pre-encoded rows the same way (better-sqlite3 transaction per batch with the same
 * pragmas; MongoDB insertMany per batch with the same index and write concern).
 * The target is a ratio ≥ 0.5 of raw.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { clone, create, toBinary } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import Database from "better-sqlite3";
import { MongoClient } from "mongodb";
import pino from "pino";
import { EventSchema } from "../gen/devtrace/v1/event_pb.js";
import type { Event } from "../gen/devtrace/v1/event_pb.js";
import { MongoStore } from "../server/store/mongo-store.js";
import { SqliteStore } from "../server/store/sqlite-store.js";
import type { TraceStore } from "../server/store/store.js";
import { measurePair } from "./lib/repeat.js";
import type { PairResult } from "./lib/repeat.js";

const batchSize = 1000;

function makeEvent(seq: number): Event {
  return create(EventSchema, {
    seq: BigInt(seq),
    sessionId: "tty-1",
    time: timestampNow(),
    kind: { case: "terminalCommand", value: { commandLine: "pytest -q tests/test_cart.py", cwd: "~/shop", exitCode: 1, durationMs: 812n, output: "F".repeat(400), outputBytes: 400n, shell: "bash" } },
  });
}

function batchesFor(n: number): Event[][] {
  return Array.from({ length: n }, (_, b) => Array.from({ length: batchSize }, (_, i) => makeEvent(b * batchSize + i + 1)));
}

function newTraceInput() {
  return {
    id: randomUUID(),
    developer: { $typeName: "devtrace.v1.Developer" as const, id: "bench", name: "", email: "", experienceLevel: "" },
    task: { $typeName: "devtrace.v1.Task" as const, description: "", repoUrl: "bench", baseCommit: "0000000", branch: "", testImage: "", testCommand: "", testPatch: "" },
    environment: { $typeName: "devtrace.v1.Environment" as const, os: "", editor: "", editorVersion: "", shell: "", agentVersion: "", plugins: [] },
    uploadTokenHash: "0".repeat(64),
    createdAt: new Date(),
  };
}

async function timed(rows: number, fn: () => Promise<void>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return rows / (Number(process.hrtime.bigint() - t) / 1e9);
}

async function storeRate(store: TraceStore, batches: Event[][], traces: number): Promise<number> {
  const ids: string[] = [];
  for (let i = 0; i < traces; i++) ids.push((await store.createTrace(newTraceInput())).trace.id);
  // Fresh event objects per trace and round: the store encodes each event once (eventBytes
  // memoizes per object), and reused objects would hide that cost.
  const fresh = ids.map(() => batches.map((b) => b.map((e) => clone(EventSchema, e))));
  return timed(batches.length * batchSize * traces, async () => {
    await Promise.all(ids.map(async (id, i) => {
      for (const b of fresh[i]) await store.appendEvents(id, b);
    }));
  });
}

function rawSqliteRate(dir: string, bodies: Uint8Array[][], traces: number): Promise<number> {
  const db = new Database(join(dir, `raw-${randomUUID()}.sqlite`));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.exec("CREATE TABLE events (trace_id TEXT NOT NULL, seq INTEGER NOT NULL, body BLOB NOT NULL, PRIMARY KEY (trace_id, seq)) WITHOUT ROWID");
  const insert = db.prepare("INSERT INTO events (trace_id, seq, body) VALUES (?, ?, ?)");
  const ids = Array.from({ length: traces }, () => randomUUID());
  return timed(bodies.length * batchSize * traces, async () => {
    for (const [b, batch] of bodies.entries()) {
      for (const id of ids) {
        db.transaction(() => batch.forEach((body, i) => insert.run(id, b * batchSize + i + 1, body))).immediate();
      }
    }
  }).finally(() => db.close());
}

async function rawMongoRate(url: string, bodies: Uint8Array[][], traces: number): Promise<number> {
  const client = new MongoClient(url, { writeConcern: { w: "majority" } });
  const db = client.db(`bench_raw_${randomUUID().slice(0, 8)}`);
  try {
    const coll = db.collection("events");
    await coll.createIndex({ traceId: 1, seq: 1 }, { unique: true });
    const ids = Array.from({ length: traces }, () => randomUUID());
    return await timed(bodies.length * batchSize * traces, async () => {
      await Promise.all(ids.map(async (traceId) => {
        for (const [b, batch] of bodies.entries()) {
          await coll.insertMany(batch.map((body, i) => ({ traceId, seq: BigInt(b * batchSize + i + 1), v: 1, body })), { ordered: false });
        }
      }));
    });
  } finally {
    await db.dropDatabase();
    await client.close();
  }
}

async function dropAndClose(url: string, database: string, store: TraceStore): Promise<void> {
  await store.close();
  const client = new MongoClient(url);
  try {
    await client.db(database).dropDatabase();
  } finally {
    await client.close();
  }
}

/** One store-vs-raw comparison. */
export interface StoreThroughput {
  backend: "sqlite" | "mongo";
  traces: number;
  result: PairResult;
}

/** Options of storeThroughput(). */
export interface StoreThroughputOptions {
  backend: "sqlite" | "mongo";
  /** Required for "mongo". */
  mongoUrl?: string;
  /** 1000-event batches per trace. Default 10. */
  batches?: number;
  /** Measured rounds after one warm-up round. Default 3. */
  rounds?: number;
  /** Trace counts to measure. Default [1, 4]. */
  traceCounts?: number[];
}

/**
 * Store appendEvents vs the raw client in this process. The machine is shared and noisy,
 * and protobuf-es encoding is several times slower before the JIT warms up: one warm-up
 * round, then alternating rounds (measurePair).
 */
export async function storeThroughput(o: StoreThroughputOptions): Promise<StoreThroughput[]> {
  const batches = batchesFor(o.batches ?? 10);
  const bodies = batches.map((b) => b.map((e) => toBinary(EventSchema, e)));
  const logger = pino({ level: "silent" });
  const dir = mkdtempSync(join(tmpdir(), "devtrace-bench-"));
  const out: StoreThroughput[] = [];
  let n = 0;
  try {
    for (const traces of o.traceCounts ?? [1, 4]) {
      let store: () => Promise<number>;
      let raw: () => Promise<number>;
      if (o.backend === "sqlite") {
        store = async () => {
          const s = SqliteStore.open({ dataDir: join(dir, `s${n++}`), logger });
          return storeRate(s, batches, traces).finally(() => s.close());
        };
        raw = () => rawSqliteRate(dir, bodies, traces);
      } else {
        const url = o.mongoUrl;
        if (url === undefined) throw new Error("storeThroughput: mongoUrl is required for the mongo backend");
        store = async () => {
          const database = `bench_${randomUUID().slice(0, 8)}`;
          const s = await MongoStore.open({ url, database, logger });
          return storeRate(s, batches, traces).finally(() => dropAndClose(url, database, s));
        };
        raw = () => rawMongoRate(url, bodies, traces);
      }
      out.push({ backend: o.backend, traces, result: await measurePair(o.rounds ?? 3, store, raw) });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

function report(t: StoreThroughput): void {
  const f = (n: number) => Math.round(n).toLocaleString("en-US");
  const r = t.result;
  console.log(`${t.backend.padEnd(7)} traces=${t.traces}  store ${f(r.value.median).padStart(9)} rows/s   raw ${f(r.limit.median).padStart(9)} rows/s   ratio ${r.ratio.median.toFixed(2)} (target ≥ 0.50)`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { "mongo-url": { type: "string" }, batches: { type: "string", default: "10" }, rounds: { type: "string", default: "3" } },
  });
  const common = { batches: Number(values.batches), rounds: Number(values.rounds) };
  console.log(`events of ~${toBinary(EventSchema, makeEvent(1)).length} B encoded, ${batchSize} per batch, ${common.batches} batches per trace, median of ${common.rounds}`);
  for (const t of await storeThroughput({ backend: "sqlite", ...common })) report(t);
  const url = values["mongo-url"];
  if (url === undefined) return console.log("mongo   skipped (pass --mongo-url)");
  for (const t of await storeThroughput({ backend: "mongo", mongoUrl: url, ...common })) report(t);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
