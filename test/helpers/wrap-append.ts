import type { TraceStore } from "../../server/store/store.js";

type Append = TraceStore["appendEvents"];

/**
 * Fault injection for createTestServer({ wrapStore }): the real store with its
 * appendEvents replaced by `wrap(real)`; every other method goes to the real store.
 */
export function wrapAppend(wrap: (real: Append) => Append): (store: TraceStore) => TraceStore {
  return (store) => {
    const replaced = wrap(store.appendEvents.bind(store));
    return new Proxy(store, {
      get(target, prop) {
        if (prop === "appendEvents") return replaced;
        const v = Reflect.get(target, prop, target) as unknown;
        return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  };
}
