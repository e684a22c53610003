import { create } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { TraceStatus, type Trace } from "../../gen/devtrace/v1/trace_pb.js";
import { TraceService, WatchTraceRequestSchema } from "../../gen/devtrace/v1/trace_service_pb.js";
import { terminalText } from "../format/terminal-text.js";
import { traceStatusName } from "../format/trace-status-name.js";
import { createServerTransport, type ServerTransportOptions } from "../uplink/server-transport.js";

/** The limit of a QA stage in seconds, when the server said it. */
export function stageLimitSec(trace: Trace | undefined, status: TraceStatus): number | undefined {
  const qa = trace?.qa;
  if (!qa) return undefined;
  const ms = status === TraceStatus.RUNNING_TESTS ? qa.testTimeoutMs : status === TraceStatus.JUDGING ? qa.judgeDeadlineMs : 0n;
  return ms > 0n ? Number(ms) / 1000 : undefined;
}

/** "running tests, 42 s (limit 600 s each run)" — the stage, how long it has run and its limit. */
export function stageLine(trace: Trace | undefined, status: TraceStatus, elapsedSec: number): string {
  const limit = stageLimitSec(trace, status);
  const of = limit === undefined ? "" : status === TraceStatus.RUNNING_TESTS ? ` (limit ${limit} s per run)` : ` (limit ${limit} s)`;
  return `${traceStatusName(status).replaceAll("_", " ")}: ${Math.floor(elapsedSec)} s${of}`;
}

/**
 * Follows WatchTrace until DONE or FAILED. On a terminal one line is rewritten in place
 * every second: the stage, its elapsed time and its limit; when piped, one plain line per
 * change. Returns the trace as it ended.
 */
export async function watchTrace(server: ServerTransportOptions, traceId: string, out: NodeJS.WriteStream = process.stderr): Promise<Trace> {
  const transport = createServerTransport(server);
  const tty = out.isTTY === true;
  let stageStart = Date.now();
  let status = TraceStatus.QUEUED;
  let last: Trace | undefined;
  const frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
  let frame = 0;
  const redraw = () => out.write(`\r\x1b[2K${frames[frame++ % frames.length]} ${stageLine(last, status, (Date.now() - stageStart) / 1000)}`);
  const ticker = tty ? setInterval(redraw, 1000) : undefined;
  try {
    const client = createClient(TraceService, transport.transport);
    for await (const change of client.watchTrace(create(WatchTraceRequestSchema, { traceId }))) {
      last = change.trace ?? last;
      if (change.status !== status) {
        const now = Date.now();
        if (!tty && status !== TraceStatus.QUEUED) out.write(`${new Date(now).toISOString()}  ${stageLine(last, status, (now - stageStart) / 1000)} — done\n`);
        status = change.status;
        stageStart = now;
      }
      const at = change.time ? timestampDate(change.time).toISOString() : new Date().toISOString();
      const detail = change.statusDetail ? `: ${terminalText(change.statusDetail)}` : "";
      out.write(`${tty ? "\r\x1b[2K" : ""}${at}  ${traceStatusName(change.status)}${detail}\n`);
      if (tty) redraw();
      if (change.status === TraceStatus.DONE || change.status === TraceStatus.FAILED) break;
    }
    if (!last) throw new Error(`WatchTrace ended without reporting trace ${traceId}`);
    return last;
  } finally {
    if (ticker) clearInterval(ticker);
    if (tty) out.write("\r\x1b[2K");
    transport.close();
  }
}
