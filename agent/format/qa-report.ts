import { QaStatus, RunOutcome, Verdict, type DimensionScore, type QaResult, type TestRun } from "../../gen/devtrace/v1/qa_pb.js";
import type { Trace } from "../../gen/devtrace/v1/trace_pb.js";
import { renderTable } from "./table.js";
import { traceStatusName } from "./trace-status-name.js";

const dimensions = [
  ["problem_understanding", "problemUnderstanding"],
  ["investigation_strategy", "investigationStrategy"],
  ["decision_rationale", "decisionRationale"],
  ["use_of_evidence", "useOfEvidence"],
  ["reproducibility", "reproducibility"],
  ["safety_privacy_awareness", "safetyPrivacyAwareness"],
] as const;

const enumName = (e: Record<number, string>, v: number, prefix: string) => (e[v] ?? String(v)).replace(prefix, "").toLowerCase();

function runLine(label: string, run: TestRun | undefined): string {
  if (!run) return `${label}: not run`;
  const outcome = enumName(RunOutcome, run.outcome, "RUN_OUTCOME_");
  return `${label}: ${run.passed} passed, ${run.failed} failed, ${run.skipped} skipped, ${run.errors} errors (exit ${run.exitCode}, ${outcome})`;
}

/** The trace's QA outcome as readable text: status, test verdict, judge scores table, overall. */
export function renderQaReport(trace: Trace): string {
  const qa: QaResult | undefined = trace.qa;
  const lines = [`trace ${trace.id}: ${traceStatusName(trace.status)}${trace.statusDetail ? ` (${trace.statusDetail})` : ""}`];
  if (!qa) return [...lines, "no QA result yet"].join("\n");
  lines.push(`QA status: ${enumName(QaStatus, qa.status, "QA_STATUS_")}${qa.error ? ` (${qa.error})` : ""}`);
  const t = qa.tests;
  if (t) {
    lines.push(
      "",
      `tests: ${t.command || "-"} in ${t.image || "-"}; patch applied with ${t.patchMethod || "-"}`,
      `  ${runLine("before", t.before)}`,
      `  ${runLine("after ", t.after)}`,
      `  verdict: ${enumName(Verdict, t.verdict, "VERDICT_")}`,
      `  fail→pass: ${t.failToPass.join(", ") || "none"}`,
      `  regressions: ${t.regressions.join(", ") || "none"}`,
    );
  }
  const j = qa.judge;
  if (j) {
    lines.push("", `judge: ${j.heuristic ? "heuristic (no LLM configured)" : j.model}, rubric ${j.rubricVersion || "-"}`);
    const rows = dimensions.map(([name, key]) => ({ name, score: j[key] as DimensionScore | undefined }));
    lines.push(
      renderTable(rows, [
        { header: "dimension", cell: (r) => r.name },
        { header: "score", cell: (r) => (r.score ? `${r.score.score}/5` : ""), right: true },
        { header: "rationale", cell: (r) => r.score?.rationale ?? "", max: 90 },
      ]),
      `judge overall: ${j.overall.toFixed(2)}/5`,
    );
    if (j.summary) lines.push(`summary: ${j.summary}`);
  }
  lines.push("", `overall QA score: ${qa.overall.toFixed(3)} (0.6 × tests + 0.4 × judge, in [0, 1])`);
  return lines.join("\n");
}
