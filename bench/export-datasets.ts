/**
 * Part 12 (issue 14): training-ready exports. 1 000 traces × 1 000 events (1 000 000 events) seeded in
 * bulk, then:
 * - ExportTraces to a client that does not decode (the server's side alone), against a raw read
 *   of the same event rows in its own process (the limit);
 * - `devtrace traces export --format F` for each format as a child process, the way users run
 *   it, in events/s against the same raw read, with the exporter's peak RSS (VmHWM) against the
 *   300 MB the issue allows.
 */
import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { create, toBinary } from "@bufbuild/protobuf";
import { ExportTracesRequestSchema, TraceService } from "../gen/devtrace/v1/trace_service_pb.js";
import { sqliteFileName } from "../server/store/sqlite-store.js";
import type { BenchContext } from "./lib/bench-context.js";
import { scaled } from "./lib/bench-context.js";
import { runChild } from "./lib/child-task.js";
import { ms, si, spread } from "./lib/format.js";
import { repoRoot } from "./lib/paths.js";
import { rawServerStream } from "./lib/raw-grpc.js";
import type { Row } from "./lib/row.js";
import { seedTraces } from "./lib/seed-traces.js";
import { startServer } from "./lib/server-child.js";
import { summarize } from "./lib/stats.js";
import type { SqliteReadInput } from "./limits/sqlite-read.js";

const formats = ["jsonl", "swebench", "messages", "parquet"] as const;
const rssLimitBytes = 300e6;

/** Peak RSS of a live process so far (VmHWM), in bytes; NaN once it is gone. */
function peakRss(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Runs the CLI's export and resolves with its wall time and the highest VmHWM seen. */
function cliExport(args: string[], env: Record<string, string>): Promise<{ ms: number; peak: number }> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn(process.execPath, [join(repoRoot, "dist", "agent", "cli.js"), "traces", "export", ...args], { env, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    let peak = 0;
    child.stderr.on("data", (b: Buffer) => (err += b.toString()));
    // VmHWM only grows: sampling it every 20 ms misses at most the last moments' growth.
    const timer = setInterval(() => (peak = Math.max(peak, peakRss(child.pid!) || 0)), 20);
    child.once("error", reject);
    child.once("exit", (code) => {
      clearInterval(timer);
      if (code !== 0) return reject(new Error(`devtrace traces export ${args.join(" ")} exited ${code}: ${err.trim().slice(0, 300)}`));
      resolve({ ms: performance.now() - t, peak });
    });
  });
}

/** Runs the part and returns its rows. */
export async function exportDatasets(ctx: BenchContext): Promise<Row[]> {
  const dataDir = join(ctx.tmp, "export-data");
  const heavy = scaled(ctx, 1000, 20);
  const t = performance.now();
  const corpus = await seedTraces({ dataDir, traces: 2 * heavy + 2, heavyTraces: heavy, eventsPerHeavy: 1000, bigEvents: 0 });
  const events = corpus.heavyTraces * corpus.eventsPerHeavy;
  ctx.log(`12: seeded ${corpus.heavyTraces} traces × ${corpus.eventsPerHeavy} events in ${ms(performance.now() - t)}`);
  await using server = await startServer({ dataDir });
  const token = server.credentials().read_token;
  const filter = { repoUrl: corpus.heavyRepo };
  const request = toBinary(ExportTracesRequestSchema, create(ExportTracesRequestSchema, { filter }));
  const dbFile = join(dataDir, sqliteFileName);
  const limit = async () => (await runChild<{ rowsPerSec: number }>("limits/sqlite-read.js", { mode: "events", dbFile, traceIds: corpus.heavyIds } satisfies SqliteReadInput, 600_000)).rowsPerSec;
  const wire = async () => {
    const t0 = performance.now();
    const r = await rawServerStream(server.url, `/${TraceService.typeName}/ExportTraces`, request, token, 2);
    if (r.grpcStatus !== "0" || r.fields !== events) throw new Error(`ExportTraces (raw) returned ${r.fields} of ${events} events, grpc-status ${r.grpcStatus}`);
    return events / ((performance.now() - t0) / 1000);
  };
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: ctx.tmp, DEVTRACE_SERVER: server.url, DEVTRACE_TOKEN: token };
  const rows: Row[] = [];
  await wire();
  const w: number[] = [];
  const lw: number[] = [];
  for (let round = 0; round < ctx.repeats; round++) {
    ctx.log(`12: ExportTraces of ${si(events)} events to a non-decoding client, round ${round + 1}`);
    w.push(await wire());
    lw.push(await limit());
  }
  const limitText = `${si(summarize(lw).median)} rows/s raw read`;
  const wireRatio = summarize(w.map((x, i) => x / lw[i]));
  rows.push({ part: 12, name: `ExportTraces of ${si(events)} events (stored bytes, not re-encoded), client not decoding`, value: spread(summarize(w), si, "ev/s"), limit: limitText, ratio: wireRatio, goal: { kind: "min", target: 0.5, text: "≥ 0.50" }, measured: wireRatio.median });
  // One run per format at full size: each reads the whole million events through the CLI.
  for (const format of formats) {
    const out = join(ctx.tmp, `export-${format}`);
    ctx.log(`12: devtrace traces export --format ${format} of ${si(events)} events`);
    const r = await cliExport(["--format", format, "--repo-url", corpus.heavyRepo, "--out", format === "parquet" ? out : `${out}.jsonl`], env);
    const l = await limit();
    rmSync(out, { recursive: true, force: true });
    rmSync(`${out}.jsonl`, { force: true });
    const rate = events / (r.ms / 1000);
    rows.push({ part: 12, name: `devtrace traces export --format ${format}, ${si(events)} events: throughput`, value: `${si(rate)} ev/s`, limit: `${si(l)} rows/s raw read`, ratio: summarize([rate / l]) });
    rows.push({ part: 12, name: `devtrace traces export --format ${format}, ${si(events)} events: exporter peak RSS`, value: `${(r.peak / 1e6).toFixed(0)} MB`, limit: "300 MB", ratio: summarize([r.peak / rssLimitBytes]), goal: { kind: "max", target: 1, text: "< 300 MB (ratio ≤ 1)" }, measured: r.peak / rssLimitBytes });
  }
  return rows;
}
