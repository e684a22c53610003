import type { HandlerContext } from "@connectrpc/connect";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { GetTraceRequest, GetTraceResponseSchema } from "../../gen/devtrace/v1/trace_service_pb.js";
import { requireReadAccess } from "../auth/access.js";
import { principalOf } from "../auth/principal.js";
import { validateTraceIdRequest } from "../validate/trace-id-request.js";
import { loadTrace } from "./load-trace.js";
import type { RpcDeps } from "./rpc-deps.js";
import { traceFor } from "./trace-view.js";

/** One trace, with its events in seq order when asked. Read role, or the trace's own ingest token. */
export function getTrace(deps: RpcDeps) {
  return async (req: GetTraceRequest, ctx: HandlerContext): Promise<MessageInitShape<typeof GetTraceResponseSchema>> => {
    const p = principalOf(ctx);
    validateTraceIdRequest(req);
    const { trace } = await loadTrace(deps, req.traceId);
    requireReadAccess(p, trace, "GetTrace");
    const events = req.includeEvents ? await deps.store.readEvents(trace.id) : [];
    return { trace: traceFor(p, trace), events };
  };
}
