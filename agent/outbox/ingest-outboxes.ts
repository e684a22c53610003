import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import { outboxOwner, readOutbox, type OutboxRecord } from "./outbox-file.js";
import { pidAlive } from "../state/pid-alive.js";

/** Accepts one record into the spool (the agent's intake); throws when the spool refuses it. */
export type OutboxSink = (record: OutboxRecord) => Promise<void>;

/**
 * Spools what dead shells and `devtrace note` runs left in the outbox directory while no
 * agent was there, then deletes their files. Files of live processes are theirs: a live
 * shell redelivers its own records when it reconnects. Returns the records accepted.
 */
export async function ingestOutboxes(dir: string, sink: OutboxSink, logger: Logger): Promise<number> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw new Error(`cannot list the outbox ${dir}`, { cause: err });
  }
  let accepted = 0;
  for (const name of names.sort()) {
    const owner = outboxOwner(name);
    if (owner === undefined || (owner !== process.pid && pidAlive(owner))) continue;
    const file = join(dir, name);
    const records = readOutbox(file);
    for (const record of records) {
      await sink(record);
      accepted++;
    }
    rmSync(file, { force: true });
    if (records.length > 0) logger.info({ file: name, records: records.length }, "spooled a dead client's outbox");
  }
  return accepted;
}
