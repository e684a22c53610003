import { Code, ConnectError, type HandlerContext } from "@connectrpc/connect";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { TraceStatus } from "../../gen/devtrace/v1/trace_pb.js";
import type { Trace } from "../../gen/devtrace/v1/trace_pb.js";
import type { WatchTraceRequest, WatchTraceResponseSchema } from "../../gen/devtrace/v1/trace_service_pb.js";
import { requireReadAccess } from "../auth/access.js";
import { principalOf } from "../auth/principal.js";
import { validateTraceIdRequest } from "../validate/trace-id-request.js";
import { loadTrace } from "./load-trace.js";
import type { RpcDeps } from "./rpc-deps.js";
import { traceFor } from "./trace-view.js";

type Response = MessageInitShape<typeof WatchTraceResponseSchema>;

/** True for the statuses after which nothing changes any more. */
export function isFinalStatus(s: TraceStatus): boolean {
  return s === TraceStatus.DONE || s === TraceStatus.FAILED;
}

/**
 * The trace's status now, then each change until DONE or FAILED. Polls the store, so it
 * also sees QA running in worker processes; in-process changes wake it at once.
 * Ends with the client's cancel, with NOT_FOUND if the trace is deleted meanwhile, and
 * with UNAVAILABLE at shutdown.
 */
export function watchTrace(deps: RpcDeps) {
  return async function* (req: WatchTraceRequest, ctx: HandlerContext): AsyncGenerator<Response> {
    const p = principalOf(ctx);
    validateTraceIdRequest(req);
    let { trace } = await loadTrace(deps, req.traceId);
    requireReadAccess(p, trace, "WatchTrace");
    yield toResponse(traceFor(p, trace));
    const stop = AbortSignal.any([ctx.signal, deps.drain.signal]);
    while (!isFinalStatus(trace.status)) {
      await deps.changes.wait(trace.id, deps.watchPollMs, stop);
      if (ctx.signal.aborted) return;
      if (deps.drain.draining) throw deps.drain.shuttingDown();
      const now = await deps.store.getTrace(trace.id);
      if (!now) throw new ConnectError(`trace ${trace.id} was deleted`, Code.NotFound);
      if (changed(trace, now.trace)) yield toResponse(traceFor(p, now.trace));
      trace = now.trace;
    }
  };
}

function changed(a: Trace, b: Trace): boolean {
  return a.status !== b.status || a.statusDetail !== b.statusDetail;
}

function toResponse(trace: Trace): Response {
  return {
    status: trace.status,
    statusDetail: trace.statusDetail,
    time: trace.updatedAt ?? timestampFromDate(new Date()),
    trace,
  };
}
