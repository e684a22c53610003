import { afterEach, beforeEach, describe } from "vitest";
import type { TraceStore } from "../../server/store/store.js";
import { eventsContract } from "./contract-events.js";
import { jobsContract } from "./contract-jobs.js";
import { listContract } from "./contract-list.js";
import { tracesContract } from "./contract-traces.js";

/** One backend's data, fresh per test. */
export interface StoreBackend {
  /** Opens a store over this backend's data; after close() it may be called again and sees the same data. */
  open(): Promise<TraceStore>;
  /** Removes the data (temp dir, database). */
  dispose(): Promise<void>;
}

/** What each contract section gets: the store under test, and a way to reopen it. */
export interface ContractContext {
  store(): TraceStore;
  /** Closes the store and opens a new one over the same data. */
  reopen(): Promise<TraceStore>;
}

/**
 * The TraceStore contract (server/store/store.ts). Every backend runs exactly this suite;
 * a backend that needs a weaker assertion does not get one.
 */
export function traceStoreContract(name: string, makeBackend: () => Promise<StoreBackend>): void {
  describe(`TraceStore contract (${name})`, () => {
    let backend: StoreBackend | undefined;
    let current: TraceStore | undefined;
    const ctx: ContractContext = {
      store: () => {
        if (current === undefined) throw new Error("store not open");
        return current;
      },
      reopen: async () => {
        await current?.close();
        current = undefined;
        current = await backend!.open();
        return current;
      },
    };
    beforeEach(async () => {
      backend = await makeBackend();
      current = await backend.open();
    });
    afterEach(async () => {
      try {
        await current?.close();
      } finally {
        current = undefined;
        await backend?.dispose();
        backend = undefined;
      }
    });
    tracesContract(ctx);
    eventsContract(ctx);
    listContract(ctx);
    jobsContract(ctx);
  });
}
