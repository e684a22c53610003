import type { ConnectRouter, ConnectRouterOptions } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { Logger } from "pino";
import { file_devtrace_v1_trace_service } from "../gen/devtrace/v1/trace_service_pb.js";
import { file_grpc_reflection_v1_reflection } from "../gen/grpc/reflection/v1/reflection_pb.js";
import { file_grpc_reflection_v1alpha_reflection } from "../gen/grpc/reflection/v1alpha/reflection_pb.js";
import { Health, file_health_v1_health } from "../gen/health/v1/health_pb.js";
import { ServerReflection as ReflectionV1 } from "../gen/grpc/reflection/v1/reflection_pb.js";
import { ServerReflection as ReflectionV1alpha } from "../gen/grpc/reflection/v1alpha/reflection_pb.js";
import { PerTokenLimits } from "./auth/per-token-limits.js";
import type { PerTokenLimitOptions } from "./auth/per-token-limits.js";
import { createRequestGate } from "./auth/request-gate.js";
import { Drain } from "./drain.js";
import { guardStore } from "./guard-store.js";
import { registerHealthService } from "./health/health-service.js";
import { createMetrics } from "./metrics.js";
import type { ServerMetrics } from "./metrics.js";
import { ServerRedaction } from "./redact/server-redaction.js";
import { registerReflectionService } from "./reflection/reflection-service.js";
import { edgeInterceptor } from "./rpc/edge-interceptor.js";
import { TraceChanges } from "./rpc/trace-changes.js";
import { registerTraceService } from "./rpc/trace-service.js";
import { loopbackRepoPolicy, type RepoPolicy } from "./qa/repo-policy.js";
import type { TraceStore } from "./store/store.js";
import { wireOptions } from "./validate/wire-options.js";
import { createStaticAssets } from "./web/static-assets.js";
import type { StaticAssets } from "./web/static-assets.js";

/** Options of buildServer(). */
export interface BuildServerOptions {
  /** The open store; the server wraps it but never closes it (its opener does). */
  store: TraceStore;
  logger: Logger;
  /** Per-token bounds; defaults: 16 open streams, 200 calls/s, burst 400. */
  limits?: PerTokenLimitOptions;
  /** Wall clock; default () => new Date(). */
  now?: () => Date;
  /** WatchTrace poll interval in ms; default 250. */
  watchPollMs?: number;
  /** Metrics registry to fill; default a new one with process metrics. */
  metrics?: ServerMetrics;
  /** Called after FinalizeTrace queued QA, so in-process QA workers start at once. */
  onSealed?: (traceId: string) => void;
  /** What CreateTrace accepts as repo_url; default loopbackRepoPolicy (the server user's own local paths, public https/ssh). */
  repoPolicy?: RepoPolicy;
  /** The researcher's workbench page served at `/`; default the built one in dist/web. */
  web?: StaticAssets;
}

/** Request handler for node:http and node:http2 (Connect, gRPC, gRPC-Web, /metrics, /healthz). */
export type NodeHandler = ReturnType<typeof connectNodeAdapter>;

/** Everything of a devtrace server except its sockets. */
export interface DevtraceServer {
  /** Route registrations, for connectNodeAdapter() or createRouterTransport(). */
  routes: (router: ConnectRouter) => void;
  /** Router options (request gate, interceptors) that go with `routes`. */
  routerOptions: ConnectRouterOptions;
  /** The handler to mount on HTTP/1.1 and HTTP/2 servers. */
  handler: NodeHandler;
  metrics: ServerMetrics;
  drain: Drain;
  /**
   * Stops taking new calls, lets calls in flight finish (streams ack the batch being
   * written and end with UNAVAILABLE); resolves false if `timeoutMs` ran out first.
   */
  shutdown(timeoutMs: number): Promise<boolean>;
}

/** Builds the server around an open store, without listening anywhere. */
export function buildServer(o: BuildServerOptions): DevtraceServer {
  const metrics = o.metrics ?? createMetrics();
  const drain = new Drain();
  const store = guardStore(o.store, metrics, o.logger);
  const deps = {
    store,
    logger: o.logger,
    metrics,
    drain,
    changes: new TraceChanges(),
    now: o.now ?? (() => new Date()),
    watchPollMs: o.watchPollMs ?? 250,
    onSealed: o.onSealed ?? (() => {}),
    redaction: new ServerRedaction(o.logger),
    repoPolicy: o.repoPolicy ?? loopbackRepoPolicy,
  };
  const routes = (router: ConnectRouter) => {
    registerTraceService(router, deps);
    registerHealthService(router, drain);
    registerReflectionService(router, [
      file_devtrace_v1_trace_service,
      file_health_v1_health,
      file_grpc_reflection_v1_reflection,
      file_grpc_reflection_v1alpha_reflection,
    ]);
  };
  const routerOptions: ConnectRouterOptions = {
    ...wireOptions,
    requestGate: createRequestGate({
      store,
      limits: new PerTokenLimits(o.limits),
      drain,
      metrics,
      openServices: new Set([Health.typeName, ReflectionV1.typeName, ReflectionV1alpha.typeName]),
    }),
    interceptors: [edgeInterceptor(metrics, o.logger)],
  };
  const web = o.web ?? createStaticAssets();
  const handler = connectNodeAdapter({ ...routerOptions, routes, fallback: fallback(metrics, drain, web) });
  return {
    routes,
    routerOptions,
    handler,
    metrics,
    drain,
    shutdown(timeoutMs) {
      drain.begin();
      return drain.idle(timeoutMs);
    },
  };
}

/** Plain HTTP next to the RPCs: the workbench page, Prometheus scrapes and a liveness probe. */
function fallback(metrics: ServerMetrics, drain: Drain, web: StaticAssets): NodeHandler {
  return (req, res) => {
    if (web.handle(req, res)) return;
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && path === "/metrics") {
      metrics.registry.metrics().then(
        (text) => {
          res.writeHead(200, { "content-type": metrics.registry.contentType });
          res.end(text);
        },
        (err: unknown) => {
          res.writeHead(500, { "content-type": "text/plain" });
          res.end(`metrics failed: ${String(err)}\n`);
        },
      );
      return;
    }
    if (req.method === "GET" && path === "/healthz") {
      res.writeHead(drain.draining ? 503 : 200, { "content-type": "text/plain" });
      res.end(drain.draining ? "shutting down\n" : "ok\n");
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found\n");
  };
}
