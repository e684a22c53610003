import { clone } from "@bufbuild/protobuf";
import { TraceSchema, type Trace } from "../../gen/devtrace/v1/trace_pb.js";
import type { Principal } from "../auth/principal.js";

/**
 * The trace as `p` may see it. The task's reference test_patch is the researcher's: only
 * read and admin principals get it; a developer's ingest token (and so the agent) never does.
 */
export function traceFor(p: Principal, trace: Trace): Trace {
  if (p.role === "read" || p.role === "admin" || !trace.task || trace.task.testPatch === "") return trace;
  const shown = clone(TraceSchema, trace);
  shown.task!.testPatch = "";
  return shown;
}
