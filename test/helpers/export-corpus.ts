import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { EventSchema, type Event } from "../../gen/devtrace/v1/event_pb.js";
import { QaResultSchema, QaStatus, Verdict } from "../../gen/devtrace/v1/qa_pb.js";
import { TraceStatus } from "../../gen/devtrace/v1/trace_pb.js";
import type { TraceStore } from "../../server/store/store.js";
import { seededRandom } from "./seeded-random.js";

// No vitest import here: the benchmarks (bench/) use this module too.

/** A fixed instant the corpus is created around. */
const t0 = Date.UTC(2026, 0, 1);

/** The code and test parts of every corpus trace's final patch. */
export const corpusCodeDiff = "diff --git a/shopcart/pricing.py b/shopcart/pricing.py\n--- a/shopcart/pricing.py\n+++ b/shopcart/pricing.py\n@@ -1 +1 @@\n-if qty > 10:\n+if qty >= 10:\n";
export const corpusTestDiff = "diff --git a/tests/test_pricing.py b/tests/test_pricing.py\n--- a/tests/test_pricing.py\n+++ b/tests/test_pricing.py\n@@ -1 +1,2 @@\n def test_a(): pass\n+def test_ten(): assert price(10) == 9\n";

/** What seedExportCorpus made, for the assertions. */
export interface ExportCorpus {
  traceIds: string[];
  /** Trace id → the developer, task number and event count it got. */
  byId: Map<string, { developer: string; task: number; events: number; verdict: Verdict; score: number }>;
  events: number;
}

/** Options of seedExportCorpus. */
export interface ExportCorpusOptions {
  traces: number;
  /** Events per trace: from min to max, seeded. */
  minEvents?: number;
  maxEvents?: number;
  /** Bytes of output per terminal command; default 200. */
  outputBytes?: number;
  developers?: number;
  /** Distinct tasks; a developer who draws a task twice makes a duplicate. */
  tasks?: number;
  seed?: number;
}

const verdicts = [Verdict.RESOLVED, Verdict.PARTIAL, Verdict.NOT_RESOLVED, Verdict.INVALID];

function corpusEvent(seq: number, rnd: () => number, outputBytes: number): Event {
  const base = { seq: BigInt(seq), sessionId: `term-${seq % 2}`, time: timestampFromMs(t0 + seq * 1000) };
  const pick = seq === 1 ? 0 : Math.floor(rnd() * 5);
  const kinds: Array<() => Event> = [
    () => create(EventSchema, { ...base, kind: { case: "thought", value: { text: `hypothesis ${seq}: the tier check uses > not >=`, tags: ["hypothesis"] } } }),
    () => create(EventSchema, { ...base, kind: { case: "terminalCommand", value: { commandLine: "pytest -q", cwd: "~/shop", exitCode: seq % 3 === 0 ? 0 : 1, durationMs: 900n, output: "F".repeat(outputBytes), outputBytes: BigInt(outputBytes), shell: "bash" } } }),
    () => create(EventSchema, { ...base, kind: { case: "fileEdit", value: { path: "shopcart/pricing.py", unifiedDiff: corpusCodeDiff.slice(corpusCodeDiff.indexOf("---")), linesAdded: 1, linesRemoved: 1 } } }),
    () => create(EventSchema, { ...base, kind: { case: "fileOpened", value: { path: "shopcart/cart.py", language: "python" } } }),
    () => create(EventSchema, { ...base, kind: { case: "goToDefinition", value: { source: { path: "shopcart/cart.py", range: { start: { line: 4, column: 8 } }, symbol: "line_price" }, target: { path: "shopcart/pricing.py", range: { start: { line: 11, column: 4 } }, symbol: "line_price", symbolKind: "function" } } } }),
  ];
  return kinds[pick]();
}

/**
 * Seeds `traces` finished traces through the store's own API: each with seeded events (notes,
 * commands, edits, navigation), a final patch with a code and a test part, and a QA result
 * (verdict, tests, judge scores). Deterministic for a seed.
 */
export async function seedExportCorpus(store: TraceStore, o: ExportCorpusOptions): Promise<ExportCorpus> {
  const rnd = seededRandom(o.seed ?? 14);
  const developers = o.developers ?? 40;
  const tasks = o.tasks ?? 200;
  const [minE, maxE] = [o.minEvents ?? 3, o.maxEvents ?? 12];
  const byId: ExportCorpus["byId"] = new Map();
  const traceIds: string[] = [];
  let total = 0;
  for (let i = 0; i < o.traces; i++) {
    const developer = `dev-${Math.floor(rnd() * developers)}`;
    const task = Math.floor(rnd() * tasks);
    const id = randomUUID();
    await store.createTrace({
      id,
      developer: { $typeName: "devtrace.v1.Developer", id: developer, name: "", email: "", experienceLevel: "" },
      task: {
        $typeName: "devtrace.v1.Task",
        description: `bulk discount applied one item too early (#${task})`,
        repoUrl: `https://example.invalid/org-${task % 7}/shop-${task % 7}.git`,
        baseCommit: (task * 2654435761).toString(16).padStart(12, "0").slice(0, 12),
        branch: "main",
        testImage: "devtrace/sample-python:1",
        testCommand: "python -m pytest -q",
        testPatch: "",
      },
      environment: { $typeName: "devtrace.v1.Environment", os: "linux", editor: "vim", editorVersion: "", shell: "bash", agentVersion: "0.1.0", plugins: [] },
      uploadTokenHash: "0".repeat(64),
      createdAt: new Date(t0 + i * 60_000),
    });
    const n = minE + Math.floor(rnd() * (maxE - minE + 1));
    const events: Event[] = [];
    for (let s = 1; s <= n; s++) events.push(corpusEvent(s, rnd, o.outputBytes ?? 200));
    for (let k = 0; k < events.length; k += 1000) await store.appendEvents(id, events.slice(k, k + 1000));
    await store.sealTrace(id, corpusCodeDiff + corpusTestDiff, new Date(t0 + i * 60_000 + 1));
    const verdict = verdicts[Math.floor(rnd() * verdicts.length)];
    const dims = Array.from({ length: 6 }, () => 1 + Math.floor(rnd() * 5));
    const judgeOverall = dims.reduce((a, b) => a + b, 0) / 6;
    const testScore = verdict === Verdict.RESOLVED ? 1 : verdict === Verdict.PARTIAL ? 0.5 : 0;
    const score = 0.6 * testScore + 0.4 * ((judgeOverall - 1) / 4);
    const dim = (k: number) => ({ rationale: `because ${k}`, score: dims[k] });
    await store.updateTraceStatus(id, {
      status: TraceStatus.DONE,
      now: new Date(t0 + i * 60_000 + 2),
      qa: create(QaResultSchema, {
        status: QaStatus.OK,
        overall: score,
        attempts: 1,
        tests: {
          image: "devtrace/sample-python:1",
          command: "python -m pytest -q",
          verdict,
          failToPass: verdict === Verdict.NOT_RESOLVED ? [] : ["tests/test_pricing.py::test_ten"],
          passToPass: ["tests/test_pricing.py::test_a", "tests/test_cart.py::test_total"],
          before: { reportFormat: "junit" },
          after: { reportFormat: "junit" },
        },
        judge: {
          model: "gpt-4o-mini",
          rubricVersion: "v1",
          overall: judgeOverall,
          problemUnderstanding: dim(0),
          investigationStrategy: dim(1),
          decisionRationale: dim(2),
          useOfEvidence: dim(3),
          reproducibility: dim(4),
          safetyPrivacyAwareness: dim(5),
        },
      }),
    });
    byId.set(id, { developer, task, events: n, verdict, score });
    traceIds.push(id);
    total += n;
  }
  return { traceIds, byId, events: total };
}
