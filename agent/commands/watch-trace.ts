import { create } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { TraceStatus, type Trace } from "../../gen/devtrace/v1/trace_pb.js";
import { TraceService, WatchTraceRequestSchema } from "../../gen/devtrace/v1/trace_service_pb.js";
import { traceStatusName } from "../format/trace-status-name.js";
import { createServerTransport, type ServerTransportOptions } from "../uplink/server-transport.js";

/**
 * Follows WatchTrace until DONE or FAILED, printing each status change with the time it
 * took (a spinner line on a terminal), and returns the trace as it ended.
 */
export async function watchTrace(server: ServerTransportOptions, traceId: string): Promise<Trace> {
  const transport = createServerTransport(server);
  const tty = process.stderr.isTTY === true;
  const started = Date.now();
  const frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
  let frame = 0;
  let current = "queued";
  const spinner = tty
    ? setInterval(() => process.stderr.write(`\r\x1b[2K${frames[frame++ % frames.length]} ${current} (${Math.round((Date.now() - started) / 1000)} s)`), 100)
    : undefined;
  try {
    const client = createClient(TraceService, transport.transport);
    let last: Trace | undefined;
    for await (const change of client.watchTrace(create(WatchTraceRequestSchema, { traceId }))) {
      last = change.trace ?? last;
      const at = change.time ? timestampDate(change.time).toISOString() : new Date().toISOString();
      current = `${traceStatusName(change.status)}${change.statusDetail ? `: ${change.statusDetail}` : ""}`;
      process.stderr.write(`${tty ? "\r\x1b[2K" : ""}${at}  ${current}\n`);
      if (change.status === TraceStatus.DONE || change.status === TraceStatus.FAILED) break;
    }
    if (!last) throw new Error(`WatchTrace ended without reporting trace ${traceId}`);
    return last;
  } finally {
    if (spinner) {
      clearInterval(spinner);
      process.stderr.write("\r\x1b[2K");
    }
    transport.close();
  }
}
