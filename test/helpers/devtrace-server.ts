import type { RepoPolicy } from "../../server/qa/repo-policy.js";
import type { Interceptor, Transport } from "@connectrpc/connect";
import { createClient, createRouterTransport } from "@connectrpc/connect";
import type { Client } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import type { Logger } from "pino";
import { TraceService } from "../../gen/devtrace/v1/trace_service_pb.js";
import type { PerTokenLimitOptions } from "../../server/auth/per-token-limits.js";
import { hashToken } from "../../server/auth/token-hash.js";
import { createMetrics } from "../../server/metrics.js";
import { listen } from "../../server/net/listen.js";
import type { Listener } from "../../server/net/listen.js";
import { buildServer } from "../../server/server.js";
import type { DevtraceServer } from "../../server/server.js";
import { SqliteStore } from "../../server/store/sqlite-store.js";
import type { Role, TraceStore } from "../../server/store/store.js";

/** Bearer tokens registered in every test server. */
export const testTokens = {
  admin: "test-admin-token",
  /** Ingest token of developer "alice". */
  ingest: "test-ingest-alice",
  /** Ingest token of developer "bob". */
  otherIngest: "test-ingest-bob",
  read: "test-read-token",
} as const;

const registered: Array<[string, Role, string]> = [
  [testTokens.admin, "admin", "test-admin"],
  [testTokens.ingest, "ingest", "alice"],
  [testTokens.otherIngest, "ingest", "bob"],
  [testTokens.read, "read", "researcher"],
];

/** Options of createTestServer() / startTestServer(). */
export interface TestServerOptions {
  /** Reuse a data directory (e.g. to reopen after a restart); default a fresh temp dir, removed on dispose. */
  dataDir?: string;
  limits?: PerTokenLimitOptions;
  logger?: Logger;
  watchPollMs?: number;
  /** Wrap the store (fault injection); default the real SQLite store as is. */
  wrapStore?: (store: TraceStore) => TraceStore;
  /** Passed to buildServer: called after FinalizeTrace queued QA. */
  onSealed?: (traceId: string) => void;
  /** Passed to buildServer: what CreateTrace accepts as repo_url; default the loopback policy. */
  repoPolicy?: RepoPolicy;
}

/** A server built around a real SQLite store, not listening. */
export interface TestServer extends AsyncDisposable {
  dataDir: string;
  store: SqliteStore;
  server: DevtraceServer;
  /** An in-memory transport (createRouterTransport) carrying `token` as bearer. */
  transport(token?: string): Transport;
  /** A TraceService client over transport(token). */
  client(token?: string): Client<typeof TraceService>;
}

/** A test server listening on 127.0.0.1:0. */
export interface ListeningTestServer extends TestServer {
  url: string;
  listener: Listener;
  /** gRPC (HTTP/2) client with `token`. */
  grpcClient(token?: string): Client<typeof TraceService>;
}

/** An interceptor sending `authorization: Bearer <token>`. */
export function bearer(token: string): Interceptor {
  return (next) => (req) => {
    req.header.set("authorization", `Bearer ${token}`);
    return next(req);
  };
}

/** Builds a server around a fresh (or given) SQLite data dir, with testTokens registered. */
export async function createTestServer(o: TestServerOptions = {}): Promise<TestServer> {
  const ownDir = o.dataDir === undefined;
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), "devtrace-server-"));
  const logger = o.logger ?? pino({ level: "silent" });
  const store = SqliteStore.open({ dataDir, logger });
  for (const [token, role, name] of registered) {
    await store.putApiToken({ hash: hashToken(token), role, name, createdAt: new Date() });
  }
  const server = buildServer({
    store: o.wrapStore ? o.wrapStore(store) : store,
    logger,
    limits: o.limits ?? { requestsPerSecond: 0 },
    watchPollMs: o.watchPollMs ?? 50,
    onSealed: o.onSealed,
    repoPolicy: o.repoPolicy,
    // Process metrics start event-loop monitors per registry; tests make many servers.
    metrics: createMetrics({ processMetrics: false }),
  });
  const transport = (token?: string) =>
    createRouterTransport(server.routes, {
      router: server.routerOptions,
      transport: { interceptors: token ? [bearer(token)] : [] },
    });
  return {
    dataDir,
    store,
    server,
    transport,
    client: (token) => createClient(TraceService, transport(token)),
    async [Symbol.asyncDispose]() {
      await server.shutdown(5000);
      await store.close();
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** createTestServer() plus a real listener on 127.0.0.1:0. */
export async function startTestServer(o: TestServerOptions = {}): Promise<ListeningTestServer> {
  const base = await createTestServer(o);
  const logger = o.logger ?? pino({ level: "silent" });
  const listener = await listen(base.server.handler, { host: "127.0.0.1", port: 0, logger });
  return {
    ...base,
    url: listener.url,
    listener,
    grpcClient: (token) => createClient(TraceService, grpcTransport(listener.url, token)),
    async [Symbol.asyncDispose]() {
      listener.stopAccepting();
      await base.server.shutdown(5000);
      await listener.close(1000);
      await base[Symbol.asyncDispose]();
    },
  };
}

/** connect-node's gRPC transport (HTTP/2) to `url`, with an optional bearer token. */
export function grpcTransport(url: string, token?: string): Transport {
  return createGrpcTransport({ baseUrl: url, interceptors: token ? [bearer(token)] : [] });
}

/** connect-node's Connect-protocol transport; httpVersion "1.1" or "2". */
export function connectTransport(url: string, httpVersion: "1.1" | "2", token?: string): Transport {
  return createConnectTransport({ baseUrl: url, httpVersion, interceptors: token ? [bearer(token)] : [] });
}

/** connect-node's gRPC-Web transport; httpVersion "1.1" or "2". */
export function grpcWebTransport(url: string, httpVersion: "1.1" | "2", token?: string): Transport {
  return createGrpcWebTransport({ baseUrl: url, httpVersion, interceptors: token ? [bearer(token)] : [] });
}
