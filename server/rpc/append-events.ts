import type { HandlerContext } from "@connectrpc/connect";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { AppendEventsRequest, AppendEventsResponseSchema } from "../../gen/devtrace/v1/trace_service_pb.js";
import { principalOf } from "../auth/principal.js";
import { validateAppendEventsRequest } from "../validate/append-events-request.js";
import { appendBatch } from "./append-batch.js";
import { loadWritableTrace } from "./load-trace.js";
import type { RpcDeps } from "./rpc-deps.js";

/** One batch, one ack: StreamEvents for clients that cannot hold a stream, same rules. */
export function appendEvents(deps: RpcDeps) {
  return async (req: AppendEventsRequest, ctx: HandlerContext): Promise<MessageInitShape<typeof AppendEventsResponseSchema>> => {
    const p = principalOf(ctx);
    validateAppendEventsRequest(req);
    await loadWritableTrace(deps, p, req.traceId, req.uploadToken, "AppendEvents");
    return appendBatch(deps, req.traceId, req.events);
  };
}
