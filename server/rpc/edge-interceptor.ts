import { Code } from "@connectrpc/connect";
import type { Interceptor } from "@connectrpc/connect";
import type { Logger } from "pino";
import type { ServerMetrics } from "../metrics.js";
import { toConnectError } from "./to-connect-error.js";

/**
 * The service edge: every error leaving a handler, unary or mid-stream, goes through
 * toConnectError(); INTERNAL ones are logged with their cause; every call is counted
 * in devtrace_rpcs_total by method and code.
 */
export function edgeInterceptor(metrics: ServerMetrics, logger: Logger): Interceptor {
  const log = logger.child({ component: "rpc" });
  const fail = (method: string, err: unknown) => {
    const e = toConnectError(err);
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
      throw fail(method, err);
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
        throw fail(method, err);
      }
      metrics.rpcs.inc({ method, code: "OK" });
    }
    return { ...res, message: guarded() };
  };
}
