import type { HandlerContext } from "@connectrpc/connect";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { ListTracesRequest, ListTracesResponseSchema } from "../../gen/devtrace/v1/trace_service_pb.js";
import { requireRole } from "../auth/access.js";
import { principalOf } from "../auth/principal.js";
import { validateListTracesRequest } from "../validate/list-traces-request.js";
import type { RpcDeps } from "./rpc-deps.js";
import { traceFor } from "./trace-view.js";

/** Trace summaries, newest first; the page token is the store's opaque cursor. Read role. */
export function listTraces(deps: RpcDeps) {
  return async (req: ListTracesRequest, ctx: HandlerContext): Promise<MessageInitShape<typeof ListTracesResponseSchema>> => {
    const p = principalOf(ctx);
    requireRole(p, ["read", "admin"], "ListTraces");
    const pageSize = validateListTracesRequest(req);
    const page = await deps.store.listTraces(req.filter, pageSize, req.pageToken === "" ? undefined : req.pageToken);
    return { traces: page.traces.map((t) => traceFor(p, t)), nextPageToken: page.nextCursor ?? "" };
  };
}
