import type { BenchContext } from "./lib/bench-context.js";
import type { Row } from "./lib/row.js";
import { ackLatency } from "./ack-latency.js";
import { ingestMongo } from "./ingest-mongo.js";
import { ingestSqlite } from "./ingest-sqlite.js";

/** One part of the list. */
export interface BenchPart {
  part: number;
  title: string;
  run(ctx: BenchContext): Promise<Row[]>;
}

/** Every part, in the order; agent parts last because they land last. */
export const parts: BenchPart[] = [
  { part: 1, title: "ingest, embedded store", run: ingestSqlite },
  { part: 2, title: "ack latency at 2 000 events/s", run: ackLatency },
  { part: 3, title: "ingest, MongoDB backend", run: ingestMongo },
];
