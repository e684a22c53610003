import { timestampDate } from "@bufbuild/protobuf/wkt";
import { Verdict, type DimensionScore, type JudgeResult } from "../../gen/devtrace/v1/qa_pb.js";
import { TraceStatus, type Trace } from "../../gen/devtrace/v1/trace_pb.js";
import { dimensionKeys } from "../../server/qa/rubric/rubric.js";
import { traceStatusName } from "../format/trace-status-name.js";

/** The judge's six dimensions, as column suffixes, in SPEC order (the rubric's own list). */
export const judgeDimensions = dimensionKeys;

/** devtrace's own columns, beside every format's own: who, how it was scored, how long it is. */
export interface TraceColumns {
  trace_id: string;
  developer_id: string;
  status: string;
  /** "RESOLVED", "PARTIAL", "NOT_RESOLVED", "INVALID", or null when QA produced no tests. */
  verdict: string | null;
  /** qa.overall in [0, 1]; null when QA did not finish. */
  score: number | null;
  judge_model: string | null;
  judge_heuristic: boolean | null;
  rubric_version: string | null;
  /** judge.overall, 1..5. */
  judge_overall: number | null;
  judge_problem_understanding: number | null;
  judge_investigation_strategy: number | null;
  judge_decision_rationale: number | null;
  judge_use_of_evidence: number | null;
  judge_reproducibility: number | null;
  judge_safety_privacy_awareness: number | null;
  event_count: number;
  /** trace_id of the kept trace of the same task by the same developer, when this one repeats it. */
  duplicate_of: string | null;
}

/** "RESOLVED", "NOT_RESOLVED"… for a verdict; null for none. */
export function verdictName(v: Verdict | undefined): string | null {
  return v === undefined || v === Verdict.UNSPECIFIED ? null : (Verdict[v] ?? String(v));
}

/** The Verdict for a name as a user types it ("resolved", "NOT_RESOLVED", "not-resolved"). */
export function parseVerdict(name: string): Verdict | undefined {
  const key = name.trim().toUpperCase().replace(/-/g, "_").replace(/^VERDICT_/, "");
  const value = (Verdict as unknown as Record<string, number>)[key];
  return value === undefined || value === Verdict.UNSPECIFIED ? undefined : (value as Verdict);
}

/** ISO 8601 of a trace's creation time ("" when unset). */
export function createdAtIso(trace: Trace): string {
  return trace.createdAt ? timestampDate(trace.createdAt).toISOString() : "";
}

/** devtrace's columns for a trace. */
export function traceColumns(trace: Trace, duplicateOf: string | null = null): TraceColumns {
  const qa = trace.qa;
  const judge: JudgeResult | undefined = qa?.judge;
  const dim = (d: DimensionScore | undefined) => (judge && d ? d.score : null);
  // A FAILED trace's overall of 0 means "no verdict", not "scored zero" (server/store/trace-score.ts).
  const done = qa !== undefined && trace.status === TraceStatus.DONE;
  return {
    trace_id: trace.id,
    developer_id: trace.developer?.id ?? "",
    status: traceStatusName(trace.status),
    verdict: verdictName(qa?.tests?.verdict),
    score: done ? qa.overall : null,
    judge_model: judge ? judge.model : null,
    judge_heuristic: judge ? judge.heuristic : null,
    rubric_version: judge ? judge.rubricVersion : null,
    judge_overall: judge ? judge.overall : null,
    judge_problem_understanding: dim(judge?.problemUnderstanding),
    judge_investigation_strategy: dim(judge?.investigationStrategy),
    judge_decision_rationale: dim(judge?.decisionRationale),
    judge_use_of_evidence: dim(judge?.useOfEvidence),
    judge_reproducibility: dim(judge?.reproducibility),
    judge_safety_privacy_awareness: dim(judge?.safetyPrivacyAwareness),
    event_count: Number(trace.eventCount),
    duplicate_of: duplicateOf,
  };
}
