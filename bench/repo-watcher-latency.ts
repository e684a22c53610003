/**
 * File capture cost on a large repository: snapshot time, save-to-event latency, idle CPU.
 *
 *   node dist/bench/repo-watcher-latency.js [--files 10000] [--saves 40] [--idle-s 20] [--quiet-ms 120]
 *
 * Builds a git repository of `files` text files (≈1.5 KB each, 100 per directory), starts the
 * repo watcher and the git watcher on it, then: sits idle for `idle-s` seconds measuring the
 * process's CPU time (process.cpuUsage); saves `saves` random files one at a time, each once the
 * previous event has arrived, measuring the time from the write to the file_edit event.
 * Targets: idle CPU < 1 % of one core; p50 latency ≤ quiet-ms + 100 ms (the quiet period is
 * the floor: capture waits for it so that rapid saves coalesce). Then times finalPatch() on the
 * edited tree (it rehashes every file into a temporary index).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { finalPatch } from "../agent/watch/final-patch.js";
import { startGitWatcher } from "../agent/watch/git-watcher.js";
import { startRepoWatcher } from "../agent/watch/repo-watcher.js";

const { values } = parseArgs({
  options: {
    files: { type: "string", default: "10000" },
    saves: { type: "string", default: "40" },
    "idle-s": { type: "string", default: "20" },
    "quiet-ms": { type: "string", default: "120" },
  },
});
const fileCount = Number(values.files);
const saves = Number(values.saves);
const idleMs = Number(values["idle-s"]) * 1000;
const quietMs = Number(values["quiet-ms"]);

const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
const body = (i: number, v: number) =>
  Array.from({ length: 30 }, (_, l) => `export const value_${i}_${l} = ${v * 1000 + l}; // filler text for line ${l}`).join("\n") + "\n";

const dir = realpathSync(mkdtempSync(join(tmpdir(), "devtrace-bench-")));
try {
  const t0 = Date.now();
  for (let i = 0; i < fileCount; i++) {
    if (i % 100 === 0) mkdirSync(join(dir, `pkg${i / 100}`));
    writeFileSync(join(dir, `pkg${Math.floor(i / 100)}`, `f${i}.ts`), body(i, 0));
  }
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "pipe" });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("-c", "user.name=b", "-c", "user.email=b@b", "commit", "-q", "-m", "seed");
  console.log(`repository: ${fileCount} files written and committed in ${Date.now() - t0} ms`);

  const arrivals = new Map<string, number>();
  const started = performance.now();
  await using repoWatcher = await startRepoWatcher({
    root: dir,
    quietMs,
    onEvent: (e) => {
      if (e.kind.case === "fileEdit") arrivals.set(e.kind.value.afterSha256, performance.now());
    },
  });
  const snapshotMs = performance.now() - started;
  await using gitWatcher = await startGitWatcher({ root: dir, onEvent: () => {} });
  const rssMb = process.memoryUsage().rss / 1024 / 1024;
  console.log(`snapshot: ${repoWatcher.stats().filesTracked} files in ${snapshotMs.toFixed(0)} ms, rss ${rssMb.toFixed(0)} MB`);

  await sleep(2000); // let start-up work (GC, chokidar's last readdirs) settle
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  await sleep(idleMs);
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - wall0;
  const idlePct = ((cpu.user + cpu.system) / 1000 / wall) * 100;
  console.log(
    `idle CPU over ${(wall / 1000).toFixed(1)} s: ${idlePct.toFixed(3)} % of one core ` +
      `(user ${(cpu.user / 1000).toFixed(1)} ms, system ${(cpu.system / 1000).toFixed(1)} ms); target < 1 %: ${(idlePct / 1).toFixed(3)}x`,
  );

  const latencies: number[] = [];
  for (let s = 1; s <= saves; s++) {
    const i = Math.floor(Math.random() * fileCount);
    const content = body(i, s);
    const at = performance.now();
    writeFileSync(join(dir, `pkg${Math.floor(i / 100)}`, `f${i}.ts`), content);
    const deadline = Date.now() + 10_000;
    while (!arrivals.has(sha(content))) {
      if (Date.now() > deadline) throw new Error(`no event for save ${s} within 10 s`);
      await sleep(1);
    }
    latencies.push(arrivals.get(sha(content))! - at);
    await sleep(50);
  }
  const p50 = pct(latencies, 50);
  console.log(
    `save-to-event latency over ${saves} saves: p50 ${p50.toFixed(0)} ms, p90 ${pct(latencies, 90).toFixed(0)} ms, ` +
      `max ${Math.max(...latencies).toFixed(0)} ms (quiet period ${quietMs} ms); target p50 ≤ ${quietMs + 100} ms: ${(p50 / (quietMs + 100)).toFixed(2)}x`,
  );
  console.log(`stats: ${JSON.stringify(repoWatcher.stats())}, git: ${JSON.stringify(gitWatcher.stats())}`);
  const p0 = performance.now();
  const patch = await finalPatch({ root: dir, base: "HEAD" });
  console.log(`final patch of ${fileCount} files (${saves} edited): ${patch.length} bytes in ${(performance.now() - p0).toFixed(0)} ms`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
