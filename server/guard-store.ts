import type { Logger } from "pino";
import type { ServerMetrics } from "./metrics.js";
import { StoreError } from "./store/store-error.js";
import type { TraceStore } from "./store/store.js";

/**
 * Wraps a store so every infrastructure failure (disk full, database gone, driver bug)
 * becomes StoreError "unavailable" with the original as `cause`, is counted in
 * devtrace_store_errors_total and logged once. The RPC edge then answers UNAVAILABLE and
 * a client resends: nothing it was not acked for is ever reported as stored.
 */
export function guardStore(store: TraceStore, metrics: ServerMetrics, logger: Logger): TraceStore {
  const log = logger.child({ component: "store", store: store.kind });
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      const operation = String(prop);
      return async (...args: unknown[]) => {
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } catch (err) {
          if (err instanceof StoreError && err.code !== "unavailable") throw err;
          metrics.storeErrors.inc({ operation });
          log.error({ err, operation }, "store call failed");
          if (err instanceof StoreError) throw err;
          throw new StoreError("unavailable", `the store failed during ${operation}; retry`, { cause: err });
        }
      };
    },
  });
}
