/**
 * Part 6: QA overhead. finalize → DONE on sample_repo (fix-correct) through a server
 * child with one QA worker and the judge on a local fake OpenAI server, against two
 * bare `docker run`s of the same test command on the same image, on the base tree and
 * on the patched tree, started together as QA starts its two runs together.
 * Skips without Docker or the sample image.
 */
import { execFile, execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import type { Event } from "../gen/devtrace/v1/event_pb.js";
import { TraceStatus } from "../gen/devtrace/v1/trace_pb.js";
import { startFakeOpenAi } from "../test/helpers/fake-openai.js";
import type { BenchContext } from "./lib/bench-context.js";
import { grpcClient } from "./lib/clients.js";
import type { TraceClient } from "./lib/clients.js";
import { ms, spread } from "./lib/format.js";
import { repoRoot } from "./lib/paths.js";
import { measurePair } from "./lib/repeat.js";
import type { Row } from "./lib/row.js";
import { skipRow } from "./lib/row.js";
import { startServer } from "./lib/server-child.js";
import { summarize } from "./lib/stats.js";
import { works } from "./lib/tools.js";

const image = "devtrace/sample-python:1";
const testCommand = "python3 -m pytest -q";
const run = promisify(execFile);

/** demo/demo-session.mjs, shared with `npm run demo` so both record the same session. */
interface DemoSession {
  prepareCheckout(root: string, fix: string): { parent: string; dir: string; baseCommit: string; finalPatch: string };
  sessionEvents(finalPatch: string, root: string, fix: string): Event[];
}

/** Runs part 6 and returns its rows. */
export async function qaOverhead(ctx: BenchContext): Promise<Row[]> {
  const name = "QA overhead: finalize → DONE vs 2 bare docker runs";
  if (!works("docker", ["info"])) return [skipRow(6, name, "no Docker engine answered")];
  if (!works("docker", ["image", "inspect", image])) return [skipRow(6, name, `image ${image} missing (.ci/build-sample-image.sh)`)];
  const demo = (await import(pathToFileURL(join(repoRoot, "demo", "demo-session.mjs")).href)) as DemoSession;
  await using fake = await startFakeOpenAi();
  await using server = await startServer({ args: ["--workers", "1"], env: { OPENAI_API_KEY: "bench-key", OPENAI_BASE_URL: fake.baseUrl } });
  using conn = grpcClient(server.url, server.credentials().ingest_token);
  const checkout = demo.prepareCheckout(repoRoot, "fix-correct");
  try {
    const baseDir = join(checkout.parent, "base");
    execFileSync("git", ["clone", "-q", checkout.dir, baseDir]);
    const events = demo.sessionEvents(checkout.finalPatch, repoRoot, "fix-correct");
    const phases: Phases[] = [];
    const qa = async () => {
      const p = await finalizeToDone(conn.client, checkout, events);
      phases.push(p);
      return p.total;
    };
    const bare = async () => {
      const t = performance.now();
      await Promise.all([bareRun(baseDir), bareRun(checkout.dir)]);
      return performance.now() - t;
    };
    ctx.log(`6: finalize → DONE vs two bare docker runs, ${ctx.repeats} rounds after a warm-up`);
    const r = await measurePair(ctx.repeats, qa, bare);
    const overhead = summarize(r.pairs.map(([v, l]) => v - l));
    return [{
      part: 6,
      name,
      value: `${spread(r.value, ms)}; overhead ${spread(overhead, ms)}`,
      limit: `${ms(r.limit.median)} 2 bare runs`,
      ratio: r.ratio,
      goal: { kind: "max", target: 1000, text: "overhead ≤ 1 s" },
      measured: overhead.median,
      note: phaseNote(phases.slice(1)),
    }];
  } finally {
    rmSync(checkout.parent, { recursive: true, force: true });
  }
}

/** Where one QA run spent its time, from the status changes WatchTrace reported (ms). */
interface Phases {
  total: number;
  /** finalize → RUNNING_TESTS: worker pick-up. */
  queued: number;
  /** RUNNING_TESTS → JUDGING: workspace, both containers, grading. */
  tests: number;
  /** JUDGING → DONE: the judge call and the final write. */
  judging: number;
}

function phaseNote(phases: Phases[]): string {
  const m = (k: keyof Phases) => ms(summarize(phases.map((p) => p[k])).median);
  return `median phases: queued ${m("queued")}, tests ${m("tests")}, judging ${m("judging")}`;
}

async function finalizeToDone(client: TraceClient, checkout: { dir: string; baseCommit: string; finalPatch: string }, events: Event[]): Promise<Phases> {
  const created = await client.createTrace({
    developer: { id: "" },
    task: { description: "Bug #142", repoUrl: checkout.dir, baseCommit: checkout.baseCommit, branch: "main", testImage: image, testCommand },
    environment: { os: "linux", editor: "bench", shell: "bash" },
  });
  const traceId = created.trace!.id;
  await client.appendEvents({ traceId, uploadToken: created.uploadToken, events });
  const t = performance.now();
  const first = new Map<TraceStatus, number>();
  await client.finalizeTrace({ traceId, uploadToken: created.uploadToken, finalPatch: checkout.finalPatch });
  for await (const change of client.watchTrace({ traceId })) {
    if (!first.has(change.status)) first.set(change.status, performance.now() - t);
    if (change.status === TraceStatus.DONE) {
      const total = first.get(TraceStatus.DONE)!;
      const trace = (await client.getTrace({ traceId })).trace!;
      if (trace.qa?.judge?.heuristic !== false) throw new Error("QA did not use the (fake) OpenAI judge");
      const running = first.get(TraceStatus.RUNNING_TESTS) ?? 0;
      const judging = first.get(TraceStatus.JUDGING) ?? total;
      return { total, queued: running, tests: judging - running, judging: total - judging };
    }
    if (change.status === TraceStatus.FAILED) throw new Error(`QA failed: ${change.statusDetail}`);
  }
  throw new Error("WatchTrace ended before DONE");
}

async function bareRun(dir: string): Promise<void> {
  const args = ["run", "--rm", "--network", "none", "-u", "1000", "-e", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "-v", `${dir}:/repo:ro`, "-w", "/repo", image, "sh", "-c", `${testCommand} -p no:cacheprovider`];
  try {
    await run("docker", args);
  } catch (error) {
    // The base tree fails its tests (exit 1): only the time matters here, not the verdict.
    if ((error as { code?: unknown }).code !== 1) throw error;
  }
}
