import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import type { Logger } from "pino";
import type { Event } from "../../gen/devtrace/v1/event_pb.js";
import { TraceService, type StreamEventsRequest, StreamEventsRequestSchema, type StreamEventsResponse } from "../../gen/devtrace/v1/trace_service_pb.js";
import { createBackoff, type Backoff } from "./backoff.js";
import type { ServerTransport } from "./server-transport.js";
import { BatchWindow } from "./batch-window.js";
import { Signal } from "./signal.js";

/** What the uplink needs from the durable journal. */
export interface UplinkSpool {
  /** Events with seq ≥ fromSeq in seq order, at most `maxEvents` and about `maxBytes` encoded. */
  readBatch(fromSeq: bigint, maxEvents: number, maxBytes: number): Promise<Event[]>;
  /** The server stored 1..seq: trim them. */
  ack(seq: bigint): Promise<void>;
  /** Highest seq appended so far (0n when none). */
  lastSeq(): bigint;
  /** Highest seq trimmed after an ack (0n when none). */
  ackedSeq(): bigint;
}

/** The trace the uplink streams into, created on the server on first need. */
export interface UplinkTrace {
  traceId: string;
  uploadToken: string;
}

/** Connection states shown by `devtrace status`. */
export type UplinkState = "connecting" | "connected" | "retrying" | "rejected" | "sealed" | "stopped";

/** Options of new Uplink(). */
export interface UplinkOptions {
  spool: UplinkSpool;
  /** Resolves the trace (creating it on the server when needed); may throw ConnectError. */
  ensureTrace: () => Promise<UplinkTrace>;
  /** A fresh transport per connection attempt. */
  connect: () => ServerTransport;
  logger: Logger;
  /** Unacknowledged batches in flight. Default 4. */
  window?: number;
  /** Events per batch. Default 1000 (the server's limit). */
  maxBatchEvents?: number;
  /** Encoded bytes per batch. Default 1 MiB. */
  maxBatchBytes?: number;
  /** Reconnect delays. Default: 250 ms doubling to 30 s, with jitter. */
  backoff?: Backoff;
}

/** A snapshot for status. */
export interface UplinkStatus {
  state: UplinkState;
  /** Highest seq the server acknowledged (0n before the first ack). */
  serverAckedSeq: bigint;
  lastError?: string;
  /** When the next reconnect attempt is due (epoch ms), while retrying. */
  retryAt?: number;
  reconnects: number;
}

/** Codes after which retrying the same call cannot succeed until a human acts. */
const permanent = new Set([Code.Unauthenticated, Code.PermissionDenied, Code.InvalidArgument, Code.NotFound, Code.DataLoss]);

/**
 * Sends the spool to the server over one StreamEvents call at a time: opens with the
 * first seq it still holds, learns the server's acked_seq, sends batches from there with a
 * bounded window in flight, trims the spool on every ack, resends from expected_seq on a
 * gap, and on any failure reconnects with back-off and resumes from the server's acked_seq.
 */
export class Uplink {
  private readonly wakeUp = new Signal();
  private readonly backoff: Backoff;
  private status: UplinkStatus = { state: "connecting", serverAckedSeq: 0n, reconnects: 0 };
  private closed = false;
  private current: { abort: AbortController; transport: ServerTransport } | undefined;
  private loop: Promise<void> | undefined;
  private readonly ackListeners = new Set<() => void>();

  constructor(private readonly options: UplinkOptions) {
    this.backoff = options.backoff ?? createBackoff();
  }

  /** Starts the connect / stream / reconnect loop. */
  start(): void {
    this.loop ??= this.run();
  }

  /** New events are in the spool. */
  wake(): void {
    this.wakeUp.notify();
  }

  /** The connection state, for status. */
  snapshot(): UplinkStatus {
    return { ...this.status };
  }

  /** Runs `fn` after every ack and state change until the returned function is called. */
  onProgress(fn: () => void): () => void {
    this.ackListeners.add(fn);
    return () => this.ackListeners.delete(fn);
  }

  /** Reconnects now instead of waiting out the back-off (used by finalize and stop). */
  retryNow(): void {
    this.backoff.reset();
    this.wakeUp.notify();
  }

  /** Ends the stream gracefully and stops reconnecting. Unacked events stay in the spool. */
  async close(): Promise<void> {
    this.closed = true;
    this.wakeUp.notify();
    this.current?.abort.abort();
    await this.loop;
    this.setState("stopped");
  }

  private setState(state: UplinkState, error?: unknown): void {
    this.status.state = state;
    if (error !== undefined) this.status.lastError = error instanceof Error ? error.message : String(error);
    if (state === "connected") this.status.lastError = undefined;
    for (const fn of this.ackListeners) fn();
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      try {
        const trace = await this.options.ensureTrace();
        await this.stream(trace);
        if (this.closed) return;
      } catch (err) {
        if (this.closed) return;
        const ce = ConnectError.from(err);
        if (ce.code === Code.FailedPrecondition) {
          this.options.logger.warn({ err: ce }, "the server refuses events: the trace is sealed");
          this.setState("sealed", ce);
          return;
        }
        this.setState(permanent.has(ce.code) ? "rejected" : "retrying", ce);
        this.options.logger.warn({ err: ce, code: Code[ce.code] }, "uplink failed; will reconnect");
      }
      const delay = this.status.state === "rejected" ? Math.max(this.backoff.next(), 5_000) : this.backoff.next();
      this.status.retryAt = Date.now() + delay;
      this.status.reconnects++;
      await this.wakeUp.wait(delay, () => this.closed || this.backoff.attempts === 0);
      this.status.retryAt = undefined;
      if (this.status.state !== "rejected") this.setState("connecting");
    }
  }

  private async stream(trace: UplinkTrace): Promise<void> {
    const transport = this.options.connect();
    const call: StreamCall = { trace, window: new BatchWindow(this.options.window ?? 4), opened: deferred<bigint>(), abort: new AbortController() };
    this.current = { abort: call.abort, transport };
    try {
      const client = createClient(TraceService, transport.transport);
      let first = true;
      for await (const res of client.streamEvents(this.requests(call), { signal: call.abort.signal })) {
        if (first) await this.opened(call, res.ackedSeq);
        else await this.answered(call, res);
        first = false;
      }
      if (!this.closed) throw new ConnectError("the server ended the event stream", Code.Unavailable);
    } finally {
      call.opened.reject(new Error("stream ended"));
      call.opened.promise.catch(() => {});
      call.abort.abort();
      this.wakeUp.notify();
      transport.close();
      this.current = undefined;
    }
  }

  /** The request stream. A real async generator: connect-es calls return() on it when the call ends. */
  private async *requests(call: StreamCall): AsyncGenerator<StreamEventsRequest> {
    const { spool } = this.options;
    const { trace, window, abort } = call;
    const maxEvents = this.options.maxBatchEvents ?? 1000;
    const maxBytes = this.options.maxBatchBytes ?? 1024 * 1024;
    const resumeFromSeq = spool.ackedSeq() + 1n;
    yield create(StreamEventsRequestSchema, { msg: { case: "open", value: { traceId: trace.traceId, uploadToken: trace.uploadToken, resumeFromSeq } } });
    await call.opened.promise;
    const over = () => abort.signal.aborted || this.closed;
    while (!over()) {
      if (window.full()) {
        await this.wakeUp.wait(60_000, () => over() || !window.full());
        continue;
      }
      const events = await spool.readBatch(window.nextSeq, maxEvents, maxBytes);
      if (events.length === 0) {
        await this.wakeUp.wait(60_000, () => over() || spool.lastSeq() >= window.nextSeq);
        continue;
      }
      window.sent(events[0].seq, events[events.length - 1].seq);
      yield create(StreamEventsRequestSchema, { msg: { case: "batch", value: { events } } });
    }
  }

  /** The answer to `open`: the server's acked_seq, where sending resumes. */
  private async opened(call: StreamCall, serverAcked: bigint): Promise<void> {
    await this.resumeAt(serverAcked, call.window);
    call.opened.resolve(serverAcked);
    this.backoff.reset();
    this.setState("connected");
    this.options.logger.info({ ackedSeq: String(serverAcked), lastSeq: String(this.options.spool.lastSeq()) }, "uplink connected");
  }

  /** The answer to a batch: an ack, possibly with a gap to resend from. */
  private async answered(call: StreamCall, res: StreamEventsResponse): Promise<void> {
    if (res.gap && call.window.gap(res.gap.expectedSeq, res.gap.receivedSeq))
      this.options.logger.warn({ expected: String(res.gap.expectedSeq), received: String(res.gap.receivedSeq) }, "server reported a gap; resending");
    await this.acked(res.ackedSeq, call.window);
  }

  private async resumeAt(serverAcked: bigint, window: BatchWindow): Promise<void> {
    const { spool } = this.options;
    if (serverAcked < spool.ackedSeq())
      throw new ConnectError(
        `the server holds events up to ${serverAcked} but this agent already trimmed up to ${spool.ackedSeq()}: events were lost on the server`,
        Code.DataLoss,
      );
    if (serverAcked > spool.lastSeq())
      throw new ConnectError(
        `the server holds events up to ${serverAcked} but this agent's spool ends at ${spool.lastSeq()}: new events would reuse stored seqs`,
        Code.DataLoss,
      );
    window.reset(serverAcked + 1n);
    await this.acked(serverAcked, window);
  }

  private async acked(seq: bigint, window: BatchWindow): Promise<void> {
    window.acked(seq);
    if (seq > this.status.serverAckedSeq) this.status.serverAckedSeq = seq;
    if (seq > this.options.spool.ackedSeq()) await this.options.spool.ack(seq);
    this.wakeUp.notify();
    for (const fn of this.ackListeners) fn();
  }
}

/** One StreamEvents call's state. */
interface StreamCall {
  trace: UplinkTrace;
  window: BatchWindow;
  opened: Deferred<bigint>;
  abort: AbortController;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: Error) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
