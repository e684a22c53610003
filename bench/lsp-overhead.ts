/**
 * Part 11: what `devtrace lsp` adds to each message between an editor and its server. A
 * scripted client sends requests one at a time to a trivial server (limits/lsp-echo-server)
 * and times each round trip, directly and through `devtrace lsp --repo … -- <server>`:
 *  - hover requests, which the proxy forwards and observes but does not record;
 *  - definition requests inside the repository, which it pairs and records (no agent runs,
 *    so every event goes to the outbox on disk: the costliest path).
 * The limit is the direct connection measured in the same run; the goal is p50 < 1 ms added,
 * and the same number of messages each way (no added round trips).
 */
import { spawn } from "node:child_process";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from "vscode-jsonrpc/node";
import type { BenchContext } from "./lib/bench-context.js";
import { scaled } from "./lib/bench-context.js";
import { ms } from "./lib/format.js";
import { benchScript, repoRoot } from "./lib/paths.js";
import { measurePair } from "./lib/repeat.js";
import type { Row } from "./lib/row.js";
import { quantile, summarize } from "./lib/stats.js";

interface Latencies {
  p50: number;
  p99: number;
}

/** Round-trip times of `n` sequential requests of `method` to the server started by `command`. */
async function roundTrips(command: string[], method: string, uri: string, n: number): Promise<Latencies> {
  const child = spawn(command[0], command.slice(1), { stdio: ["pipe", "pipe", "inherit"], env: { ...process.env, DEVTRACE_LOG_LEVEL: "error" } });
  const client = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  client.listen();
  const exited = new Promise((r) => child.once("close", r));
  try {
    await client.sendRequest("initialize", { processId: process.pid, rootUri: null, capabilities: {} });
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await client.sendRequest(method, { textDocument: { uri }, position: { line: i % 50, character: 4 } });
      times.push(performance.now() - t);
    }
    return { p50: quantile(times, 0.5), p99: quantile(times, 0.99) };
  } finally {
    await client.sendNotification("exit").catch(() => undefined);
    client.dispose();
    child.stdin.end();
    await exited;
  }
}

/** Runs part 11 and returns its rows. */
export async function lspOverhead(ctx: BenchContext): Promise<Row[]> {
  const repo = join(ctx.tmp, "lsp-repo");
  mkdirSync(join(repo, "src"), { recursive: true });
  writeFileSync(join(repo, "src", "app.py"), "def total(xs):\n    return sum(xs)\n".repeat(25));
  execFileSync("git", ["init", "-q"], { cwd: repo });
  const uri = pathToFileURL(join(repo, "src", "app.py")).href;
  const server = [process.execPath, benchScript("limits/lsp-echo-server.js")];
  const proxied = [process.execPath, join(repoRoot, "dist", "agent", "cli.js"), "lsp", "--repo", repo, "--", ...server];
  const n = scaled(ctx, 2000, 300);
  const rows: Row[] = [];
  for (const [method, what] of [
    ["textDocument/hover", "forwarded"],
    ["textDocument/definition", "recorded"],
  ] as const) {
    ctx.log(`11: ${n} ${method} round trips, through devtrace lsp and direct, ${ctx.repeats} repeats`);
    const p99s: Array<[number, number]> = [];
    const pair = await measurePair(
      ctx.repeats,
      async () => {
        const r = await roundTrips(proxied, method, uri, n);
        p99s.push([r.p99, NaN]);
        return r.p50;
      },
      async () => {
        const r = await roundTrips(server, method, uri, n);
        p99s[p99s.length - 1] = [p99s[p99s.length - 1]?.[0] ?? NaN, r.p99];
        return r.p50;
      },
    );
    const added = pair.pairs.map(([v, l]) => v - l);
    const p99 = summarize(p99s.slice(-ctx.repeats).map(([v]) => v));
    const p99Direct = summarize(p99s.slice(-ctx.repeats).map(([, l]) => l).filter((x) => !Number.isNaN(x)));
    const addedMedian = summarize(added).median;
    rows.push({
      part: 11,
      name: `devtrace lsp, ${method.split("/")[1]} (${what}), round trip`,
      value: `p50 ${ms(pair.value.median)}, p99 ${ms(p99.median)} (+${ms(addedMedian)} p50)`,
      limit: `p50 ${ms(pair.limit.median)}, p99 ${ms(p99Direct.median)} direct`,
      ratio: pair.ratio,
      goal: { kind: "max", target: 1, text: "p50 added < 1 ms" },
      measured: addedMedian,
    });
  }
  return rows;
}
