import type { HandlerContext } from "@connectrpc/connect";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { ExportTracesRequest, ExportTracesResponseSchema } from "../../gen/devtrace/v1/trace_service_pb.js";
import { requireRole } from "../auth/access.js";
import { principalOf } from "../auth/principal.js";
import { validateTraceFilter } from "../validate/trace-filter.js";
import type { RpcDeps } from "./rpc-deps.js";
import { traceFor } from "./trace-view.js";

/** Traces fetched per store page; only one page and one trace's events are held at a time. */
const pageSize = 50;

/** Every matching trace with its events, one per message, newest first. Read role. */
export function exportTraces(deps: RpcDeps) {
  return async function* (
    req: ExportTracesRequest,
    ctx: HandlerContext,
  ): AsyncGenerator<MessageInitShape<typeof ExportTracesResponseSchema>> {
    const p = principalOf(ctx);
    requireRole(p, ["read", "admin"], "ExportTraces");
    validateTraceFilter("filter", req.filter);
    let cursor: string | undefined;
    do {
      if (deps.drain.draining) throw deps.drain.shuttingDown();
      const page = await deps.store.listTraces(req.filter, pageSize, cursor);
      for (const trace of page.traces) {
        ctx.signal.throwIfAborted();
        yield { trace: traceFor(p, trace), events: await deps.store.readEvents(trace.id) };
      }
      cursor = page.nextCursor;
    } while (cursor !== undefined);
  };
}
