/**
 * Part 9 (issue 9): 10 000 idle agents on one server. Each agent holds its own HTTP/2
 * connection with a StreamEvents stream open and sends nothing, as an agent does while
 * its developer reads code; 100 ingest tokens, 100 agents each. Measured: the server's
 * RSS with all of them open (goal < 1 GiB), the memory one idle agent costs (connection +
 * open stream), and grpc.health.v1 latency polled every 100 ms through ramp-up and hold
 * (goal < 50 ms throughout). The limit: the memory a bare node:http2 server spends per
 * idle stream, measured with the same clients in the same run. Loopback only.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { pino } from "pino";
import { Health } from "../gen/health/v1/health_pb.js";
import { hashToken } from "../server/auth/token-hash.js";
import { SqliteStore } from "../server/store/sqlite-store.js";
import type { BenchContext } from "./lib/bench-context.js";
import { scaled } from "./lib/bench-context.js";
import { benchScript } from "./lib/paths.js";
import { rssBytes } from "./lib/proc-usage.js";
import type { Row } from "./lib/row.js";
import { startServer } from "./lib/server-child.js";
import { startServiceChild } from "./lib/service-child.js";
import { quantile, summarize } from "./lib/stats.js";

const tokens = 100;
const clientProcesses = 4;
const MiB = 1024 * 1024;

interface Agent {
  token: string;
  traceId: string;
  uploadToken: string;
}

/** Runs part 9 and returns its rows (one measured round: the ramp-up is the expensive part). */
export async function idleStreams(ctx: BenchContext): Promise<Row[]> {
  const n = scaled(ctx, 10_000, 200);
  const holdMs = scaled(ctx, 30_000, 10_000);
  const dataDir = join(ctx.tmp, "idle-streams");
  ctx.log(`9: seeding ${n} traces for ${tokens} ingest tokens`);
  const agents = await seed(dataDir, n);
  await using server = await startServer({
    dataDir,
    env: { DEVTRACE_STREAM_LIMIT: String(Math.ceil(n / tokens)), DEVTRACE_PING_INTERVAL_MS: "10000", DEVTRACE_MAX_CONNECTIONS: String(n + 100) },
  });
  const health = healthPoller(server.url);
  await health.first;
  const baseline = rssBytes(server.pid);
  ctx.log(`9: ${n} idle agents → devtrace server (baseline RSS ${(baseline / MiB).toFixed(0)} MiB)`);
  const run = await holdAgents(server.url, agents, holdMs, server.pid, ctx).catch((error: unknown) => {
    throw new Error(`${String(error)}; server ${server.child.exitCode ?? server.child.signalCode ?? "running"}:\n${server.output().slice(-3000)}`);
  });
  health.stop();
  if (health.errors().length > 0) ctx.log(`9: ${health.errors().length} health checks failed, e.g. ${health.errors()[0]}`);
  const latencies = health.latencies();
  const holding = health.since(run.holdStart);
  const perAgent = (run.peakRss - baseline) / run.ready;

  await using bare = await startServiceChild<{ port: number }>("limits/idle-stream-server.js", {});
  const bareUrl = `http://127.0.0.1:${bare.info.port}`;
  const bareBaseline = rssBytes(bare.pid);
  ctx.log(`9: limit: ${n} idle streams → bare node:http2 server`);
  const limit = await holdAgents(bareUrl, agents, Math.min(holdMs, 10_000), bare.pid, ctx);
  const barePerStream = (limit.peakRss - bareBaseline) / limit.ready;

  const failures = run.failures.length === 0 ? "" : `; ${run.failures.length} failed, e.g. ${run.failures[0].slice(0, 80)}`;
  return [
    {
      part: 9,
      name: `server RSS with ${run.ready} idle agent streams open (${tokens} tokens)`,
      value: `${(run.peakRss / MiB).toFixed(0)} MiB`,
      limit: "",
      goal: { kind: "max", target: 1024, text: "< 1 GiB (MiB)" },
      measured: run.ready === n ? run.peakRss / MiB : NaN,
      note: `baseline ${(baseline / MiB).toFixed(0)} MiB; ramp-up ${(run.rampMs / 1000).toFixed(1)} s, held ${holdMs / 1000} s with keepalive PINGs every 10 s${failures}`,
    },
    {
      part: 9,
      name: "memory per idle agent (connection + open StreamEvents stream)",
      value: `${(perAgent / 1024).toFixed(1)} KiB`,
      limit: `${(barePerStream / 1024).toFixed(1)} KiB bare node:http2 stream`,
      ratio: summarize([perAgent / barePerStream]),
      note: `one round (ramping up ${n} connections is the expensive part); limit with ${limit.ready} streams`,
    },
    {
      part: 9,
      name: `health latency through ramp-up and hold (${latencies.length} checks, p99 / max)`,
      value: `${quantile(latencies, 0.99).toFixed(1)} / ${Math.max(...latencies).toFixed(1)} ms`,
      limit: "",
      goal: { kind: "max", target: 50, text: "< 50 ms throughout (max)" },
      measured: Math.max(...latencies),
      note: `p50 ${quantile(latencies, 0.5).toFixed(1)} ms; a check every 100 ms on its own connection`,
    },
    {
      part: 9,
      name: `health latency while ${run.ready} agents sit idle (${holding.length} checks, p99 / max)`,
      value: `${quantile(holding, 0.99).toFixed(1)} / ${Math.max(...holding).toFixed(1)} ms`,
      limit: "",
      goal: { kind: "max", target: 50, text: "< 50 ms (max)" },
      measured: Math.max(...holding),
      note: `p50 ${quantile(holding, 0.5).toFixed(1)} ms; keepalive PINGs to every session every 10 s`,
    },
  ];
}

/** Writes the tokens and traces straight into the store the server will open. */
async function seed(dataDir: string, n: number): Promise<Agent[]> {
  const store = SqliteStore.open({ dataDir, logger: pino({ level: "silent" }) });
  try {
    const names = Array.from({ length: tokens }, (_, i) => ({ token: `bench-ingest-${i}-${randomUUID()}`, name: `idle-dev-${i}` }));
    for (const t of names) await store.putApiToken({ hash: hashToken(t.token), role: "ingest", name: t.name, createdAt: new Date() });
    const agents: Agent[] = [];
    for (let i = 0; i < n; i++) {
      const owner = names[i % tokens];
      const uploadToken = randomUUID();
      const { trace } = await store.createTrace({
        id: randomUUID(),
        developer: { $typeName: "devtrace.v1.Developer", id: owner.name, name: "", email: "", experienceLevel: "" },
        task: { $typeName: "devtrace.v1.Task", description: "idle", repoUrl: "https://example.invalid/idle.git", baseCommit: "0123abcd", branch: "", testImage: "", testCommand: "", testPatch: "" },
        environment: { $typeName: "devtrace.v1.Environment", os: "linux", editor: "", editorVersion: "", shell: "", agentVersion: "", plugins: [] },
        uploadTokenHash: hashToken(uploadToken),
        createdAt: new Date(),
      });
      agents.push({ token: owner.token, traceId: trace.id, uploadToken });
    }
    return agents;
  } finally {
    await store.close();
  }
}

/** Opens every agent from a few client processes, holds them, and samples the server's RSS. */
async function holdAgents(url: string, agents: Agent[], holdMs: number, pid: number, ctx: BenchContext) {
  const started = performance.now();
  const per = Math.ceil(agents.length / clientProcesses);
  const children = Array.from({ length: clientProcesses }, (_, i) => {
    const file = join(ctx.tmp, `idle-agents-${i}.json`);
    writeFileSync(file, JSON.stringify({ url, agents: agents.slice(i * per, (i + 1) * per), concurrency: 50 }));
    const child = spawn(process.execPath, [benchScript("lib/idle-agents-child.js"), JSON.stringify({ file })], { stdio: ["ignore", "pipe", "inherit"] });
    const state = { ready: 0, done: false, failures: [] as string[] };
    let buf = "";
    child.stdout!.on("data", (b: Buffer) => {
      buf += b.toString();
      const lines = buf.split("\n");
      buf = lines.pop() ?? "";
      for (const line of lines) {
        if (line.startsWith("ready ")) state.ready = Number(line.slice(6));
        else if (line === "done") state.done = true;
        else if (line.startsWith("failed ")) state.failures.push(line.slice(7));
      }
    });
    return { child, state };
  });
  try {
    let lastLog = 0;
    while (!children.every((c) => c.state.done)) {
      if (children.some((c) => c.child.exitCode !== null)) throw new Error("an idle-agent client process died");
      if (!alive(pid)) throw new Error(`the server (pid ${pid}) exited`);
      await new Promise((r) => setTimeout(r, 200));
      if (performance.now() - lastLog > 5000) {
        lastLog = performance.now();
        ctx.log(`9: ${children.reduce((s, c) => s + c.state.ready, 0)} / ${agents.length} streams open`);
      }
    }
    const rampMs = performance.now() - started;
    const holdStart = performance.now();
    let peakRss = rssBytes(pid);
    const holdUntil = performance.now() + holdMs;
    while (performance.now() < holdUntil) {
      await new Promise((r) => setTimeout(r, 1000));
      peakRss = Math.max(peakRss, rssBytes(pid));
    }
    return {
      ready: children.reduce((s, c) => s + c.state.ready, 0),
      failures: children.flatMap((c) => c.state.failures),
      rampMs,
      holdStart,
      peakRss,
    };
  } finally {
    for (const c of children) c.child.kill("SIGTERM");
    await Promise.all(children.map((c) => new Promise((r) => (c.child.exitCode !== null ? r(null) : c.child.once("exit", r)))));
  }
}

/** Health checks every 100 ms on a connection of their own; latencies in ms. */
function healthPoller(url: string) {
  const sessionManager = new Http2SessionManager(url);
  const client = createClient(Health, createGrpcTransport({ baseUrl: url, sessionManager }));
  const latencies: number[] = [];
  const at: number[] = [];
  const errors: string[] = [];
  let stopped = false;
  let resolveFirst!: () => void;
  const first = new Promise<void>((r) => (resolveFirst = r));
  void (async () => {
    while (!stopped) {
      const t = performance.now();
      try {
        await client.check({});
        latencies.push(performance.now() - t);
        at.push(t);
      } catch (error) {
        if (stopped) return;
        errors.push(String(error));
      }
      resolveFirst();
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    first,
    latencies: () => latencies,
    /** Latencies of the checks started at or after `since` (performance.now()). */
    since: (since: number) => latencies.filter((_, i) => at[i] >= since),
    errors: () => errors,
    stop: () => {
      stopped = true;
      sessionManager.abort();
    },
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
