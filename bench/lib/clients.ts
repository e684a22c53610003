import { create } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import type { Client, Interceptor } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { CreateTraceRequestSchema, TraceService } from "../../gen/devtrace/v1/trace_service_pb.js";

/** A TraceService client. */
export type TraceClient = Client<typeof TraceService>;

/** A client and the connection it owns. */
export interface OwnedClient extends Disposable {
  client: TraceClient;
}

function bearer(token: string): Interceptor {
  return (next) => (req) => {
    req.header.set("authorization", `Bearer ${token}`);
    return next(req);
  };
}

/**
 * gRPC over its own HTTP/2 connection, as each agent holds one. Like every connect-es
 * client by default it accepts gzip and br responses; `compression: false` opts out.
 */
export function grpcClient(url: string, token: string, o: { compression?: boolean } = {}): OwnedClient {
  const sessionManager = new Http2SessionManager(url);
  const transport = createGrpcTransport({
    baseUrl: url,
    sessionManager,
    interceptors: [bearer(token)],
    ...(o.compression === false ? { acceptCompression: [] } : {}),
  });
  return { client: createClient(TraceService, transport), [Symbol.dispose]: () => sessionManager.abort() };
}

/** The Connect protocol over HTTP/1.1 with JSON bodies (browsers, curl, scripts). */
export function connectJsonClient(url: string, token: string): TraceClient {
  const transport = createConnectTransport({ baseUrl: url, httpVersion: "1.1", useBinaryFormat: false, interceptors: [bearer(token)] });
  return createClient(TraceService, transport);
}

/** Creates a trace for the bench and returns its id and upload token. */
export async function createBenchTrace(client: TraceClient, repoUrl = "https://example.invalid/bench.git"): Promise<{ traceId: string; uploadToken: string }> {
  const res = await client.createTrace(
    create(CreateTraceRequestSchema, {
      developer: { id: "" },
      task: { description: "bench", repoUrl, baseCommit: "0123abcd", testImage: "devtrace/sample-python:1", testCommand: "pytest -q" },
      environment: { os: "linux", editor: "bench", shell: "bash" },
    }),
  );
  return { traceId: res.trace!.id, uploadToken: res.uploadToken };
}
