import type { EventBatch, StreamEventsRequest, StreamOpen } from "../../gen/devtrace/v1/trace_service_pb.js";
import { validateEventBatch } from "./event-batch.js";
import { checkText, checkTraceId, invalid } from "./rules.js";
import { checkWellFormed } from "./well-formed.js";

/** The first StreamEventsRequest: must be `open`, with a trace id and an upload token. */
export function validateStreamOpen(req: StreamEventsRequest | undefined): StreamOpen {
  if (req === undefined) throw invalid("open", "the stream ended before its first message");
  if (req.msg.case !== "open") throw invalid("open", "the first message of a stream must be open");
  const open = req.msg.value;
  checkWellFormed("open", open);
  checkTraceId("open.trace_id", open.traceId);
  checkText("open.upload_token", open.uploadToken, { required: true, maxBytes: 256 });
  return open;
}

/** Every later StreamEventsRequest: a valid `batch` (a second `open` is refused). */
export function validateStreamBatch(req: StreamEventsRequest): EventBatch {
  if (req.msg.case !== "batch") throw invalid("batch", "every message after open must be a batch");
  checkWellFormed("batch", req.msg.value);
  validateEventBatch(req.msg.value.events, "batch.events");
  return req.msg.value;
}
