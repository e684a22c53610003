/**
 * Part 2: ack latency at a steady 2 000 events/s from 20 streams (100/s each), from the
 * moment the client queues an event for sending to the ack that covers it. The limit
 * is the raw commit latency of a better-sqlite3 transaction of one tick's events
 * (WAL, synchronous=FULL) in its own process: the floor under any durable ack.
 */
import { join } from "node:path";
import { toBinary } from "@bufbuild/protobuf";
import { EventSchema } from "../gen/devtrace/v1/event_pb.js";
import type { BenchContext } from "./lib/bench-context.js";
import { scaled } from "./lib/bench-context.js";
import { runChild } from "./lib/child-task.js";
import { createBenchTrace, grpcClient } from "./lib/clients.js";
import { eventMix } from "./lib/event-mix.js";
import { ms, spread } from "./lib/format.js";
import { PacedStream } from "./lib/paced-stream.js";
import type { Row } from "./lib/row.js";
import { writeRows } from "./lib/rows-file.js";
import { startServer } from "./lib/server-child.js";
import { histogramTotals } from "./lib/server-metrics.js";
import { quantile, summarize } from "./lib/stats.js";
import type { SqliteLimitInput } from "./limits/sqlite-insert.js";

const streams = 20;
const perStreamRate = 100;
const tickMs = 10;

/** Runs part 2 and returns its rows. */
export async function ackLatency(ctx: BenchContext): Promise<Row[]> {
  const seconds = scaled(ctx, 8, 3);
  const warmupSeconds = 2;
  const events = eventMix(perStreamRate * (seconds + warmupSeconds + 2), 7);
  const rowsFile = join(ctx.tmp, "ack.rows");
  writeRows(rowsFile, events.map((e) => toBinary(EventSchema, e)));
  await using server = await startServer();
  const token = server.credentials().ingest_token;
  const p50: number[] = [];
  const p99: number[] = [];
  const limit50: number[] = [];
  const limit99: number[] = [];
  let achieved = 0;
  const appendMs: number[] = [];
  for (let round = 0; round < ctx.repeats; round++) {
    const before = await histogramTotals(server.url, "devtrace_ack_latency_seconds");
    ctx.log(`2: round ${round + 1}: ${streams} streams × ${perStreamRate} ev/s for ${seconds} s after ${warmupSeconds} s warm-up`);
    const run = await pacedRun(server.url, token, events, seconds, warmupSeconds);
    p50.push(quantile(run.latencies, 0.5));
    p99.push(quantile(run.latencies, 0.99));
    achieved = run.rate;
    const after = await histogramTotals(server.url, "devtrace_ack_latency_seconds");
    appendMs.push(((after.sum - before.sum) / (after.count - before.count)) * 1000);
    const input: SqliteLimitInput = { mode: "commit", dir: ctx.tmp, rowsFile, commits: 400, rowsPerCommit: streams * perStreamRate * tickMs / 1000 };
    const l = await runChild<{ p50Ms: number; p99Ms: number }>("limits/sqlite-insert.js", input);
    limit50.push(l.p50Ms);
    limit99.push(l.p99Ms);
  }
  const limitText = (xs: number[]) => `${ms(summarize(xs).median)} raw commit`;
  const ratio = (a: number[], b: number[]) => summarize(a.map((x, i) => x / b[i]));
  return [
    { part: 2, name: `ack latency p50, ${streams} streams at ${Math.round(achieved)} ev/s`, value: spread(summarize(p50), ms), limit: limitText(limit50), ratio: ratio(p50, limit50) },
    {
      part: 2,
      name: `ack latency p99, ${streams} streams at ${Math.round(achieved)} ev/s`,
      value: spread(summarize(p99), ms),
      limit: limitText(limit99),
      ratio: ratio(p99, limit99),
      goal: { kind: "max", target: 10, text: "p99 < 10 ms" },
      measured: summarize(p99).median,
      note: `server-side append (receive → durable) mean ${spread(summarize(appendMs), ms)}`,
    },
  ];
}

async function pacedRun(url: string, token: string, events: ReturnType<typeof eventMix>, seconds: number, warmupSeconds: number): Promise<{ latencies: number[]; rate: number }> {
  const conns = Array.from({ length: streams }, () => grpcClient(url, token));
  try {
    const traces = await Promise.all(conns.map((c) => createBenchTrace(c.client)));
    const paced = conns.map((c, i) => new PacedStream(c.client, traces[i], events));
    for (const p of paced) p.start();
    const t0 = performance.now();
    const measureFrom = t0 + warmupSeconds * 1000;
    for (const p of paced) p.measureFrom = measureFrom;
    const end = measureFrom + seconds * 1000;
    let pushed = 0;
    // Catch up by elapsed time rather than trusting timer precision: a late tick queues
    // the events it owes, so the offered rate stays at 100/s per stream under load.
    for (let now = performance.now(); now < end; now = performance.now()) {
      const owed = Math.floor(((now - t0) / 1000) * perStreamRate);
      for (; pushed < owed; pushed++) for (const p of paced) p.push(now);
      await new Promise((r) => setTimeout(r, tickMs));
    }
    await Promise.all(paced.map((p) => p.end()));
    const latencies = paced.flatMap((p) => p.latencies);
    return { latencies, rate: latencies.length / seconds };
  } finally {
    for (const c of conns) c[Symbol.dispose]();
  }
}
