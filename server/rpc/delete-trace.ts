import { Code, ConnectError, type HandlerContext } from "@connectrpc/connect";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { DeleteTraceRequest, DeleteTraceResponseSchema } from "../../gen/devtrace/v1/trace_service_pb.js";
import { requireDeleteAccess } from "../auth/access.js";
import { principalOf } from "../auth/principal.js";
import { validateTraceIdRequest } from "../validate/trace-id-request.js";
import { loadTrace } from "./load-trace.js";
import type { RpcDeps } from "./rpc-deps.js";

/** Removes a trace with its events, QA result and jobs. Admin, or the trace's own developer. */
export function deleteTrace(deps: RpcDeps) {
  return async (req: DeleteTraceRequest, ctx: HandlerContext): Promise<MessageInitShape<typeof DeleteTraceResponseSchema>> => {
    const p = principalOf(ctx);
    validateTraceIdRequest(req);
    const { trace } = await loadTrace(deps, req.traceId);
    requireDeleteAccess(p, trace);
    if (!(await deps.store.deleteTrace(trace.id))) {
      throw new ConnectError(`trace ${trace.id} not found`, Code.NotFound);
    }
    deps.changes.notify(trace.id);
    deps.logger.info({ component: "rpc", traceId: trace.id, by: p.name, role: p.role }, "trace deleted");
    return {};
  };
}
