import type { AppendEventsRequest } from "../../gen/devtrace/v1/trace_service_pb.js";
import { validateEventBatch } from "./event-batch.js";
import { checkText, checkTraceId } from "./rules.js";
import { checkWellFormed } from "./well-formed.js";

/** AppendEvents carries the same batch rules as StreamEvents, plus the trace and its token. */
export function validateAppendEventsRequest(req: AppendEventsRequest): void {
  checkWellFormed("", req);
  checkTraceId("trace_id", req.traceId);
  checkText("upload_token", req.uploadToken, { required: true, maxBytes: 256 });
  validateEventBatch(req.events, "events");
}
