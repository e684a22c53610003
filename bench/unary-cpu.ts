/**
 * Part 4: server CPU per unary call. GetTrace of a small trace (10 events) and one
 * ListTraces page (50 traces) against the devtrace server (child process), and the
 * same calls against bare echo servers in their own processes that decode the request
 * and encode the same response with protobuf-es: @grpc/grpc-js (the limit) and bare
 * connect-node (what devtrace is built on). CPU is read from /proc for the server
 * process only, so the client's cost does not count.
 */
import { toBinary } from "@bufbuild/protobuf";
import { GetTraceResponseSchema, ListTracesResponseSchema } from "../gen/devtrace/v1/trace_service_pb.js";
import type { BenchContext } from "./lib/bench-context.js";
import { scaled } from "./lib/bench-context.js";
import { grpcClient } from "./lib/clients.js";
import type { TraceClient } from "./lib/clients.js";
import { spread } from "./lib/format.js";
import { cpuSeconds } from "./lib/proc-usage.js";
import type { Row } from "./lib/row.js";
import { startServer } from "./lib/server-child.js";
import { startServiceChild } from "./lib/service-child.js";
import { prepareSmallCorpus } from "./lib/small-corpus.js";
import { summarize } from "./lib/stats.js";
import type { EchoServerInput } from "./limits/echo-server.js";

interface Target {
  name: string;
  pid: number;
  client: TraceClient;
}

const concurrency = 16;

/** µs of the target process's CPU per call, over `calls` calls with `concurrency` in flight. */
async function cpuPerCall(target: Target, calls: number, call: (c: TraceClient) => Promise<unknown>): Promise<number> {
  const before = cpuSeconds(target.pid);
  let issued = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (issued++ < calls) await call(target.client);
  }));
  return ((cpuSeconds(target.pid) - before) / calls) * 1e6;
}

// The three servers get the same client, one that does not accept compressed responses:
// grpc-js never compresses unasked, connect-node gzips any response over 1 KiB for a client
// that accepts it (connect-es clients do by default), which would not be the same work.
function clientFor(url: string, token: string, compression = false): { client: TraceClient; close: () => void } {
  const c = grpcClient(url, token, { compression });
  return { client: c.client, close: () => c[Symbol.dispose]() };
}

/** Runs part 4 and returns its rows. */
export async function unaryCpu(ctx: BenchContext): Promise<Row[]> {
  await using server = await startServer();
  const creds = server.credentials();
  const corpus = await prepareSmallCorpus(server.url, creds, ctx.tmp);
  const { traceId, responsesFile } = corpus;
  const reader = clientFor(server.url, creds.read_token);
  const closers = [reader.close];
  try {
    await using grpcJs = await startServiceChild<{ port: number }>("limits/echo-server.js", { kind: "grpc-js", responsesFile } satisfies EchoServerInput);
    await using connectNode = await startServiceChild<{ port: number }>("limits/echo-server.js", { kind: "connect-node", responsesFile } satisfies EchoServerInput);
    const bare = (name: string, pid: number, port: number): Target => {
      const c = clientFor(`http://127.0.0.1:${port}`, creds.read_token);
      closers.push(c.close);
      return { name, pid, client: c.client };
    };
    const gzipReader = clientFor(server.url, creds.read_token, true);
    closers.push(gzipReader.close);
    const targets = [
      { name: "devtrace", pid: server.pid, client: reader.client },
      bare("grpc-js", grpcJs.pid, grpcJs.info.port),
      bare("connect-node", connectNode.pid, connectNode.info.port),
      { name: "devtrace, gzip", pid: server.pid, client: gzipReader.client },
    ];
    const calls = scaled(ctx, 3000, 600);
    const methods: Array<[string, (c: TraceClient) => Promise<unknown>]> = [
      [`GetTrace, ${corpus.getTrace.events.length}-event trace (${toBinary(GetTraceResponseSchema, corpus.getTrace).length} B)`, (c) => c.getTrace({ traceId, includeEvents: true })],
      [`ListTraces page of ${corpus.listTraces.traces.length} (${toBinary(ListTracesResponseSchema, corpus.listTraces).length} B)`, (c) => c.listTraces({ pageSize: 0 })],
    ];
    const rows: Row[] = [];
    for (const [name, call] of methods) {
      ctx.log(`4: ${name}: ${calls} calls × ${targets.length} targets × ${ctx.repeats} rounds`);
      const us: number[][] = targets.map(() => []);
      for (const t of targets) await cpuPerCall(t, Math.min(calls, 1000), call);
      for (let round = 0; round < ctx.repeats; round++) {
        for (const [i, t] of targets.entries()) us[i].push(await cpuPerCall(t, calls, call));
      }
      const [ours, grpcjs, connect, gzip] = us.map(summarize);
      const ratio = (a: number[], b: number[]) => summarize(a.map((x, i) => x / b[i]));
      const f = (n: number) => `${n.toFixed(0)}`;
      const r = ratio(us[0], us[1]);
      rows.push({ part: 4, name: `${name}: server CPU per call`, value: spread(ours, f, "µs"), limit: `${f(grpcjs.median)} µs bare grpc-js`, ratio: r, goal: { kind: "max", target: 2, text: "≤ 2× grpc-js" }, measured: r.median });
      rows.push({ part: 4, name: `${name}: bare connect-node, for reference`, value: spread(connect, f, "µs"), limit: `${f(grpcjs.median)} µs bare grpc-js`, ratio: ratio(us[2], us[1]) });
      rows.push({ part: 4, name: `${name}: devtrace, client accepting gzip (connect-es default)`, value: spread(gzip, f, "µs"), limit: `${f(grpcjs.median)} µs bare grpc-js`, ratio: ratio(us[3], us[1]) });
    }
    return rows;
  } finally {
    for (const close of closers) close();
  }
}
