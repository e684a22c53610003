import type { Logger } from "pino";
import { SqliteStore } from "./sqlite-store.js";
import type { TraceStore } from "./store.js";

/** Tuning of the MongoDB backend; every field has a default suited to a replica set. */
export interface MongoTuning {
  /** Write concern of every write: "majority" (default) or a number of nodes. */
  writeConcern?: "majority" | number;
  /** Upper bound of the driver's connection pool. Default 20. */
  maxPoolSize?: number;
  /** How long the driver looks for a usable server per operation. Default 10 000 ms. */
  serverSelectionTimeoutMs?: number;
  /** TCP connect timeout. Default 10 000 ms. */
  connectTimeoutMs?: number;
  /**
   * How long one operation waits on a socket before the driver gives up on it. Default
   * 30 000 ms: a paused or wedged database must end the caller's append with UNAVAILABLE,
   * not hold the agent's stream open forever.
   */
  socketTimeoutMs?: number;
  /** Start-up: how long to keep retrying an unreachable server before giving up. Default 60 000 ms. */
  startupDeadlineMs?: number;
}

/** What openStore needs; server/config.ts fills it from flags and env. */
export interface OpenStoreOptions {
  /** DEVTRACE_DATA_DIR / --data-dir: where the embedded store keeps its file. */
  dataDir: string;
  /** DEVTRACE_MONGO_URL / --mongo-url: when set, MongoDB is used instead of SQLite. */
  mongoUrl?: string;
  /** Database name when the URL names none. Default "devtrace". */
  mongoDatabase?: string;
  mongo?: MongoTuning;
  logger: Logger;
}

/** Opens the store the options ask for: MongoDB when a URL is given, else embedded SQLite. */
export async function openStore(options: OpenStoreOptions): Promise<TraceStore> {
  if (options.mongoUrl === undefined || options.mongoUrl === "") {
    return SqliteStore.open({ dataDir: options.dataDir, logger: options.logger });
  }
  // Loaded lazily: the embedded store should not pay for the MongoDB driver.
  const { MongoStore } = await import("./mongo-store.js");
  return MongoStore.open({ url: options.mongoUrl, database: options.mongoDatabase, logger: options.logger, ...options.mongo });
}
