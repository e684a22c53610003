import type { QaResult } from "../../gen/devtrace/v1/qa_pb.js";
import { TraceStatus } from "../../gen/devtrace/v1/trace_pb.js";

/**
 * The score ListTraces' min/max filters compare: qa.overall of a trace whose QA finished
 * (DONE). Open, queued, running and FAILED traces have none, so score bounds never match
 * them — a FAILED trace's overall of 0 means "no verdict", not "scored zero".
 */
export function traceScore(status: TraceStatus, qa: QaResult | undefined): number | undefined {
  return status === TraceStatus.DONE && qa !== undefined ? qa.overall : undefined;
}
