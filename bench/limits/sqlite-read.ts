/**
 * Part 5's limits, on the server's own database file (read-only, its own process):
 *
 * mode "list":   the store's own first-page query (selectTracePage) per filter, rows not
 *                decoded; prints { perFilter: [{ p50Ms, p99Ms }] }.
 * mode "events": SELECT body … ORDER BY seq of each trace in `traceIds`, bodies not
 *                decoded; prints { rowsPerSec, perTraceMs: [...] }.
 */
import { fromJson } from "@bufbuild/protobuf";
import type { JsonValue } from "@bufbuild/protobuf";
import Database from "better-sqlite3";
import { TraceFilterSchema } from "../../gen/devtrace/v1/trace_service_pb.js";
import { toListFilter } from "../../server/store/list-filter.js";
import { selectTracePage } from "../../server/store/sqlite-list-traces.js";
import { childInput, childOutput } from "../lib/child-task.js";
import { quantile } from "../lib/stats.js";

/** What the parent asks for. */
export interface SqliteReadInput {
  mode: "list" | "events";
  dbFile: string;
  /** mode "list": TraceFilter messages in JSON form. */
  filters?: JsonValue[];
  pageSize?: number;
  calls?: number;
  /** mode "events". */
  traceIds?: string[];
}

const input = childInput<SqliteReadInput>();
const db = new Database(input.dbFile, { readonly: true });
try {
  if (input.mode === "list") {
    const perFilter = (input.filters ?? []).map((json) => {
      const filter = toListFilter(fromJson(TraceFilterSchema, json));
      const times: number[] = [];
      for (let i = 0; i < (input.calls ?? 100); i++) {
        const t = performance.now();
        selectTracePage(db, filter, (input.pageSize ?? 50) + 1);
        times.push(performance.now() - t);
      }
      return { p50Ms: quantile(times, 0.5), p99Ms: quantile(times, 0.99) };
    });
    childOutput({ perFilter });
  } else {
    const read = db.prepare("SELECT body FROM events WHERE trace_id = ? ORDER BY seq").pluck();
    const perTraceMs: number[] = [];
    let rows = 0;
    const started = performance.now();
    for (const id of input.traceIds ?? []) {
      const t = performance.now();
      rows += read.all(id).length;
      perTraceMs.push(performance.now() - t);
    }
    childOutput({ rowsPerSec: rows / ((performance.now() - started) / 1000), perTraceMs });
  }
} finally {
  db.close();
}
