import { readFile } from "node:fs/promises";
import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import type { Socket } from "node:net";
import type { Logger } from "pino";
import type { NodeHandler } from "../server.js";
import { resolveConnectionLimits } from "./connection-limits.js";
import type { ConnectionLimits } from "./connection-limits.js";
import { watchSession } from "./watch-session.js";

/** Where and how to listen. */
export interface ListenOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** PEM files; unset = plaintext (h2c with prior knowledge, and HTTP/1.1). */
  tls?: { certFile: string; keyFile: string };
  /** Timeouts, keepalive and the connection cap (connection-limits.ts); defaults when unset. */
  limits?: ConnectionLimits;
  logger: Logger;
}

/** A bound port serving one handler. */
export interface Listener {
  /** e.g. "http://127.0.0.1:50051" or "https://…". */
  url: string;
  port: number;
  /** Stops accepting connections; open ones keep going. */
  stopAccepting(): void;
  /** Ends every connection: GOAWAY to HTTP/2 sessions, then after `graceMs` destroys what is left. */
  close(graceMs: number): Promise<void>;
  /** Connections (sockets) and HTTP/2 sessions open now. */
  open(): { connections: number; sessions: number };
}

/** How long a new plaintext connection may stay silent before it is dropped. */
const firstBytesTimeoutMs = 10_000;

/** The first bytes of every HTTP/2 connection with prior knowledge (RFC 9113 §3.4). */
const preface = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

/**
 * Serves `handler` on one port for every protocol: with TLS, ALPN picks h2 or http/1.1;
 * in plaintext, the first bytes tell an HTTP/2 preface (gRPC, Connect, gRPC-Web over h2c)
 * from an HTTP/1.1 request (Connect and gRPC-Web unary/server-streaming, /metrics).
 */
export async function listen(handler: NodeHandler, o: ListenOptions): Promise<Listener> {
  const log = o.logger.child({ component: "listener" });
  const limits = resolveConnectionLimits(o.limits);
  const h1Options = {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    // Node checks both timeouts on this period (default 30 s): a trickler would outlive them.
    connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
  };
  const sessions = new Set<http2.ServerHttp2Session>();
  const sockets = new Set<Socket>();
  let front: net.Server;
  let h1: http.Server | undefined;
  let h2: http2.Http2Server | http2.Http2SecureServer;
  if (o.tls) {
    const [cert, key] = await Promise.all([readFile(o.tls.certFile), readFile(o.tls.keyFile)]);
    h2 = http2.createSecureServer({ cert, key, allowHTTP1: true, ALPNProtocols: ["h2", "http/1.1"], ...h1Options }, handler);
    front = h2;
  } else {
    h2 = http2.createServer({}, handler);
    h1 = http.createServer(h1Options, handler);
    // h1 never listens itself (the front server hands it sockets), and node starts the
    // timer that enforces headersTimeout / requestTimeout on "listening": start it now.
    h1.emit("listening");
    front = net.createServer((socket) => route(socket, h1!, h2 as http2.Http2Server, log));
  }
  h2.on("session", (s: http2.ServerHttp2Session) => {
    sessions.add(s);
    s.once("close", () => sessions.delete(s));
    watchSession(s, limits, log);
  });
  if (limits.maxConnections > 0) front.maxConnections = limits.maxConnections;
  front.on("drop", (d?: { remoteAddress?: string }) => log.warn({ maxConnections: limits.maxConnections, remote: d?.remoteAddress }, "connection refused: at the connection cap"));
  front.on("connection", (s: Socket) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    front.once("error", reject);
    front.listen(o.port, o.host, () => {
      front.off("error", reject);
      resolve();
    });
  });
  const port = (front.address() as net.AddressInfo).port;
  const host = o.host.includes(":") ? `[${o.host}]` : o.host;
  return {
    url: `${o.tls ? "https" : "http"}://${host}:${port}`,
    port,
    stopAccepting: () => front.close(),
    async close(graceMs) {
      front.close();
      for (const s of sessions) s.close();
      h1?.closeIdleConnections();
      await waitFor(() => sockets.size === 0, graceMs);
      for (const s of sockets) s.destroy();
    },
    open: () => ({ connections: sockets.size, sessions: sessions.size }),
  };
}

/** Hands a plaintext socket to the HTTP/2 or the HTTP/1.1 server by its first bytes. */
function route(socket: Socket, h1: http.Server, h2: http2.Http2Server, log: Logger): void {
  let head = Buffer.alloc(0);
  // A connection that never says anything must not hold a socket forever.
  const idle = setTimeout(() => socket.destroy(), firstBytesTimeoutMs);
  socket.once("close", () => clearTimeout(idle));
  const onData = (chunk: Buffer) => {
    head = Buffer.concat([head, chunk]);
    const n = Math.min(head.length, preface.length);
    const isH2 = head.subarray(0, n).equals(preface.subarray(0, n));
    if (isH2 && head.length < preface.length) return; // could still be either: wait for more
    clearTimeout(idle);
    socket.off("data", onData);
    socket.off("error", onError);
    socket.pause();
    socket.unshift(head);
    if (isH2) {
      // The HTTP/2 session reads the unshifted preface itself; resuming here would drop it.
      h2.emit("connection", socket);
    } else {
      h1.emit("connection", socket);
      socket.resume();
    }
  };
  const onError = (err: Error) => log.debug({ err }, "connection failed before its first request");
  socket.on("data", onData);
  socket.on("error", onError);
}

async function waitFor(done: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!done() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
}
