import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { SqliteStore } from "../../server/store/sqlite-store.js";
import { traceStoreContract } from "./trace-store.contract.js";

traceStoreContract("sqlite", async () => {
  const dir = mkdtempSync(join(tmpdir(), "devtrace-store-"));
  return {
    open: async () => SqliteStore.open({ dataDir: dir, logger: pino({ level: "silent" }) }),
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
