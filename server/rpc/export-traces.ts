import type { HandlerContext } from "@connectrpc/connect";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { ExportTracesResponseSchema, type ExportTracesRequest } from "../../gen/devtrace/v1/trace_service_pb.js";
import { requireRole } from "../auth/access.js";
import { principalOf } from "../auth/principal.js";
import { validateTraceFilter } from "../validate/trace-filter.js";
import { rawRepeatedField } from "./raw-message-field.js";
import type { RpcDeps } from "./rpc-deps.js";
import { traceFor } from "./trace-view.js";

/** Traces fetched per store page; only one page and one trace's events are held at a time. */
const pageSize = 50;

/** ExportTracesResponse.events' field number. */
const eventsField = ExportTracesResponseSchema.fields.find((f) => f.localName === "events")!.number;

/**
 * Every matching trace with its events, one per message, newest first. Read role.
 * To binary clients (gRPC, gRPC-Web, Connect with protobuf) the events go out as the store holds
 * their encoding, never decoded and encoded again; Connect JSON clients get them decoded.
 */
export function exportTraces(deps: RpcDeps) {
  return async function* (
    req: ExportTracesRequest,
    ctx: HandlerContext,
  ): AsyncGenerator<MessageInitShape<typeof ExportTracesResponseSchema>> {
    const p = principalOf(ctx);
    requireRole(p, ["read", "admin"], "ExportTraces");
    validateTraceFilter("filter", req.filter);
    const json = /json/i.test(ctx.requestHeader.get("content-type") ?? "");
    let cursor: string | undefined;
    do {
      if (deps.drain.draining) throw deps.drain.shuttingDown();
      const page = await deps.store.listTraces(req.filter, pageSize, cursor);
      for (const trace of page.traces) {
        ctx.signal.throwIfAborted();
        if (json) {
          yield { trace: traceFor(p, trace), events: await deps.store.readEvents(trace.id) };
          continue;
        }
        const res = create(ExportTracesResponseSchema, { trace: traceFor(p, trace) });
        res.$unknown = rawRepeatedField(eventsField, await deps.store.readEventBytes(trace.id));
        yield res;
      }
      cursor = page.nextCursor;
    } while (cursor !== undefined);
  };
}
