import { connect, type Socket } from "node:net";
import { protocolVersion, type LocalErrorCode } from "./local-protocol.js";

/** No agent listens on the socket (absent, or a dead agent's leftover). */
export class AgentNotRunningError extends Error {}

/** The agent answered a request with an error. */
export class AgentRequestError extends Error {
  constructor(
    readonly code: LocalErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Options of one request. */
export interface RequestOptions {
  /** Called with each progress line of a long request (finalize, stop). */
  onProgress?: (progress: unknown) => void;
}

interface Pending {
  resolve: (result: unknown) => void;
  reject: (err: Error) => void;
  onProgress?: (progress: unknown) => void;
}

/** A connection to the agent's local socket; close() on every path. */
export class LocalClient {
  private nextId = 1;
  private readonly pending = new Map<string, Pending>();
  private buffered = "";
  private closedError: Error | undefined;
  private readonly closeListeners: Array<(err: Error) => void> = [];

  private constructor(
    private readonly socket: Socket,
    private readonly onNotice?: (notice: Record<string, unknown>) => void,
  ) {
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => this.consume(chunk));
    socket.on("error", () => {}); // the close handler below reports it to every waiter
    socket.once("close", () => this.fail(new AgentNotRunningError("the agent closed the connection")));
  }

  /** Connects; throws AgentNotRunningError when nothing listens at `path`. */
  static connect(path: string, onNotice?: (notice: Record<string, unknown>) => void): Promise<LocalClient> {
    return new Promise((resolvePromise, reject) => {
      const socket = connect(path);
      socket.once("connect", () => {
        socket.removeAllListeners("error");
        resolvePromise(new LocalClient(socket, onNotice));
      });
      socket.once("error", (err: NodeJS.ErrnoException) => {
        socket.destroy();
        if (err.code === "ENOENT" || err.code === "ECONNREFUSED" || err.code === "ENOTSOCK")
          reject(new AgentNotRunningError(`no agent is listening on ${path}`, { cause: err }));
        else reject(new Error(`cannot connect to the agent at ${path}`, { cause: err }));
      });
    });
  }

  /** Sends one request and resolves with its result; rejects with AgentRequestError or AgentNotRunningError. */
  request<T = Record<string, unknown>>(type: string, fields: Record<string, unknown> = {}, options: RequestOptions = {}): Promise<T> {
    if (this.closedError) return Promise.reject(this.closedError);
    const id = String(this.nextId++);
    return new Promise<T>((resolvePromise, reject) => {
      this.pending.set(id, { resolve: resolvePromise as (r: unknown) => void, reject, onProgress: options.onProgress });
      this.socket.write(`${JSON.stringify({ v: protocolVersion, id, type, ...fields })}\n`);
    });
  }

  /** Runs `fn` once when the connection is lost. */
  onClose(fn: (err: Error) => void): void {
    if (this.closedError) fn(this.closedError);
    else this.closeListeners.push(fn);
  }

  /** Closes the connection; pending requests fail. */
  close(): void {
    this.socket.destroy();
  }

  private consume(chunk: string): void {
    this.buffered += chunk;
    let newline: number;
    while ((newline = this.buffered.indexOf("\n")) >= 0) {
      const line = this.buffered.slice(0, newline);
      this.buffered = this.buffered.slice(newline + 1);
      if (line.trim() !== "") this.dispatch(JSON.parse(line) as Record<string, unknown>);
    }
  }

  private dispatch(message: Record<string, unknown>): void {
    if (typeof message.id !== "string" || message.id === "") {
      if (typeof message.notice === "string") this.onNotice?.(message);
      else if (message.ok === false) this.fail(errorOf(message));
      return;
    }
    const waiter = this.pending.get(message.id);
    if (!waiter) return;
    if ("progress" in message) {
      waiter.onProgress?.(message.progress);
      return;
    }
    this.pending.delete(message.id);
    if (message.ok === true) waiter.resolve(message.result);
    else waiter.reject(errorOf(message));
  }

  private fail(err: Error): void {
    if (this.closedError) return;
    this.closedError = err;
    for (const waiter of this.pending.values()) waiter.reject(err);
    this.pending.clear();
    for (const fn of this.closeListeners.splice(0)) fn(err);
    this.socket.destroy();
  }
}

function errorOf(message: Record<string, unknown>): AgentRequestError {
  const error = (message.error ?? {}) as { code?: LocalErrorCode; message?: string };
  return new AgentRequestError(error.code ?? "internal", error.message ?? "the agent refused the request");
}
