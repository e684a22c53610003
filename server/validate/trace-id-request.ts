import { checkTraceId } from "./rules.js";
import { checkWellFormed } from "./well-formed.js";

/** GetTrace, WatchTrace and DeleteTrace carry only a trace id; it is required. */
export function validateTraceIdRequest(req: { traceId: string }): void {
  checkWellFormed("trace_id", req.traceId);
  checkTraceId("trace_id", req.traceId);
}
