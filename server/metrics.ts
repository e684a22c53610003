import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** The Prometheus metrics of one server, in a registry of its own (tests run many servers). */
export interface ServerMetrics {
  registry: Registry;
  /** devtrace_ingest_events_total: events newly stored (rate() gives events/s). */
  ingestEvents: Counter;
  /** devtrace_ack_latency_seconds: batch received → ack ready (validated and durably stored). */
  ackLatency: Histogram;
  /** devtrace_open_streams: streaming calls open now, by method. */
  openStreams: Gauge<"method">;
  /** devtrace_store_errors_total: store calls that failed for infrastructure reasons, by operation. */
  storeErrors: Counter<"operation">;
  /** devtrace_rpcs_total: finished calls by method and status code. */
  rpcs: Counter<"method" | "code">;
}

/** Creates the metrics; `processMetrics` adds prom-client's default process metrics (default true). */
export function createMetrics(options: { processMetrics?: boolean } = {}): ServerMetrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  return {
    registry,
    ingestEvents: new Counter({
      name: "devtrace_ingest_events_total",
      help: "Events newly and durably stored (resent seqs not counted).",
      registers: [registry],
    }),
    ackLatency: new Histogram({
      name: "devtrace_ack_latency_seconds",
      help: "Time from receiving a batch to its ack being ready (validated and durably stored).",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    openStreams: new Gauge({
      name: "devtrace_open_streams",
      help: "Streaming calls open now.",
      labelNames: ["method"],
      registers: [registry],
    }),
    storeErrors: new Counter({
      name: "devtrace_store_errors_total",
      help: "Store calls that failed for infrastructure reasons.",
      labelNames: ["operation"],
      registers: [registry],
    }),
    rpcs: new Counter({
      name: "devtrace_rpcs_total",
      help: "Finished calls by method and gRPC status code.",
      labelNames: ["method", "code"],
      registers: [registry],
    }),
  };
}
