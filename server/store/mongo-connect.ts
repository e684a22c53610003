import { MongoClient } from "mongodb";
import type { MongoClientOptions } from "mongodb";
import type { Logger } from "pino";
import { maskMongoUrl } from "./mongo-errors.js";

/** How connectWithRetry retries; defaults suit a server started before its database. */
export interface ConnectRetry {
  /** Give up after this long. Default 60 000 ms. */
  deadlineMs?: number;
  /** First back-off, doubled per attempt. Default 250 ms. */
  initialBackoffMs?: number;
  /** Longest back-off. Default 5000 ms. */
  maxBackoffMs?: number;
}

/**
 * Connects and pings, retrying with exponential back-off until the deadline. Each
 * failure is logged with the URL (password masked); the final error names it too.
 */
export async function connectWithRetry(url: string, options: MongoClientOptions, retry: ConnectRetry, logger: Logger): Promise<MongoClient> {
  const masked = maskMongoUrl(url);
  const deadline = Date.now() + (retry.deadlineMs ?? 60_000);
  let backoff = retry.initialBackoffMs ?? 250;
  for (let attempt = 1; ; attempt++) {
    const client = new MongoClient(url, options);
    try {
      await client.connect();
      await client.db("admin").command({ ping: 1 });
      if (attempt > 1) logger.info({ url: masked, attempt }, "MongoDB reachable");
      return client;
    } catch (error) {
      await client.close().catch((e: unknown) => logger.debug({ err: e }, "closing a failed MongoDB client"));
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`cannot reach MongoDB at ${masked} after ${attempt} attempt(s): ${(error as Error).message}`, { cause: error });
      }
      const wait = Math.min(backoff, left);
      logger.warn({ url: masked, attempt, retryInMs: wait, err: (error as Error).message }, "MongoDB unreachable; retrying");
      await new Promise((r) => setTimeout(r, wait));
      backoff = Math.min(backoff * 2, retry.maxBackoffMs ?? 5000);
    }
  }
}

/** The database a connection string names in its path, if any. */
export function databaseInUrl(url: string): string | undefined {
  const m = /^mongodb(?:\+srv)?:\/\/[^/?]*\/([^?]+)/.exec(url);
  return m ? decodeURIComponent(m[1]) : undefined;
}

/** Lower-cased names of the options a connection string sets in its query. */
export function urlOptionNames(url: string): Set<string> {
  const query = url.includes("?") ? url.slice(url.indexOf("?") + 1) : "";
  return new Set([...new URLSearchParams(query).keys()].map((k) => k.toLowerCase()));
}
