/**
 * Part 7: agent overhead, with a server child for the agent to stream to.
 *  - idle CPU and RSS of `devtrace agent start --foreground` watching a 10 000-file
 *    repository, against bare chokidar watching the same repository (limits/chokidar-watch);
 *  - save-to-ack: a file write until the server's acked seq covers its file_edit (the
 *    agent's quiet period included), against bare chokidar noticing the same write;
 *  - `cat` of a 50 MB file and keystroke-to-echo through `devtrace shell`, against a bare
 *    node-pty passthrough (limits/pty-passthrough), both inside a pty this process holds.
 * Skips when the agent commands are not built.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BenchContext } from "./lib/bench-context.js";
import { scaled } from "./lib/bench-context.js";
import { startAgent } from "./lib/agent-child.js";
import { buildRepo, sourceBody, sourcePath } from "./lib/big-repo.js";
import { grpcClient } from "./lib/clients.js";
import type { TraceClient } from "./lib/clients.js";
import { ms, si, spread } from "./lib/format.js";
import { benchScript, repoRoot } from "./lib/paths.js";
import { cpuSeconds, rssBytes } from "./lib/proc-usage.js";
import { PtyDriver, prompt } from "./lib/pty-driver.js";
import { measurePair } from "./lib/repeat.js";
import type { Row } from "./lib/row.js";
import { errorRow, skipRow } from "./lib/row.js";
import { startServer } from "./lib/server-child.js";
import { startServiceChild } from "./lib/service-child.js";
import { quantile, summarize } from "./lib/stats.js";
import type { ChokidarInput } from "./limits/chokidar-watch.js";

const sleep = (n: number) => new Promise((r) => setTimeout(r, n));

/** Runs part 7 and returns its rows. */
export async function agentOverhead(ctx: BenchContext): Promise<Row[]> {
  const cli = join(repoRoot, "dist", "agent");
  if (!existsSync(join(cli, "commands", "agent-command.js")) || !existsSync(join(cli, "commands", "shell-command.js"))) {
    return [skipRow(7, "agent overhead", "the agent commands are not built (dist/agent/commands/agent-command.js, shell-command.js)")];
  }
  await using server = await startServer();
  const creds = server.credentials();
  const home = join(ctx.tmp, "agent-home");
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, ".bashrc"), `PS1='${prompt}'\n`);
  const repo = join(ctx.tmp, "agent-repo");
  const files = scaled(ctx, 10_000, 1000);
  ctx.log(`7: building a ${files}-file git repository`);
  buildRepo(repo, files);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, SHELL: "/bin/bash", TERM: "xterm-256color", LANG: "C.UTF-8",
    DEVTRACE_SERVER: server.url, DEVTRACE_TOKEN: creds.ingest_token,
  };
  await using watcher = await startServiceChild<{ ready: boolean }>("limits/chokidar-watch.js", { dir: repo } satisfies ChokidarInput);
  const seen = new Map<string, number>();
  let pending = "";
  watcher.child.stdout!.on("data", (b: Buffer) => {
    pending += b.toString();
    for (let nl = pending.indexOf("\n"); nl >= 0; nl = pending.indexOf("\n")) {
      const line = JSON.parse(pending.slice(0, nl)) as { path?: string; t?: number };
      pending = pending.slice(nl + 1);
      if (line.path && line.t) seen.set(line.path, line.t);
    }
  });
  ctx.log("7: starting the agent (initial snapshot of the repository)");
  await using agent = await startAgent(repo, env);
  using reader = grpcClient(server.url, creds.read_token);
  // Each measurement stands alone: one that fails is reported, the others still count.
  return [
    ...(await guarded(ctx, "agent idle CPU and RSS", () => idleRows(ctx, agent.pid, watcher.pid, files))),
    ...(await guarded(ctx, "save-to-ack of a file edit", async () => [await saveToAckRow(ctx, reader.client, repo, files, seen)])),
    ...(await guarded(ctx, "terminal throughput and echo", () => terminalRows(ctx, repo, env))),
  ];
}

async function guarded(ctx: BenchContext, name: string, fn: () => Promise<Row[]>): Promise<Row[]> {
  try {
    return await fn();
  } catch (error) {
    ctx.log(`7: ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
    return [errorRow(7, name, error)];
  }
}

async function idleRows(ctx: BenchContext, agentPid: number, watcherPid: number, files: number): Promise<Row[]> {
  await sleep(3000);
  const seconds = scaled(ctx, 60, 15);
  const windows = 3;
  const a: number[] = [];
  const w: number[] = [];
  ctx.log(`7: idle CPU over ${seconds} s (${windows} windows)`);
  const a0 = cpuSeconds(agentPid);
  const w0 = cpuSeconds(watcherPid);
  const t0 = performance.now();
  for (let i = 0; i < windows; i++) {
    const ai = cpuSeconds(agentPid);
    const wi = cpuSeconds(watcherPid);
    const t = performance.now();
    await sleep((seconds * 1000) / windows);
    const s = (performance.now() - t) / 1000;
    a.push(((cpuSeconds(agentPid) - ai) / s) * 100);
    w.push(((cpuSeconds(watcherPid) - wi) / s) * 100);
  }
  // The whole window is the figure (CPU time is counted in 10 ms ticks, and periodic work
  // lands in one window or another); the windows give its spread.
  const total = (performance.now() - t0) / 1000;
  const agentPct = ((cpuSeconds(agentPid) - a0) / total) * 100;
  const watcherPct = ((cpuSeconds(watcherPid) - w0) / total) * 100;
  const sa = summarize(a);
  const pct = (n: number) => `${n.toFixed(2)} %`;
  const mb = (n: number) => `${(n / 1024 ** 2).toFixed(0)} MB`;
  const agentRss = rssBytes(agentPid);
  const watcherRss = rssBytes(watcherPid);
  return [
    {
      part: 7,
      name: `agent idle CPU, watching ${si(files)} files, ${seconds} s`,
      value: `${pct(agentPct)} of a core (${windows} windows: ${pct(sa.min)}–${pct(sa.max)})`,
      limit: `${pct(watcherPct)} bare chokidar`,
      goal: { kind: "max", target: 1, text: "< 1 % of a core" },
      measured: agentPct,
    },
    {
      part: 7,
      name: `agent RSS after idle, ${si(files)} files watched`,
      value: mb(agentRss),
      limit: `${mb(watcherRss)} bare chokidar`,
      ratio: { median: agentRss / watcherRss, min: agentRss / watcherRss, max: agentRss / watcherRss, n: 1 },
      goal: { kind: "max", target: 100, text: "< 100 MB" },
      measured: agentRss / 1024 ** 2,
    },
  ];
}

async function saveToAckRow(ctx: BenchContext, client: TraceClient, repo: string, files: number, seen: Map<string, number>): Promise<Row> {
  let traceId: string | undefined;
  for (let i = 0; i < 100 && traceId === undefined; i++) {
    traceId = (await client.listTraces({})).traces[0]?.id;
    if (traceId === undefined) await sleep(100);
  }
  if (traceId === undefined) throw new Error("the agent created no trace on the server");
  const acked = async () => (await client.getTrace({ traceId })).trace!.ackedSeq;
  const saves = scaled(ctx, 20, 6);
  const lat: number[] = [];
  const raw: number[] = [];
  ctx.log(`7: save-to-ack, ${saves} saves`);
  for (let i = 1; i <= saves; i++) {
    const k = (i * 37) % files;
    const path = join(repo, sourcePath(k));
    const before = await acked();
    const wall = Date.now();
    const t = performance.now();
    writeFileSync(path, sourceBody(k, i));
    for (const until = t + 15_000; (await acked()) <= before; ) {
      if (performance.now() > until) throw new Error(`save ${i} was not acknowledged within 15 s`);
      await sleep(5);
    }
    lat.push(performance.now() - t);
    const noticed = seen.get(path);
    if (noticed !== undefined && noticed >= wall) raw.push(noticed - wall);
    await sleep(300);
  }
  return {
    part: 7,
    name: "save-to-ack of a file edit (agent quiet period included)",
    value: `p50 ${ms(quantile(lat, 0.5))}, p99 ${ms(quantile(lat, 0.99))}`,
    limit: raw.length > 0 ? `${ms(quantile(raw, 0.5))} p50 bare chokidar notice` : "",
    ratio: raw.length > 0 ? { median: quantile(lat, 0.5) / Math.max(1, quantile(raw, 0.5)), min: NaN, max: NaN, n: 1 } : undefined,
    goal: { kind: "max", target: 300, text: "p50 < 300 ms" },
    measured: quantile(lat, 0.5),
  };
}

async function terminalRows(ctx: BenchContext, repo: string, env: Record<string, string>): Promise<Row[]> {
  const mb = scaled(ctx, 50, 10);
  const file = join(ctx.tmp, "big.txt");
  const line = `${"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ab"}\n`;
  writeFileSync(file, line.repeat(Math.ceil((mb * 1e6) / line.length)));
  const size = Math.ceil((mb * 1e6) / line.length) * line.length;
  ctx.log("7: opening `devtrace shell` and a bare node-pty passthrough");
  await using bare = new PtyDriver("bare node-pty passthrough", process.execPath, [benchScript("limits/pty-passthrough.js")], repo, env);
  await using shell = new PtyDriver("devtrace shell", process.execPath, [join(repoRoot, "dist", "agent", "cli.js"), "shell"], repo, env);
  await bare.atPrompt();
  await shell.atPrompt();
  ctx.log(`7: cat of ${mb} MB through both, ${ctx.repeats} rounds after a warm-up`);
  const cat = await measurePair(ctx.repeats, () => shell.catRate(file, size), () => bare.catRate(file, size));
  const mbps = (n: number) => `${(n / 1e6).toFixed(1)}`;
  const catRow: Row = {
    part: 7,
    name: `cat of ${mb} MB through \`devtrace shell\``,
    value: spread(cat.value, mbps, "MB/s"),
    limit: `${mbps(cat.limit.median)} MB/s bare node-pty passthrough`,
    ratio: cat.ratio,
    goal: { kind: "min", target: 0.8, text: "≥ 0.80" },
    measured: cat.ratio.median,
  };
  const echo = await guarded(ctx, "keystroke-to-echo through `devtrace shell`", async () => [await echoRow(ctx, shell, bare)]);
  return [catRow, ...echo];
}

async function echoRow(ctx: BenchContext, shell: PtyDriver, bare: PtyDriver): Promise<Row> {
  const keys = scaled(ctx, 40, 15);
  const p50: number[][] = [[], []];
  const p99: number[][] = [[], []];
  for (let round = 0; round < ctx.repeats; round++) {
    for (const [i, d] of [shell, bare].entries()) {
      const xs = await d.echoLatencies(keys);
      p50[i].push(quantile(xs, 0.5));
      p99[i].push(quantile(xs, 0.99));
    }
  }
  return {
    part: 7,
    name: "keystroke-to-echo through `devtrace shell`",
    value: `p50 ${spread(summarize(p50[0]), ms)}, p99 ${ms(summarize(p99[0]).median)}`,
    limit: `p50 ${ms(summarize(p50[1]).median)}, p99 ${ms(summarize(p99[1]).median)} bare`,
    ratio: summarize(p50[0].map((x, i) => x / p50[1][i])),
  };
}
