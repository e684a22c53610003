import { readFileSync } from "node:fs";
import type { Interceptor, Transport } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { GuardedSessionManager } from "./guarded-session-manager.js";

/** Options of createServerTransport(). */
export interface ServerTransportOptions {
  /** http:// (h2c) or https:// (TLS, certificate verified) URL of the devtrace server. */
  url: string;
  /** Bearer token sent on every call; none when undefined. */
  token?: string;
  /** PEM file of the CA that signed an https:// server's certificate (default: the system CAs). */
  caFile?: string;
  /**
   * Whether answers may come gzip-compressed (default true). Off, the server sends them as
   * they are: on loopback compressing only costs CPU on both ends.
   */
  acceptCompression?: boolean;
  /** Told about a dead HTTP/2 connection after its streams already failed (default: ignored). */
  onSessionError?: (err: Error) => void;
}

/** A gRPC transport and the HTTP/2 connection it owns; close() on every path. */
export interface ServerTransport {
  readonly transport: Transport;
  readonly url: string;
  /** Drops the HTTP/2 connection (open streams fail). */
  close(): void;
}

/**
 * A gRPC (HTTP/2) transport to the server. TLS verification stays on for https://; a
 * private CA is added with `caFile`, never by turning verification off.
 */
export function createServerTransport(options: ServerTransportOptions): ServerTransport {
  const url = new URL(options.url);
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new Error(`server URL must start with http:// or https://, got ${options.url}`);
  if (options.caFile && url.protocol !== "https:")
    throw new Error(`--ca only applies to an https:// server, got ${options.url}`);
  let ca: Buffer | undefined;
  if (options.caFile) {
    try {
      ca = readFileSync(options.caFile);
    } catch (err) {
      throw new Error(`cannot read the CA file ${options.caFile}`, { cause: err });
    }
  }
  const nodeOptions = url.protocol === "https:" ? { ca, rejectUnauthorized: true } : {};
  // Keepalive pings notice a silently dead network (or a frozen server) instead of waiting
  // on TCP for minutes; the guarded manager keeps a late session error from ending the process.
  const sessionManager = new GuardedSessionManager(url, { pingIntervalMs: 15_000, pingTimeoutMs: 10_000 }, nodeOptions, options.onSessionError);
  const interceptors: Interceptor[] = [];
  const token = options.token;
  if (token) {
    interceptors.push((next) => (req) => {
      req.header.set("authorization", `Bearer ${token}`);
      return next(req);
    });
  }
  const transport = createGrpcTransport({
    baseUrl: url.toString().replace(/\/$/, ""),
    sessionManager,
    interceptors,
    ...(options.acceptCompression === false ? { acceptCompression: [] } : {}),
  });
  return { transport, url: options.url, close: () => sessionManager.abort() };
}
