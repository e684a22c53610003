import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { create, toBinary } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import Database from "better-sqlite3";
import pino from "pino";
import { EventSchema } from "../../gen/devtrace/v1/event_pb.js";
import { QaResultSchema, QaStatus, TestOutcome, Verdict } from "../../gen/devtrace/v1/qa_pb.js";
import { DeveloperSchema, EnvironmentSchema, TaskSchema, TraceStatus } from "../../gen/devtrace/v1/trace_pb.js";
import { SqliteStore, sqliteFileName } from "../../server/store/sqlite-store.js";
import { eventMix, prng } from "./event-mix.js";

/** What seedTraces() made, for the queries that follow. */
export interface SeededCorpus {
  traces: number;
  /** repo_url of the traces that carry events (`heavyTraces` × `eventsPerHeavy`). */
  heavyRepo: string;
  heavyTraces: number;
  eventsPerHeavy: number;
  /** The one trace with `bigEvents` events. */
  bigTraceId: string;
  bigEvents: number;
  /** Ids of the heavy traces, newest first. */
  heavyIds: string[];
  /** Time span of created_at: [first, last] in ms. */
  spanMs: [number, number];
  developers: number;
  repos: number;
}

/** Options of seedTraces(). */
export interface SeedOptions {
  dataDir: string;
  traces: number;
  heavyTraces: number;
  eventsPerHeavy: number;
  bigEvents: number;
}

const statuses: Array<[TraceStatus, number]> = [
  [TraceStatus.DONE, 0.45], [TraceStatus.OPEN, 0.3], [TraceStatus.QUEUED, 0.1], [TraceStatus.RUNNING_TESTS, 0.03],
  [TraceStatus.JUDGING, 0.02], [TraceStatus.FAILED, 0.1],
];

function qaResult(overall: number): Uint8Array {
  const cases = Array.from({ length: 24 }, (_, i) => ({ name: `tests/test_pricing.py::test_case_${i}`, outcome: i === 3 ? TestOutcome.FAILED : TestOutcome.PASSED, durationMs: 1.5 }));
  const run = (failed: number) => ({ outcome: 1, exitCode: failed > 0 ? 1 : 0, passed: 24 - failed, failed, cases, reportFormat: "junit", durationMs: 2400n, stdout: "....F...................\n".repeat(20) });
  const dim = (s: number) => ({ score: s, rationale: "Reproduced the failure with a focused test before changing the tier comparison; cites the failing assertion." });
  return toBinary(QaResultSchema, create(QaResultSchema, {
    status: QaStatus.OK,
    tests: { image: "devtrace/sample-python:1", command: "pytest -q", patchMethod: "git-apply", before: run(1), after: run(0), failToPass: [cases[3].name], verdict: Verdict.RESOLVED },
    judge: { model: "gpt-4o-mini", rubricVersion: "v1", problemUnderstanding: dim(4), investigationStrategy: dim(4), decisionRationale: dim(3), useOfEvidence: dim(4), reproducibility: dim(5), safetyPrivacyAwareness: dim(3), overall, summary: "Solid, evidence-led fix." },
    overall,
    startedAt: timestampFromMs(Date.UTC(2026, 0, 1)),
    finishedAt: timestampFromMs(Date.UTC(2026, 0, 1, 0, 1)),
    attempts: 1,
  }));
}

const finalPatch = `--- a/shopcart/pricing.py\n+++ b/shopcart/pricing.py\n@@ -28,7 +28,7 @@\n${"     if quantity >= tier.min_quantity:\n".repeat(30)}`;

/**
 * Fills a fresh data directory with a realistic corpus through the store's own schema,
 * in bulk (one transaction, no fsync per row): creating 100 000 traces through the RPCs
 * would take longer than the whole bench may. The server opens the file afterwards.
 */
export async function seedTraces(o: SeedOptions): Promise<SeededCorpus> {
  await SqliteStore.open({ dataDir: o.dataDir, logger: pino({ level: "silent" }) }).close();
  const db = new Database(join(o.dataDir, sqliteFileName));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  const r = prng(99);
  const developers = 500;
  const repos = 100;
  const heavyRepo = "https://example.invalid/heavy.git";
  const dev = Array.from({ length: developers }, (_, i) => toBinary(DeveloperSchema, create(DeveloperSchema, { id: `dev-${i}`, name: `Developer ${i}` })));
  const env = toBinary(EnvironmentSchema, create(EnvironmentSchema, { os: "linux", editor: "vscode", shell: "bash", agentVersion: "0.1.0" }));
  const taskOf = (repo: string) => toBinary(TaskSchema, create(TaskSchema, { description: "bulk discount applied one item too late", repoUrl: repo, baseCommit: "0123abcd", branch: "main", testImage: "devtrace/sample-python:1", testCommand: "pytest -q" }));
  const tasks = Array.from({ length: repos }, (_, i) => taskOf(`https://example.invalid/repo-${i}.git`));
  const heavyTask = taskOf(heavyRepo);
  const qa = new Map<number, Uint8Array>();
  const insert = db.prepare(
    "INSERT INTO traces (id, developer_id, repo_url, status, status_detail, created_at, updated_at, sealed_at, acked_seq, score, request_id, upload_token_hash, developer, task, environment, qa, final_patch) " +
      "VALUES (?, ?, ?, ?, '', ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?)",
  );
  const insertEvent = db.prepare("INSERT INTO events (trace_id, seq, body) VALUES (?, ?, ?)");
  const t0 = Date.UTC(2026, 0, 1);
  const step = 86_400_000 / 1000; // 1 000 traces a day over 100 days at full size
  const heavyEvery = Math.floor(o.traces / (o.heavyTraces + 1));
  const heavyIds: string[] = [];
  let bigTraceId = "";
  const bodies = eventMix(Math.max(o.eventsPerHeavy, o.bigEvents), 5).map((e) => toBinary(EventSchema, e));
  db.transaction(() => {
    for (let i = 0; i < o.traces; i++) {
      const heavy = i > 0 && i % heavyEvery === 0 && heavyIds.length < o.heavyTraces;
      const big = i === o.traces - 2;
      const id = randomUUID();
      let x = r();
      let status = TraceStatus.OPEN;
      for (const [s, p] of statuses) if ((x -= p) < 0) { status = s; break; }
      if (heavy) status = TraceStatus.DONE;
      const sealed = status !== TraceStatus.OPEN;
      const score = status === TraceStatus.DONE ? Math.round(r() * 100) / 100 : null;
      let qaBytes: Uint8Array | null = null;
      if (score !== null) {
        if (!qa.has(score)) qa.set(score, qaResult(score));
        qaBytes = qa.get(score)!;
      }
      const created = Math.round(t0 + i * step + r() * step);
      const events = heavy ? o.eventsPerHeavy : big ? o.bigEvents : 0;
      const d = Math.floor(r() * developers);
      insert.run(id, `dev-${d}`, heavy ? heavyRepo : `https://example.invalid/repo-${i % repos}.git`, status, created, created, sealed ? created + 3_600_000 : null, events, score,
        "0".repeat(64), dev[d], heavy ? heavyTask : tasks[i % repos], env, qaBytes, sealed ? finalPatch : "");
      for (let s = 0; s < events; s++) insertEvent.run(id, s + 1, bodies[s]);
      if (heavy) heavyIds.unshift(id);
      if (big) bigTraceId = id;
    }
  }).immediate();
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  return { traces: o.traces, heavyRepo, heavyTraces: heavyIds.length, eventsPerHeavy: o.eventsPerHeavy, bigTraceId, bigEvents: o.bigEvents, heavyIds, spanMs: [t0, t0 + o.traces * step], developers, repos };
}
