import { chmodSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import type { Logger } from "pino";
import { maxLineBytes, parseLocalRequest, protocolVersion, type LocalErrorCode, type LocalRequest, type LocalResponse } from "./local-protocol.js";

/** A failed local request: the code and message go back to the client as they are. */
export class LocalError extends Error {
  constructor(
    readonly code: LocalErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** One client connected to the agent's socket. */
export interface LocalConnection {
  /** Process-unique number, for logs and the terminals table. */
  readonly id: number;
  /** Writes one line to the client; ignored once the connection closed. */
  send(message: LocalResponse): void;
  /** Runs `fn` once when the client goes away. */
  onClose(fn: () => void): void;
}

/** Answers one request: returns the result, or throws LocalError. */
export type LocalHandler = (request: LocalRequest, connection: LocalConnection) => Promise<unknown>;

/** The listening socket; close() ends every connection and removes the socket file. */
export interface LocalServer {
  readonly path: string;
  connections(): number;
  close(): Promise<void>;
}

/**
 * Listens on `path` (mode 0600) for newline-delimited JSON requests. The caller must hold
 * the instance lock: any file already at `path` is a dead agent's socket and is removed.
 */
export async function listenLocal(path: string, handler: LocalHandler, logger: Logger): Promise<LocalServer> {
  rmSync(path, { force: true });
  const sockets = new Set<Socket>();
  let nextId = 1;
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    serveConnection(socket, nextId++, handler, logger);
  });
  await new Promise<void>((resolvePromise, reject) => {
    server.once("error", (err) => reject(new Error(`cannot listen on ${path}`, { cause: err })));
    server.listen(path, () => resolvePromise());
  });
  chmodSync(path, 0o600);
  server.on("error", (err) => logger.error({ err }, "local socket error"));
  return {
    path,
    connections: () => sockets.size,
    close: () =>
      new Promise<void>((resolvePromise) => {
        for (const s of sockets) s.destroy();
        server.close(() => {
          rmSync(path, { force: true });
          resolvePromise();
        });
      }),
  };
}

function serveConnection(socket: Socket, id: number, handler: LocalHandler, logger: Logger): void {
  const closers: Array<() => void> = [];
  const connection: LocalConnection = {
    id,
    send: (message) => {
      if (!socket.destroyed && socket.writable) socket.write(`${JSON.stringify(message)}\n`);
    },
    onClose: (fn) => closers.push(fn),
  };
  socket.once("close", () => {
    for (const fn of closers.splice(0)) fn();
  });
  socket.on("error", (err) => logger.debug({ err, connection: id }, "local client went away"));
  let buffered = "";
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.trim() !== "") void answer(line, connection, handler, logger);
    }
    if (Buffer.byteLength(buffered) > maxLineBytes) {
      connection.send({ v: protocolVersion, id: "", ok: false, error: { code: "too_large", message: `a line is at most ${maxLineBytes} bytes` } });
      socket.end();
    }
  });
}

async function answer(line: string, connection: LocalConnection, handler: LocalHandler, logger: Logger): Promise<void> {
  const parsed = parseLocalRequest(line);
  if ("error" in parsed) {
    const { id = "", code, message } = parsed.error;
    connection.send({ v: protocolVersion, id, ok: false, error: { code, message } });
    return;
  }
  const request = parsed.value;
  try {
    const result = await handler(request, connection);
    connection.send({ v: protocolVersion, id: request.id, ok: true, result: result ?? {} });
  } catch (err) {
    const known = err instanceof LocalError;
    if (!known) logger.error({ err, type: request.type }, "local request failed");
    const code: LocalErrorCode = known ? err.code : "internal";
    const message = err instanceof Error ? err.message : String(err);
    connection.send({ v: protocolVersion, id: request.id, ok: false, error: { code, message } });
  }
}
