import type { ExportTracesResponse } from "../../gen/devtrace/v1/trace_service_pb.js";
import { jsonLinesSink, parquetSink, type ExportSink, type LineFormat } from "./export-sinks.js";
import { ExportStats } from "./export-stats.js";
import { repoSlug } from "./repo-slug.js";
import { splitOf, type SplitBy, type SplitShare } from "./split-spec.js";
import { DuplicateTracker, groupKey, rejectReason, type DuplicatePolicy, type QualityFilter } from "./trace-selection.js";
import { traceColumns } from "./trace-columns.js";

/** The formats of `devtrace traces export --format`. */
export const exportFormats = ["jsonl", "swebench", "messages", "parquet"] as const;
export type ExportFormat = (typeof exportFormats)[number];

/** What runExport writes and how it selects. */
export interface ExportOptions {
  format: ExportFormat;
  /** A file (JSON-lines formats without splits; stdout when absent) or a new or empty directory. */
  out?: string;
  /** Splits by hash of `by`; absent: everything in one split, "train". */
  splits?: SplitShare[];
  /** What keeps traces together in a split; default "developer". */
  by?: SplitBy;
  quality?: QualityFilter;
  /** A repeated (developer, task): "flag" sets duplicate_of (default), "drop" keeps only the newest. */
  duplicates?: DuplicatePolicy;
  /** Parquet shard size; default 256 MiB. */
  shardBytes?: number;
  /** Parquet rows per row group; default 500. */
  rowGroupRows?: number;
  /** Dataset card licence; default "other". */
  license?: string;
  /** The filters as given, for the card. */
  filters?: string[];
}

/** What an export produced. */
export interface ExportResult {
  stats: ExportStats;
  files: string[];
}

/**
 * Streams ExportTraces answers into the chosen format: quality filters, duplicates, splits, then
 * rows. One trace is held at a time (plus a Parquet row group), whatever the dataset's size. On
 * any failure what was written is removed and the error is thrown.
 */
export async function runExport(source: AsyncIterable<ExportTracesResponse>, o: ExportOptions): Promise<ExportResult> {
  if (o.format === "parquet" && o.out === undefined) throw new Error("--format parquet needs --out DIR");
  const sink: ExportSink =
    o.format === "parquet"
      ? parquetSink(o.out!, { shardBytes: o.shardBytes, rowGroupRows: o.rowGroupRows })
      : jsonLinesSink(o.format as LineFormat, o.out, o.splits !== undefined);
  const stats = new ExportStats();
  const duplicates = new DuplicateTracker();
  try {
    for await (const res of source) {
      const trace = res.trace;
      if (trace === undefined) throw new Error("ExportTraces answered a message without a trace");
      stats.received++;
      const reason = rejectReason(trace, o.quality ?? {});
      if (reason !== undefined) {
        stats.drop(reason);
        continue;
      }
      const duplicateOf = duplicates.duplicateOf(trace);
      if (duplicateOf !== null && o.duplicates === "drop") {
        stats.drop("duplicate");
        continue;
      }
      const split = o.splits ? splitOf(groupKey(trace, o.by ?? "developer"), o.splits) : "train";
      await sink.write(split, res, trace, res.events, duplicateOf);
      const c = traceColumns(trace);
      stats.add({ split, verdict: c.verdict, score: c.score, rubricVersion: c.rubric_version, events: res.events.length, developer: c.developer_id, repo: repoSlug(trace.task?.repoUrl ?? ""), duplicate: duplicateOf !== null });
    }
    const splitNote = o.splits ? `${o.splits.map((s) => `${s.name}=${s.fraction}`).join(",")} by ${o.by ?? "developer"}` : undefined;
    const files = await sink.close({ stats, license: o.license ?? "other", splitNote, filters: o.filters ?? [] });
    return { stats, files };
  } catch (err) {
    sink.abort();
    throw err;
  }
}
