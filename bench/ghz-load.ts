/**
 * Part 8: load from a foreign client. ghz (Go, built from the module proxy by .ci) calls
 * GetTrace and ListTraces on the devtrace server at rising concurrency until a step has
 * errors or a p99 over 100 ms; the knee is the last clean step. The limit is the bare
 * grpc-js echo server (part 4) under the same ghz load at the knee's concurrency.
 * Skips without ghz.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import type { BenchContext } from "./lib/bench-context.js";
import { ms, si, spread } from "./lib/format.js";
import { repoRoot } from "./lib/paths.js";
import type { Row } from "./lib/row.js";
import { skipRow } from "./lib/row.js";
import { startServer } from "./lib/server-child.js";
import { startServiceChild } from "./lib/service-child.js";
import { prepareSmallCorpus } from "./lib/small-corpus.js";
import { summarize } from "./lib/stats.js";
import { findTool } from "./lib/tools.js";
import type { EchoServerInput } from "./limits/echo-server.js";

const run = promisify(execFile);
const p99LimitMs = 100;
const steps = [1, 2, 4, 8, 16, 32, 64, 128, 256];

/** What one ghz run reports. */
interface Step {
  concurrency: number;
  rps: number;
  p99Ms: number;
  errors: number;
}

interface GhzReport {
  rps: number;
  statusCodeDistribution?: Record<string, number>;
  latencyDistribution?: Array<{ percentage: number; latency: number }> | null;
}

async function ghz(bin: string, host: string, call: string, data: unknown, token: string, concurrency: number, callsPerWorker: number): Promise<Step> {
  // A fixed count, not a duration: with -z, ghz cancels the calls in flight when time is
  // up and reports them as errors, which would hide the knee behind artefacts.
  const args = [
    "--insecure", "--proto", join(repoRoot, "proto", "devtrace", "v1", "trace_service.proto"), "-i", join(repoRoot, "proto"),
    "--call", call, "-d", JSON.stringify(data), "-m", JSON.stringify({ authorization: `Bearer ${token}` }),
    "-c", String(concurrency), "-n", String(Math.max(200, concurrency * callsPerWorker)), "-t", "20s", "-O", "json", host,
  ];
  const { stdout } = await run(bin, args, { maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
  const r = JSON.parse(stdout) as GhzReport;
  const codes = r.statusCodeDistribution ?? {};
  const errors = Object.entries(codes).reduce((n, [code, k]) => (code === "OK" ? n : n + k), 0);
  const p99 = r.latencyDistribution?.find((d) => d.percentage === 99)?.latency ?? NaN;
  return { concurrency, rps: r.rps, p99Ms: p99 / 1e6, errors };
}

/** Runs part 8 and returns its rows. */
export async function ghzLoad(ctx: BenchContext): Promise<Row[]> {
  const bin = findTool("ghz");
  if (bin === undefined) return [skipRow(8, "ghz load: knee of GetTrace / ListTraces", "no ghz binary (run .ci/build-go-tools.sh)")];
  await using server = await startServer();
  const creds = server.credentials();
  const corpus = await prepareSmallCorpus(server.url, creds, ctx.tmp);
  await using echo = await startServiceChild<{ port: number }>("limits/echo-server.js", { kind: "grpc-js", responsesFile: corpus.responsesFile } satisfies EchoServerInput);
  const host = server.url.replace(/^http:\/\//, "");
  const echoHost = `127.0.0.1:${echo.info.port}`;
  const callsPerWorker = Math.max(10, Math.round(40 * ctx.scale));
  const methods: Array<[string, string, unknown]> = [
    ["GetTrace", "devtrace.v1.TraceService.GetTrace", { trace_id: corpus.traceId, include_events: true }],
    ["ListTraces", "devtrace.v1.TraceService.ListTraces", {}],
  ];
  const rows: Row[] = [];
  for (const [name, call, data] of methods) {
    await ghz(bin, host, call, data, creds.read_token, 4, 25);
    let knee: Step | undefined;
    let broke: Step | undefined;
    for (const c of steps) {
      const s = await ghz(bin, host, call, data, creds.read_token, c, callsPerWorker);
      ctx.log(`8: ${name} c=${c}: ${si(s.rps)} rps, p99 ${ms(s.p99Ms)}, ${s.errors} errors`);
      if (s.errors > 0 || !(s.p99Ms <= p99LimitMs)) {
        broke = s;
        break;
      }
      knee = s;
    }
    if (knee === undefined) {
      rows.push({ part: 8, name: `ghz ${name}: knee`, value: `none: c=1 already ${broke!.errors} errors, p99 ${ms(broke!.p99Ms)}`, limit: "" });
      continue;
    }
    // The knee step again next to the limit, alternating, for a ratio with a spread.
    const ours: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < ctx.repeats; i++) {
      ours.push((await ghz(bin, host, call, data, creds.read_token, knee.concurrency, callsPerWorker)).rps);
      bare.push((await ghz(bin, echoHost, call, data, creds.read_token, knee.concurrency, callsPerWorker)).rps);
    }
    const why = broke ? `; c=${broke.concurrency}: p99 ${ms(broke.p99Ms)}, ${broke.errors} errors` : `; clean up to c=${steps.at(-1)}`;
    rows.push({
      part: 8,
      name: `ghz ${name}: knee (last step with p99 ≤ ${p99LimitMs} ms, no errors)`,
      value: `c=${knee.concurrency}: ${spread(summarize(ours), si, "rps")}, p99 ${ms(knee.p99Ms)}${why}`,
      limit: `${si(summarize(bare).median)} rps bare grpc-js at c=${knee.concurrency}`,
      ratio: summarize(ours.map((x, i) => x / bare[i])),
    });
  }
  return rows;
}
