/**
 * Part 1: ingest into the embedded store through the server, against better-sqlite3
 * inserting the same rows in one transaction per batch.
 *
 * Layout: the server is a child process (`node dist/agent/cli.js server`, as users run
 * it); the bench process is the client; the limit runs in its own child process too.
 */
import { join } from "node:path";
import { toBinary } from "@bufbuild/protobuf";
import { EventSchema } from "../gen/devtrace/v1/event_pb.js";
import type { Event } from "../gen/devtrace/v1/event_pb.js";
import type { BenchContext } from "./lib/bench-context.js";
import { scaled } from "./lib/bench-context.js";
import { runChild } from "./lib/child-task.js";
import { connectJsonClient, createBenchTrace, grpcClient } from "./lib/clients.js";
import type { TraceClient } from "./lib/clients.js";
import { batchBounds, eventMix } from "./lib/event-mix.js";
import { si, spread } from "./lib/format.js";
import { measurePair } from "./lib/repeat.js";
import type { PairResult } from "./lib/repeat.js";
import type { Row } from "./lib/row.js";
import { writeRows } from "./lib/rows-file.js";
import { startServer } from "./lib/server-child.js";
import { storeLayerRows } from "./lib/store-layer-rows.js";
import { quantile } from "./lib/stats.js";
import { appendBatches, cut, streamBatches } from "./lib/stream-events.js";
import type { SqliteLimitInput } from "./limits/sqlite-insert.js";

/** The event set of one measurement, with its rows file for the limit process. */
interface Workload {
  events: Event[];
  batches: Event[][];
  rowsFile: string;
  medianBytes: number;
}

function workload(ctx: BenchContext, name: string, count: number): Workload {
  const events = eventMix(count, 42);
  const bodies = events.map((e) => toBinary(EventSchema, e));
  const sizes = bodies.map((b) => b.length);
  const rowsFile = join(ctx.tmp, `${name}.rows`);
  writeRows(rowsFile, bodies);
  return { events, batches: cut(events, batchBounds(sizes)), rowsFile, medianBytes: quantile(sizes, 0.5) };
}

/** rows/s of the raw limit for this workload and trace count. */
async function sqliteLimit(ctx: BenchContext, rowsFile: string, traces = 1): Promise<number> {
  const input: SqliteLimitInput = { mode: "rate", dir: ctx.tmp, rowsFile, traces };
  return (await runChild<{ rowsPerSec: number }>("limits/sqlite-insert.js", input)).rowsPerSec;
}

async function timedRate(events: number, fn: () => Promise<void>): Promise<number> {
  const t = performance.now();
  await fn();
  return events / ((performance.now() - t) / 1000);
}

function ratioRow(name: string, r: PairResult, unit: string, goal?: number): Row {
  return {
    part: 1,
    name,
    value: spread(r.value, si, unit),
    limit: `${si(r.limit.median)} rows/s`,
    ratio: r.ratio,
    goal: goal === undefined ? undefined : { kind: "min", target: goal, text: `≥ ${goal.toFixed(2)}` },
    measured: r.ratio.median,
  };
}

/** Runs part 1 and returns its rows. */
export async function ingestSqlite(ctx: BenchContext): Promise<Row[]> {
  const one = workload(ctx, "ingest-one", scaled(ctx, 40_000, 2000));
  const each = workload(ctx, "ingest-each", scaled(ctx, 800, 200));
  const unaryLoad = workload(ctx, "ingest-unary", scaled(ctx, 20_000, 2000));
  const streams = 50;
  await using server = await startServer();
  const token = server.credentials().ingest_token;
  using conn = grpcClient(server.url, token);
  const rows: Row[] = [];

  ctx.log(`1: one stream of ${one.events.length} events (median ${one.medianBytes} B, ${one.batches.length} batches)`);
  const single = await measurePair(
    ctx.repeats,
    async () => {
      const trace = await createBenchTrace(conn.client);
      return timedRate(one.events.length, () => streamBatches(conn.client, trace, one.batches));
    },
    () => sqliteLimit(ctx, one.rowsFile),
  );
  rows.push(ratioRow(`ingest, 1 gRPC stream, median event ${one.medianBytes} B`, single, "ev/s", 0.5));

  ctx.log(`1: ${streams} streams × ${each.events.length} events`);
  let errors = 0;
  const many = await measurePair(
    ctx.repeats,
    () => concurrentStreams(server.url, token, streams, each.batches, () => errors++),
    () => sqliteLimit(ctx, each.rowsFile, streams),
  );
  rows.push({ ...ratioRow(`ingest, ${streams} concurrent streams (aggregate)`, many, "ev/s"), note: `${errors} stream errors` });
  if (errors > 0) rows.at(-1)!.status = "ERROR";

  ctx.log("1: unary AppendEvents (gRPC), one call at a time");
  const unary = await measurePair(
    ctx.repeats,
    async () => {
      const trace = await createBenchTrace(conn.client);
      return timedRate(unaryLoad.events.length, () => appendBatches(conn.client, trace, unaryLoad.batches));
    },
    () => sqliteLimit(ctx, unaryLoad.rowsFile),
  );
  rows.push(ratioRow("ingest, unary AppendEvents (gRPC)", unary, "ev/s"));

  ctx.log("1: Connect protocol, HTTP/1.1 + JSON, AppendEvents");
  const json = connectJsonClient(server.url, token);
  const connect = await measurePair(
    ctx.repeats,
    async () => {
      const trace = await createBenchTrace(json);
      return timedRate(unaryLoad.events.length, () => appendBatches(json, trace, unaryLoad.batches));
    },
    () => sqliteLimit(ctx, unaryLoad.rowsFile),
  );
  rows.push(ratioRow("ingest, Connect HTTP/1.1 JSON AppendEvents", connect, "ev/s"));

  ctx.log("1: store layer alone (bench/store-throughput.ts)");
  rows.push(...(await storeLayerRows(ctx, 1, "sqlite")));
  return rows;
}

async function concurrentStreams(url: string, token: string, n: number, batches: Event[][], onError: () => void): Promise<number> {
  const conns = Array.from({ length: n }, () => grpcClient(url, token));
  try {
    const traces = await Promise.all(conns.map((c) => createBenchTrace(c.client)));
    const total = n * batches.reduce((k, b) => k + b.length, 0);
    return await timedRate(total, async () => {
      const results = await Promise.allSettled(conns.map((c, i) => streamBatches(c.client as TraceClient, traces[i], batches)));
      for (const r of results) if (r.status === "rejected") onError();
    });
  } finally {
    for (const c of conns) c[Symbol.dispose]();
  }
}

