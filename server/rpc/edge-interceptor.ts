import { Code, ConnectError } from "@connectrpc/connect";
import type { Interceptor } from "@connectrpc/connect";
import type { Logger } from "pino";
import type { ServerMetrics } from "../metrics.js";
import { toConnectError } from "./to-connect-error.js";

/**
 * The service edge: every error leaving a handler, unary or mid-stream, goes through
 * toConnectError(); INTERNAL ones are logged with their cause; every call is counted
 * in devtrace_rpcs_total by method and code. A call whose client went away (cancel,
 * reset, closed connection) is logged and counted as CANCELED, whatever the handler
 * made of the broken stream — it is not a server fault.
 */
export function edgeInterceptor(metrics: ServerMetrics, logger: Logger): Interceptor {
  const log = logger.child({ component: "rpc" });
  const cancelled = (method: string, signal: AbortSignal) => {
    const code = cancelCode(signal);
    log.info({ method, code: Code[code] }, "client cancelled the call");
    metrics.rpcs.inc({ method, code: Code[code] });
    return new ConnectError("the client cancelled the call", code);
  };
  const fail = (method: string, err: unknown, signal: AbortSignal) => {
    const e = toConnectError(err);
    if (signal.aborted && (e.code === Code.Internal || e.code === Code.Canceled || e.code === Code.Unknown)) return cancelled(method, signal);
    if (e.code === Code.Internal) log.error({ err: e.cause ?? err, method }, "internal error");
    metrics.rpcs.inc({ method, code: Code[e.code] });
    return e;
  };
  return (next) => async (req) => {
    const method = req.method.name;
    let res;
    try {
      res = await next(req);
    } catch (err) {
      throw fail(method, err, req.signal);
    }
    if (!res.stream) {
      metrics.rpcs.inc({ method, code: "OK" });
      return res;
    }
    const inner = res.message;
    async function* guarded() {
      try {
        yield* inner;
      } catch (err) {
        throw fail(method, err, req.signal);
      }
      // A handler that simply ran out of requests because the client reset the stream:
      // the request ends first, the reset reaches the signal on the next turn. (After a
      // normal half-close the signal cannot abort yet: our response is still open.)
      await new Promise((r) => setImmediate(r));
      if (req.signal.aborted) throw cancelled(method, req.signal);
      metrics.rpcs.inc({ method, code: "OK" });
    }
    return { ...res, message: guarded() };
  };
}

// The client's own words when it said why (a deadline), else CANCELED.
function cancelCode(signal: AbortSignal): Code {
  const reason = signal.reason instanceof ConnectError ? signal.reason.code : Code.Canceled;
  return reason === Code.DeadlineExceeded ? Code.DeadlineExceeded : Code.Canceled;
}
