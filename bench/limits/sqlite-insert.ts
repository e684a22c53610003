/**
 * The embedded store's limit: better-sqlite3 inserting pre-encoded event rows in one
 * transaction per batch, with the store's pragmas (WAL, synchronous=FULL) and the store's
 * events table. Runs as its own process, like the server it is compared with.
 *
 * mode "rate": the rows of `rowsFile`, batched like the agent's uplink, for `traces`
 *   traces (batch i of every trace before batch i + 1); prints { rowsPerSec }.
 * mode "commit": `commits` transactions of `rowsPerCommit` rows each, back to back;
 *   prints the commit latency { p50Ms, p99Ms }: the floor under any durable ack.
 */
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import Database from "better-sqlite3";
import { childInput, childOutput } from "../lib/child-task.js";
import { batchBounds } from "../lib/event-mix.js";
import { readRows } from "../lib/rows-file.js";
import { quantile } from "../lib/stats.js";

/** What the parent asks for. */
export interface SqliteLimitInput {
  mode: "rate" | "commit";
  /** Directory for the database file (the same file system as the server's data dir). */
  dir: string;
  rowsFile: string;
  traces?: number;
  commits?: number;
  rowsPerCommit?: number;
}

function openDb(dir: string): Database.Database {
  const db = new Database(join(dir, `limit-${randomUUID()}.sqlite`));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.exec("CREATE TABLE events (trace_id TEXT NOT NULL, seq INTEGER NOT NULL, body BLOB NOT NULL, PRIMARY KEY (trace_id, seq)) WITHOUT ROWID");
  return db;
}

function rate(input: SqliteLimitInput, bodies: Uint8Array[]): { rowsPerSec: number } {
  const bounds = batchBounds(bodies.map((b) => b.length));
  const ids = Array.from({ length: input.traces ?? 1 }, () => randomUUID());
  const db = openDb(input.dir);
  try {
    const insert = db.prepare("INSERT INTO events (trace_id, seq, body) VALUES (?, ?, ?)");
    const started = performance.now();
    for (const [from, to] of bounds) {
      for (const id of ids) {
        db.transaction(() => {
          for (let i = from; i < to; i++) insert.run(id, i + 1, bodies[i]);
        }).immediate();
      }
    }
    const seconds = (performance.now() - started) / 1000;
    return { rowsPerSec: (bodies.length * ids.length) / seconds };
  } finally {
    db.close();
  }
}

function commit(input: SqliteLimitInput, bodies: Uint8Array[]): { p50Ms: number; p99Ms: number } {
  const rows = input.rowsPerCommit ?? 1;
  const db = openDb(input.dir);
  try {
    const insert = db.prepare("INSERT INTO events (trace_id, seq, body) VALUES (?, ?, ?)");
    const id = randomUUID();
    const times: number[] = [];
    let seq = 0;
    for (let c = 0; c < (input.commits ?? 500); c++) {
      const t = performance.now();
      db.transaction(() => {
        for (let i = 0; i < rows; i++, seq++) insert.run(id, seq + 1, bodies[seq % bodies.length]);
      }).immediate();
      times.push(performance.now() - t);
    }
    return { p50Ms: quantile(times, 0.5), p99Ms: quantile(times, 0.99) };
  } finally {
    db.close();
  }
}

const input = childInput<SqliteLimitInput>();
const bodies = readRows(input.rowsFile);
childOutput(input.mode === "commit" ? commit(input, bodies) : rate(input, bodies));
