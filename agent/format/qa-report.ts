import { JudgeStatus, QaStatus, RunOutcome, Verdict, type DimensionScore, type QaResult, type TestResults, type TestRun } from "../../gen/devtrace/v1/qa_pb.js";
import type { Trace } from "../../gen/devtrace/v1/trace_pb.js";
import { terminalText, wrapText } from "./terminal-text.js";
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

/** Test names come from the developer's code: shown escaped, the list cut at `max` names. */
function names(xs: readonly string[], max = 20): string {
  if (xs.length === 0) return "none";
  const shown = xs.slice(0, max).map((x) => terminalText(x)).join(", ");
  return xs.length > max ? `${shown}, … ${xs.length - max} more` : shown;
}

function testLines(t: TestResults): string[] {
  if (t.verdict === Verdict.NOT_RUN) return ["", `tests: not run — ${terminalText(t.notRunReason)}`];
  const lines = [
    "",
    `tests: ${terminalText(t.command) || "-"} in ${terminalText(t.image) || "-"}; patch applied with ${t.patchMethod || "-"}${t.referenceTestsApplied ? "; reference tests applied on both trees" : ""}`,
    `  ${runLine("before", t.before)}`,
    `  ${runLine("after ", t.after)}`,
    `  verdict: ${enumName(Verdict, t.verdict, "VERDICT_")}`,
    `  fail→pass: ${names(t.failToPass)}`,
    `  regressions (pass→fail): ${names(t.regressions)}`,
  ];
  if (t.failToFail.length) lines.push(`  still failing (fail→fail): ${names(t.failToFail)}`);
  if (t.added.length) lines.push(`  only after the patch (not evidence): ${names(t.added)}`);
  lines.push(`  pass→pass: ${t.passToPass.length}${t.skipped.length ? `, skipped: ${t.skipped.length}` : ""}${t.removed.length ? `, removed: ${t.removed.length}` : ""}`);
  return lines;
}

function judgeLines(qa: QaResult, width: number): string[] {
  const j = qa.judge;
  if (!j) {
    if (qa.judgeStatus === JudgeStatus.TIMED_OUT) return ["", `judge: timed out after the ${Number(qa.judgeDeadlineMs) / 1000} s judging deadline — no judge score`];
    if (qa.judgeStatus === JudgeStatus.FAILED) return ["", "judge: failed — no judge score (see QA status)"];
    return [];
  }
  const lines = ["", `judge: ${j.heuristic ? "heuristic (no LLM configured)" : terminalText(j.model)}, rubric ${terminalText(j.rubricVersion) || "-"}`];
  for (const [name, key] of dimensions) {
    const d = j[key] as DimensionScore | undefined;
    lines.push(`  ${name.padEnd(26)} ${d ? `${d.score}/5` : "-"}`);
    // Rationales are wrapped to the terminal, never cut.
    if (d?.rationale) lines.push(...wrapText(d.rationale, width, "      "));
  }
  lines.push(`  judge overall: ${j.overall.toFixed(2)}/5`);
  if (j.summary) lines.push(...wrapText(`summary: ${j.summary}`, width, "  "));
  return lines;
}

/**
 * The trace's QA outcome as readable text: status, test verdict and classes, each judge
 * score with its rationale wrapped to `width`, and the overall score — only when there is
 * one: a failed QA shows why, never a 0 that would read as a real score.
 */
export function renderQaReport(trace: Trace, width = 80): string {
  const qa: QaResult | undefined = trace.qa;
  const lines = [`trace ${trace.id}: ${traceStatusName(trace.status)}${trace.statusDetail ? ` (${terminalText(trace.statusDetail)})` : ""}`];
  if (!qa) return [...lines, "no QA result yet"].join("\n");
  lines.push(`QA status: ${enumName(QaStatus, qa.status, "QA_STATUS_")}${qa.error ? ` (${terminalText(qa.error)})` : ""}`);
  for (const e of qa.attemptErrors) lines.push(`  earlier: ${terminalText(e)}`);
  if (qa.tests) lines.push(...testLines(qa.tests));
  lines.push(...judgeLines(qa, width));
  const overall =
    qa.status === QaStatus.OK
      ? `${qa.overall.toFixed(3)} (0.6 × tests + 0.4 × judge, in [0, 1])`
      : qa.status === QaStatus.UNSPECIFIED
        ? "not yet (QA still running)"
        : `none (QA ${enumName(QaStatus, qa.status, "QA_STATUS_")})`;
  lines.push("", `overall QA score: ${overall}`);
  return lines.join("\n");
}
