import { Code, ConnectError } from "@connectrpc/connect";
import type { Trace } from "../../gen/devtrace/v1/trace_pb.js";
import { rpcErrorText } from "./rpc-error.js";
import type { TraceClient } from "./trace-client.js";

/** What the live view tells the page. */
export interface WatchCallbacks {
  onTrace(trace: Trace): void;
  /** A sentence while the stream is down and being retried; undefined once it is back. */
  onInterrupted(message: string | undefined): void;
  /** The stream cannot go on (trace gone, access lost): shown, not retried. */
  onFatal(error: unknown): void;
}

/** Codes that retrying cannot fix. */
const fatal = new Set([Code.Unauthenticated, Code.PermissionDenied, Code.NotFound, Code.InvalidArgument]);

/**
 * Follows WatchTrace until the trace is DONE or FAILED (the server then ends the stream).
 * A broken stream (server restarted, network gone, server draining) is reopened with
 * back-off from 0.5 s doubling to 10 s; WatchTrace starts with the current status, so
 * nothing missed meanwhile stays missed.
 */
export async function watchLive(client: TraceClient, traceId: string, cb: WatchCallbacks, signal: AbortSignal): Promise<void> {
  let delay = 500;
  for (;;) {
    try {
      for await (const change of client.watchTrace({ traceId }, { signal })) {
        if (change.trace) cb.onTrace(change.trace);
        cb.onInterrupted(undefined);
        delay = 500;
      }
      return;
    } catch (e) {
      if (signal.aborted) return;
      if (fatal.has(ConnectError.from(e).code)) {
        cb.onFatal(e);
        return;
      }
      cb.onInterrupted(`Live updates interrupted (${rpcErrorText(e)}); retrying in ${(delay / 1000).toFixed(1)} s…`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delay);
        signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
      });
      if (signal.aborted) return;
      delay = Math.min(delay * 2, 10_000);
    }
  }
}
