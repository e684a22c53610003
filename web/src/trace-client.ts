import { createClient } from "@connectrpc/connect";
import type { Client, Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { TraceService } from "../../gen/devtrace/v1/trace_service_pb.js";

/** The TraceService as the page uses it. */
export type TraceClient = Client<typeof TraceService>;

/**
 * A TraceService client on this page's own origin (Connect protocol, binary), sending the
 * token as `authorization: Bearer` — in a header, never in a URL.
 */
export function traceClient(token: string, baseUrl = location.origin): TraceClient {
  const bearer: Interceptor = (next) => (req) => {
    req.header.set("authorization", `Bearer ${token}`);
    return next(req);
  };
  return createClient(TraceService, createConnectTransport({ baseUrl, useBinaryFormat: true, interceptors: [bearer] }));
}
