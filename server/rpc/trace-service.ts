import type { ConnectRouter } from "@connectrpc/connect";
import { TraceService } from "../../gen/devtrace/v1/trace_service_pb.js";
import { maxFinalPatchBytes } from "../validate/finalize-trace-request.js";
import { appendEvents } from "./append-events.js";
import { createTrace } from "./create-trace.js";
import { deleteTrace } from "./delete-trace.js";
import { exportTraces } from "./export-traces.js";
import { finalizeTrace } from "./finalize-trace.js";
import { getTrace } from "./get-trace.js";
import { listTraces } from "./list-traces.js";
import type { RpcDeps } from "./rpc-deps.js";
import { streamEvents } from "./stream-events.js";
import { watchTrace } from "./watch-trace.js";

/** Largest request message of every method but FinalizeTrace (EventBatch: 4 MiB). */
export const maxMessageBytes = 4 * 1024 * 1024;

/** Registers devtrace.v1.TraceService. FinalizeTrace alone takes up to an 8 MiB final patch. */
export function registerTraceService(router: ConnectRouter, deps: RpcDeps): void {
  const m = TraceService.method;
  const limit = { readMaxBytes: maxMessageBytes };
  router
    .rpc(m.createTrace, createTrace(deps), limit)
    .rpc(m.streamEvents, streamEvents(deps), limit)
    .rpc(m.appendEvents, appendEvents(deps), limit)
    .rpc(m.finalizeTrace, finalizeTrace(deps), { readMaxBytes: maxFinalPatchBytes + 64 * 1024 })
    .rpc(m.getTrace, getTrace(deps), limit)
    .rpc(m.listTraces, listTraces(deps), limit)
    .rpc(m.exportTraces, exportTraces(deps), limit)
    .rpc(m.watchTrace, watchTrace(deps), limit)
    .rpc(m.deleteTrace, deleteTrace(deps), limit);
}
