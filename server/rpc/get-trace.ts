import type { HandlerContext } from "@connectrpc/connect";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { GetTraceRequest, GetTraceResponseSchema } from "../../gen/devtrace/v1/trace_service_pb.js";
import { requireReadAccess } from "../auth/access.js";
import { principalOf } from "../auth/principal.js";
import { validateTraceIdRequest } from "../validate/trace-id-request.js";
import { loadTrace } from "./load-trace.js";
import type { RpcDeps } from "./rpc-deps.js";
import { traceFor } from "./trace-view.js";

/**
 * Most events in one GetTrace response (events_limit 0 or larger asks for this). The byte
 * bound below is what usually cuts a page; this one only keeps a page of tiny events from
 * costing more than a few milliseconds to encode. Each page is one store query, and on a
 * MongoDB stand-in without range pushdown (FerretDB) a query scans the trace, so pages must
 * not be needlessly small.
 */
export const eventPageMaxEvents = 20_000;
/** Encoded event bytes in one response, under the 4 MiB receive limit of common gRPC clients. */
export const eventPageMaxBytes = 3 * 1024 * 1024;

/**
 * One trace and, when asked, one page of its events in seq order: those after
 * events_after_seq, at most events_limit (at most 20 000) and about 3 MiB;
 * next_events_after_seq says where the next page starts (0 at the end). A huge trace is
 * read page by page, so no call holds it in memory or keeps the server busy for long.
 * Read role, or the trace's own ingest token.
 */
export function getTrace(deps: RpcDeps) {
  return async (req: GetTraceRequest, ctx: HandlerContext): Promise<MessageInitShape<typeof GetTraceResponseSchema>> => {
    const p = principalOf(ctx);
    validateTraceIdRequest(req);
    const { trace } = await loadTrace(deps, req.traceId);
    requireReadAccess(p, trace, "GetTrace");
    if (!req.includeEvents) return { trace: traceFor(p, trace), events: [] };
    const maxEvents = req.eventsLimit === 0 || req.eventsLimit > eventPageMaxEvents ? eventPageMaxEvents : req.eventsLimit;
    const page = await deps.store.readEventPage(trace.id, { afterSeq: req.eventsAfterSeq, maxEvents, maxBytes: eventPageMaxBytes });
    return { trace: traceFor(p, trace), events: page.events, nextEventsAfterSeq: page.nextAfterSeq };
  };
}
