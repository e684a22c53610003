/**
 * Part 5: reads at scale. 100 000 traces (100 of them with 1 000 events, one with
 * 10 000) seeded in bulk through the store's schema, then the server (child process)
 * answers: the first ListTraces page for each filter, GetTrace of the 10 000-event trace,
 * and ExportTraces of the 100 traces with events. Limits run in their own process on
 * the same file: the store's own page query (rows not decoded) and a raw read of the
 * same event rows.
 */
import { join } from "node:path";
import { create, toBinary, toJson } from "@bufbuild/protobuf";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { TraceStatus } from "../gen/devtrace/v1/trace_pb.js";
import { ExportTracesRequestSchema, TraceFilterSchema, TraceService } from "../gen/devtrace/v1/trace_service_pb.js";
import { sqliteFileName } from "../server/store/sqlite-store.js";
import type { BenchContext } from "./lib/bench-context.js";
import { scaled } from "./lib/bench-context.js";
import { runChild } from "./lib/child-task.js";
import { grpcClient } from "./lib/clients.js";
import type { TraceClient } from "./lib/clients.js";
import { ms, si, spread } from "./lib/format.js";
import type { Row } from "./lib/row.js";
import { rawServerStream } from "./lib/raw-grpc.js";
import { seedTraces } from "./lib/seed-traces.js";
import type { SeededCorpus } from "./lib/seed-traces.js";
import { startServer } from "./lib/server-child.js";
import { quantile, summarize } from "./lib/stats.js";
import type { SqliteReadInput } from "./limits/sqlite-read.js";

type FilterInit = MessageInitShape<typeof TraceFilterSchema>;

function filtersFor(c: SeededCorpus): Array<[string, FilterInit]> {
  const mid = Math.round((c.spanMs[0] + c.spanMs[1]) / 2);
  const day = 86_400_000;
  return [
    ["none", {}],
    ["developer", { developerId: "dev-17" }],
    ["status DONE", { statuses: [TraceStatus.DONE] }],
    ["status FAILED", { statuses: [TraceStatus.FAILED] }],
    ["repo", { repoUrl: "https://example.invalid/repo-3.git" }],
    ["1-day time range", { createdAfter: timestampFromMs(mid), createdBefore: timestampFromMs(mid + day) }],
    ["min score 0.95", { minScore: 0.95 }],
    ["max score 0.05", { maxScore: 0.05 }],
    ["developer + DONE + min score 0.5", { developerId: "dev-17", statuses: [TraceStatus.DONE], minScore: 0.5 }],
  ];
}

async function latencies(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

/** Runs part 5 and returns its rows. */
export async function readsAtScale(ctx: BenchContext): Promise<Row[]> {
  const dataDir = join(ctx.tmp, "reads-data");
  const t = performance.now();
  const corpus = await seedTraces({ dataDir, traces: scaled(ctx, 100_000, 5000), heavyTraces: scaled(ctx, 100, 10), eventsPerHeavy: 1000, bigEvents: 10_000 });
  ctx.log(`5: seeded ${corpus.traces} traces, ${corpus.heavyTraces} × ${corpus.eventsPerHeavy} + ${corpus.bigEvents} events in ${ms(performance.now() - t)}`);
  await using server = await startServer({ dataDir });
  using conn = grpcClient(server.url, server.credentials().read_token);
  using plain = grpcClient(server.url, server.credentials().read_token, { compression: false });
  const dbFile = join(dataDir, sqliteFileName);
  const rows: Row[] = [];
  rows.push(...(await listRows(ctx, conn.client, plain.client, corpus, dbFile)));
  rows.push(await bigTraceRow(ctx, conn.client, plain.client, corpus, dbFile));
  rows.push(...(await exportRows(ctx, conn.client, plain.client, server.url, server.credentials().read_token, corpus, dbFile)));
  return rows;
}

async function listRows(ctx: BenchContext, client: TraceClient, plain: TraceClient, corpus: SeededCorpus, dbFile: string): Promise<Row[]> {
  const filters = filtersFor(corpus);
  const calls = scaled(ctx, 100, 20);
  const p50 = filters.map((): number[] => []);
  const p99 = filters.map((): number[] => []);
  const lim99 = filters.map((): number[] => []);
  const counts = filters.map(() => 0);
  // One filter again with a client that does not accept gzip, to show what compressing a
  // page costs (connect-es clients, the CLI's included, accept gzip by default).
  const gzipProbe = filters.findIndex(([name]) => name === "status DONE");
  const plain50: number[] = [];
  const plain99: number[] = [];
  for (const [, f] of filters) await latencies(5, () => client.listTraces({ filter: f }));
  for (let round = 0; round < ctx.repeats; round++) {
    ctx.log(`5: ListTraces first page, ${filters.length} filters × ${calls} calls, round ${round + 1}`);
    for (const [i, [, f]] of filters.entries()) {
      const xs = await latencies(calls, async () => (counts[i] = (await client.listTraces({ filter: f })).traces.length));
      p50[i].push(quantile(xs, 0.5));
      p99[i].push(quantile(xs, 0.99));
    }
    const xs = await latencies(calls, () => plain.listTraces({ filter: filters[gzipProbe][1] }));
    plain50.push(quantile(xs, 0.5));
    plain99.push(quantile(xs, 0.99));
    const input: SqliteReadInput = { mode: "list", dbFile, calls, filters: filters.map(([, f]) => toJson(TraceFilterSchema, create(TraceFilterSchema, f))) };
    const limit = await runChild<{ perFilter: Array<{ p50Ms: number; p99Ms: number }> }>("limits/sqlite-read.js", input);
    limit.perFilter.forEach((l, i) => lim99[i].push(l.p99Ms));
  }
  const rows: Row[] = filters.map(([name], i) => {
    const s50 = summarize(p50[i]);
    const s99 = summarize(p99[i]);
    return {
      part: 5,
      name: `ListTraces first page (${counts[i]}), filter: ${name}`,
      value: `p50 ${ms(s50.median)}, p99 ${spread(s99, ms)}`,
      limit: `${ms(summarize(lim99[i]).median)} p99 store query`,
      ratio: summarize(p99[i].map((x, k) => x / lim99[i][k])),
      goal: { kind: "max", target: 20, text: "p99 < 20 ms" },
      measured: s99.median,
    };
  });
  rows.push({
    part: 5,
    name: `ListTraces first page, filter: status DONE, client not accepting gzip`,
    value: `p50 ${ms(summarize(plain50).median)}, p99 ${spread(summarize(plain99), ms)}`,
    limit: `${ms(summarize(lim99[gzipProbe]).median)} p99 store query`,
    ratio: summarize(plain99.map((x, k) => x / lim99[gzipProbe][k])),
  });
  return rows;
}

async function bigTraceRow(ctx: BenchContext, client: TraceClient, plain: TraceClient, corpus: SeededCorpus, dbFile: string): Promise<Row> {
  const calls = scaled(ctx, 15, 5);
  const get = () => allPages(client, corpus.bigTraceId);
  const got = await get();
  if (got !== corpus.bigEvents) throw new Error(`GetTrace returned ${got} of ${corpus.bigEvents} events`);
  const p50: number[] = [];
  const p99: number[] = [];
  const lim: number[] = [];
  const plain50: number[] = [];
  for (let round = 0; round < ctx.repeats; round++) {
    ctx.log(`5: GetTrace with ${corpus.bigEvents} events × ${calls}, round ${round + 1}`);
    const xs = await latencies(calls, get);
    p50.push(quantile(xs, 0.5));
    p99.push(quantile(xs, 0.99));
    plain50.push(quantile(await latencies(calls, () => allPages(plain, corpus.bigTraceId)), 0.5));
    const input: SqliteReadInput = { mode: "events", dbFile, traceIds: Array.from({ length: calls }, () => corpus.bigTraceId) };
    lim.push(quantile((await runChild<{ perTraceMs: number[] }>("limits/sqlite-read.js", input)).perTraceMs, 0.5));
  }
  return {
    part: 5,
    name: `GetTrace with ${si(corpus.bigEvents)} events, every page`,
    value: `p50 ${spread(summarize(p50), ms)}, p99 ${ms(summarize(p99).median)}`,
    limit: `${ms(summarize(lim).median)} raw row read`,
    ratio: summarize(lim.map((l, i) => l / p50[i])),
    note: `connect-es client (gzip accepted, the default); without gzip p50 ${spread(summarize(plain50), ms)}`,
  };
}

/** Reads every page of a trace's events (GetTrace pages at 1 000 events); resolves with the count. */
async function allPages(client: TraceClient, traceId: string): Promise<number> {
  let n = 0;
  for (let after = 0n; ; ) {
    const page = await client.getTrace({ traceId, includeEvents: true, eventsAfterSeq: after });
    n += page.events.length;
    if (page.nextEventsAfterSeq === 0n) return n;
    after = page.nextEventsAfterSeq;
  }
}

async function exportRows(ctx: BenchContext, client: TraceClient, plain: TraceClient, url: string, token: string, corpus: SeededCorpus, dbFile: string): Promise<Row[]> {
  const expected = corpus.heavyTraces * corpus.eventsPerHeavy;
  const filter = { repoUrl: corpus.heavyRepo };
  const request = toBinary(ExportTracesRequestSchema, create(ExportTracesRequestSchema, { filter }));
  const wire = async () => {
    const t = performance.now();
    const r = await rawServerStream(url, `/${TraceService.typeName}/ExportTraces`, request, token, 2);
    if (r.grpcStatus !== "0" || r.fields !== expected) throw new Error(`ExportTraces (raw) returned ${r.fields} of ${expected} events, grpc-status ${r.grpcStatus}`);
    return expected / ((performance.now() - t) / 1000);
  };
  const decoded = async (c: TraceClient) => {
    let events = 0;
    const t = performance.now();
    for await (const res of c.exportTraces({ filter })) events += res.events.length;
    if (events !== expected) throw new Error(`ExportTraces returned ${events} of ${expected} events`);
    return expected / ((performance.now() - t) / 1000);
  };
  const limit = async () => (await runChild<{ rowsPerSec: number }>("limits/sqlite-read.js", { mode: "events", dbFile, traceIds: corpus.heavyIds } satisfies SqliteReadInput)).rowsPerSec;
  await wire();
  await decoded(plain);
  const w: number[] = [];
  const d: number[] = [];
  const g: number[] = [];
  const l: number[] = [];
  for (let round = 0; round < ctx.repeats; round++) {
    ctx.log(`5: ExportTraces of ${corpus.heavyTraces} traces × ${corpus.eventsPerHeavy} events, round ${round + 1}`);
    w.push(await wire());
    d.push(await decoded(plain));
    g.push(await decoded(client));
    l.push(await limit());
  }
  const limitText = `${si(summarize(l).median)} rows/s raw read`;
  const wireRatio = summarize(w.map((x, i) => x / l[i]));
  const name = `ExportTraces, ${corpus.heavyTraces} traces × ${si(corpus.eventsPerHeavy)} events`;
  return [
    { part: 5, name: `${name}, to a client that does not decode`, value: spread(summarize(w), si, "ev/s"), limit: limitText, ratio: wireRatio, goal: { kind: "min", target: 0.5, text: "≥ 0.50" }, measured: wireRatio.median },
    { part: 5, name: `${name}, decoded by a connect-es client, no compression`, value: spread(summarize(d), si, "ev/s"), limit: limitText, ratio: summarize(d.map((x, i) => x / l[i])) },
    { part: 5, name: `${name}, connect-es client accepting gzip (its default)`, value: spread(summarize(g), si, "ev/s"), limit: limitText, ratio: summarize(g.map((x, i) => x / l[i])) },
  ];
}
