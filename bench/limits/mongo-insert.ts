/**
 * The MongoDB backend's limit: the driver's own unordered insertMany of the same event
 * documents, one call per batch, with a unique (traceId, seq) index and w: "majority"
 * (the store's write concern). Runs as its own process, like the server.
 * Prints { rowsPerSec }.
 */
import { randomUUID } from "node:crypto";
import { MongoClient } from "mongodb";
import { childInput, childOutput } from "../lib/child-task.js";
import { batchBounds } from "../lib/event-mix.js";
import { readRows } from "../lib/rows-file.js";

/** What the parent asks for. */
export interface MongoLimitInput {
  url: string;
  rowsFile: string;
}

const input = childInput<MongoLimitInput>();
const bodies = readRows(input.rowsFile);
const bounds = batchBounds(bodies.map((b) => b.length));
const client = new MongoClient(input.url, { writeConcern: { w: "majority" } });
const db = client.db(`bench_limit_${randomUUID().slice(0, 8)}`);
try {
  const events = db.collection("events");
  await events.createIndex({ traceId: 1, seq: 1 }, { unique: true });
  const traceId = randomUUID();
  const started = performance.now();
  for (const [from, to] of bounds) {
    const docs = [];
    for (let i = from; i < to; i++) docs.push({ traceId, seq: BigInt(i + 1), v: 1, body: bodies[i] });
    await events.insertMany(docs, { ordered: false });
  }
  const seconds = (performance.now() - started) / 1000;
  childOutput({ rowsPerSec: bodies.length / seconds });
} finally {
  await db.dropDatabase();
  await client.close();
}
