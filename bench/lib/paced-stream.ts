import { create } from "@bufbuild/protobuf";
import type { Event } from "../../gen/devtrace/v1/event_pb.js";
import { StreamEventsRequestSchema } from "../../gen/devtrace/v1/trace_service_pb.js";
import type { StreamEventsRequest } from "../../gen/devtrace/v1/trace_service_pb.js";
import type { TraceClient } from "./clients.js";
import type { TraceHandle } from "./stream-events.js";

/**
 * One agent-like stream fed at a steady pace: events are queued as they "happen" and sent
 * as soon as the window allows (everything queued goes in one batch, like the uplink).
 * Records, per event, the time from being queued for sending to the ack covering it.
 */
export class PacedStream {
  /** Send→ack latencies in ms of events queued at or after `measureFrom`. */
  readonly latencies: number[] = [];
  measureFrom = 0;
  #queued: number[] = [];
  #next = 0;
  #inFlight = 0;
  #ended = false;
  #wake: (() => void) | undefined;
  #done: Promise<void> | undefined;
  readonly #sentAt: number[] = [];

  constructor(
    private readonly client: TraceClient,
    private readonly trace: TraceHandle,
    private readonly events: readonly Event[],
    private readonly window = 4,
  ) {}

  /** Opens the stream. */
  start(): void {
    this.#done = this.#run();
  }

  /** One more event happened (the next of `events`); false when there are no more. */
  push(now: number): boolean {
    if (this.#queued.length >= this.events.length) return false;
    this.#queued.push(now);
    this.#wake?.();
    return true;
  }

  /** Stops sending once the queue is empty and waits for the last ack. */
  async end(): Promise<void> {
    this.#ended = true;
    this.#wake?.();
    await this.#done;
  }

  async *#requests(): AsyncGenerator<StreamEventsRequest> {
    const t = this.trace;
    yield create(StreamEventsRequestSchema, { msg: { case: "open", value: { traceId: t.traceId, uploadToken: t.uploadToken, resumeFromSeq: 1n } } });
    for (;;) {
      const ready = this.#queued.length - this.#next;
      if (ready > 0 && this.#inFlight < this.window) {
        const from = this.#next;
        const to = from + Math.min(ready, 1000);
        this.#next = to;
        this.#inFlight++;
        yield create(StreamEventsRequestSchema, { msg: { case: "batch", value: { events: this.events.slice(from, to) } } });
        continue;
      }
      if (this.#ended && ready === 0) return;
      await new Promise<void>((r) => (this.#wake = r));
    }
  }

  async #run(): Promise<void> {
    let first = true;
    let acked = 0;
    for await (const res of this.client.streamEvents(this.#requests())) {
      if (res.gap) throw new Error(`gap: expected ${res.gap.expectedSeq}, got ${res.gap.receivedSeq}`);
      if (first) {
        first = false;
        continue;
      }
      const now = performance.now();
      const upTo = Number(res.ackedSeq);
      for (let i = acked; i < upTo; i++) {
        const queuedAt = this.#queued[i];
        if (queuedAt >= this.measureFrom) this.latencies.push(now - queuedAt);
      }
      acked = upTo;
      this.#inFlight--;
      this.#wake?.();
    }
  }
}
