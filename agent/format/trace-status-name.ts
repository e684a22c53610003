import { TraceStatus } from "../../gen/devtrace/v1/trace_pb.js";

/** "open", "queued", "running_tests"… for a TraceStatus. */
export function traceStatusName(status: TraceStatus): string {
  return (TraceStatus[status] ?? String(status)).replace(/^TRACE_STATUS_/, "").toLowerCase();
}

/** The TraceStatus for a name as a user types it ("done", "DONE", "running-tests"). */
export function parseTraceStatus(name: string): TraceStatus | undefined {
  // protobuf-es names enum members without the TRACE_STATUS_ prefix (DONE, RUNNING_TESTS…).
  const key = name.trim().toUpperCase().replace(/-/g, "_").replace(/^TRACE_STATUS_/, "");
  const value = (TraceStatus as unknown as Record<string, number>)[key];
  return value === undefined || value === TraceStatus.UNSPECIFIED ? undefined : (value as TraceStatus);
}
