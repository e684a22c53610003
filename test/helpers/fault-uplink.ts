import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import type { Client } from "@connectrpc/connect";
import type { Event } from "../../gen/devtrace/v1/event_pb.js";
import { StreamEventsRequestSchema, TraceService } from "../../gen/devtrace/v1/trace_service_pb.js";
import type { StreamEventsRequest } from "../../gen/devtrace/v1/trace_service_pb.js";

type Svc = Client<typeof TraceService>;

/** How a faultUplink streams. */
export interface FaultUplinkOptions {
  /** A client for the server as it is now (its port changes when it is restarted). */
  client: () => Svc;
  target: { traceId: string; uploadToken: string };
  /** Events 1..total; event(seq) must return the same event for the same seq. */
  total: number;
  event: (seq: bigint) => Event;
  /** Events per batch (default 500) and batches unacked at most (default 4). */
  batch?: number;
  window?: number;
  /** Called with every ack; a fault injector starts its fault here. */
  onAck?: (acked: bigint) => void;
  /** Awaited before every reconnect: a fault injector restarts what it broke and audits. */
  beforeReconnect?: () => Promise<void>;
  /** A session that sees no ack for this long is abandoned and counted as stalled. Default 60 s. */
  stallMs?: number;
  /** Gives up after this many failed sessions in a row. Default 600 (~1 min of refusals). */
  maxFailures?: number;
}

/** What the client saw. */
export interface FaultUplinkReport {
  /** The highest seq the server ever acked: all of 1..maxAck must be stored. */
  maxAck: bigint;
  /** Acks (first ack of a reconnect included) lower than one seen before: acked-then-lost seen live. */
  ackRegressions: number;
  sessions: number;
  /** How each failed session ended, e.g. "Unavailable: MongoDB unavailable during appendEvents". */
  failures: string[];
  /** Sessions abandoned because nothing answered for stallMs. */
  stalls: number;
}

/**
 * An agent's uplink reduced to what matters under faults: open, resume from the server's
 * acked seq, send with a bounded window, and on any failure reconnect (after
 * beforeReconnect) until every event is acked. Reports what a client could observe.
 */
export async function faultUplink(o: FaultUplinkOptions): Promise<FaultUplinkReport> {
  const report: FaultUplinkReport = { maxAck: 0n, ackRegressions: 0, sessions: 0, failures: [], stalls: 0 };
  let failuresInRow = 0;
  while (report.maxAck < BigInt(o.total)) {
    report.sessions++;
    const error = await session(o, report);
    if (error === undefined) {
      failuresInRow = 0;
      continue;
    }
    report.failures.push(`${Code[error.code]}: ${error.rawMessage}`);
    if (++failuresInRow > (o.maxFailures ?? 600)) {
      throw new Error(`gave up after ${failuresInRow} failed sessions; last: ${report.failures.slice(-3).join(" | ")}`);
    }
    await o.beforeReconnect?.();
    await new Promise((r) => setTimeout(r, 100));
  }
  return report;
}

async function session(o: FaultUplinkOptions, report: FaultUplinkReport): Promise<ConnectError | undefined> {
  const batch = BigInt(o.batch ?? 500);
  const window = BigInt(o.window ?? 4);
  const total = BigInt(o.total);
  const abort = new AbortController();
  let acked = -1n;
  let wake: (() => void) | undefined;
  const changed = () => new Promise<void>((r) => (wake = r));
  let stallTimer: NodeJS.Timeout | undefined;
  let stalled = false;
  const armStall = () => {
    clearTimeout(stallTimer);
    stallTimer = setTimeout(() => ((stalled = true), abort.abort()), o.stallMs ?? 60_000);
  };
  async function* requests(): AsyncGenerator<StreamEventsRequest> {
    yield create(StreamEventsRequestSchema, { msg: { case: "open", value: { ...o.target, resumeFromSeq: report.maxAck + 1n } } });
    while (acked < 0n) await changed();
    for (let next = acked + 1n; next <= total; next += batch) {
      while (next - 1n - acked >= batch * window) await changed();
      const events: Event[] = [];
      for (let s = next; s < next + batch && s <= total; s++) events.push(o.event(s));
      yield create(StreamEventsRequestSchema, { msg: { case: "batch", value: { events } } });
    }
    // Hold the stream open until the last ack arrives (or the session fails).
    while (acked < total) await changed();
  }
  armStall();
  try {
    for await (const ack of o.client().streamEvents(requests(), { signal: abort.signal })) {
      armStall();
      if (ack.gap !== undefined) throw new Error(`server reported a gap at ${ack.gap.expectedSeq} though the client sent none`);
      if (ack.ackedSeq < report.maxAck) report.ackRegressions++;
      acked = ack.ackedSeq;
      if (acked > report.maxAck) report.maxAck = acked;
      o.onAck?.(acked);
      wake?.();
      if (acked >= total) break;
    }
    return acked >= total ? undefined : new ConnectError("the server ended the stream before the last ack", Code.Unknown);
  } catch (e) {
    if (stalled) report.stalls++;
    return ConnectError.from(e);
  } finally {
    clearTimeout(stallTimer);
    wake?.();
  }
}
