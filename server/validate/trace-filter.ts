import { TraceStatus } from "../../gen/devtrace/v1/trace_pb.js";
import type { TraceFilter } from "../../gen/devtrace/v1/trace_service_pb.js";
import { KiB, checkText, checkTimestamp, invalid } from "./rules.js";
import { checkWellFormed } from "./well-formed.js";

/** TraceFilter's rules: known statuses, scores in [0, 1], ranges that are not upside down. */
export function validateTraceFilter(field: string, f: TraceFilter | undefined): void {
  if (f === undefined) return;
  checkWellFormed(field, f);
  checkText(`${field}.developer_id`, f.developerId, { maxBytes: 128 });
  checkText(`${field}.repo_url`, f.repoUrl, { maxBytes: 2 * KiB });
  f.statuses.forEach((s, i) => {
    // Open enums deliver unknown numbers as-is; refuse them instead of matching nothing.
    if (TraceStatus[s] === undefined || s === TraceStatus.UNSPECIFIED) {
      throw invalid(`${field}.statuses[${i}]`, `${s} is not a TraceStatus`);
    }
  });
  checkTimestamp(`${field}.created_after`, f.createdAfter, false);
  checkTimestamp(`${field}.created_before`, f.createdBefore, false);
  checkScore(`${field}.min_score`, f.minScore);
  checkScore(`${field}.max_score`, f.maxScore);
  if (f.minScore !== undefined && f.maxScore !== undefined && f.minScore > f.maxScore) {
    throw invalid(`${field}.min_score`, "must not exceed max_score");
  }
  if (f.createdAfter && f.createdBefore && tsValue(f.createdAfter) > tsValue(f.createdBefore)) {
    throw invalid(`${field}.created_after`, "must not be later than created_before");
  }
}

function checkScore(field: string, v: number | undefined): void {
  if (v !== undefined && !(v >= 0 && v <= 1)) throw invalid(field, "must be in [0, 1]");
}

function tsValue(t: { seconds: bigint; nanos: number }): bigint {
  return t.seconds * 1_000_000_000n + BigInt(t.nanos);
}
