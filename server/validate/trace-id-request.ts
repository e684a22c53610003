import { checkTraceId } from "./rules.js";

/** GetTrace, WatchTrace and DeleteTrace carry only a trace id; it is required. */
export function validateTraceIdRequest(req: { traceId: string }): void {
  checkTraceId("trace_id", req.traceId);
}
