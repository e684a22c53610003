import type { HandlerContext } from "@connectrpc/connect";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { FinalizeTraceRequest, FinalizeTraceResponseSchema } from "../../gen/devtrace/v1/trace_service_pb.js";
import { principalOf } from "../auth/principal.js";
import { validateFinalizeTraceRequest } from "../validate/finalize-trace-request.js";
import { loadWritableTrace } from "./load-trace.js";
import { summaryOrUndefined } from "../redact/redaction-summary.js";
import type { RpcDeps } from "./rpc-deps.js";
import { traceFor } from "./trace-view.js";

/**
 * Seals the trace (status QUEUED, one QA job enqueued by the store atomically).
 * Idempotent: a second call changes nothing and returns the trace as it is now.
 * An empty final_patch is kept empty: QA derives the patch from the file events.
 */
export function finalizeTrace(deps: RpcDeps) {
  return async (req: FinalizeTraceRequest, ctx: HandlerContext): Promise<MessageInitShape<typeof FinalizeTraceResponseSchema>> => {
    const p = principalOf(ctx);
    validateFinalizeTraceRequest(req);
    await loadWritableTrace(deps, p, req.traceId, req.uploadToken, "FinalizeTrace");
    const { value: patch, counts } = await deps.redaction.finalPatch(req.finalPatch);
    const { trace, changed } = await deps.store.sealTrace(req.traceId, patch, deps.now(), summaryOrUndefined(counts));
    if (changed) {
      deps.changes.notify(trace.id);
      deps.onSealed(trace.id);
      deps.logger.info({ component: "rpc", traceId: trace.id, ackedSeq: String(trace.ackedSeq) }, "trace sealed; QA queued");
    }
    return { trace: traceFor(p, trace) };
  };
}
