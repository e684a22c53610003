import type { FinalizeTraceRequest } from "../../gen/devtrace/v1/trace_service_pb.js";
import { MiB, checkText, checkTraceId } from "./rules.js";
import { checkWellFormed } from "./well-formed.js";

/** Largest final patch (trace_service.proto, FinalizeTraceRequest). */
export const maxFinalPatchBytes = 8 * MiB;

/** Trace id and upload token required; final_patch optional, ≤ 8 MiB. */
export function validateFinalizeTraceRequest(req: FinalizeTraceRequest): void {
  checkWellFormed("", req);
  checkTraceId("trace_id", req.traceId);
  checkText("upload_token", req.uploadToken, { required: true, maxBytes: 256 });
  checkText("final_patch", req.finalPatch, { maxBytes: maxFinalPatchBytes });
}
