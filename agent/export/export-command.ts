import type { Client } from "@connectrpc/connect";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { TraceFilterSchema, TraceService } from "../../gen/devtrace/v1/trace_service_pb.js";
import { UsageError } from "../commands/command-args.js";
import { exportFormats, runExport, type ExportFormat } from "./run-export.js";
import { parseSplitSpec, SplitSpecError, type SplitBy } from "./split-spec.js";
import { parseVerdict, verdictName } from "./trace-columns.js";

/** The flags of `devtrace traces export` beyond the list filters and --out. */
export const exportOptions = {
  format: { type: "string" },
  split: { type: "string" },
  by: { type: "string" },
  "min-events": { type: "string" },
  verdict: { type: "string", multiple: true },
  duplicates: { type: "string" },
  "shard-size": { type: "string" },
  license: { type: "string" },
} as const;

/** Help lines for exportOptions. */
export const exportHelp = `export options:
  --format F            jsonl (default: one trace with its events per line, as ExportTraces),
                        swebench (SWE-bench task instances), messages (chat trajectories with
                        tool calls), parquet (both tables, sharded, with a dataset card)
  --out PATH            a file (jsonl, swebench, messages; default stdout), or a new or empty
                        directory (parquet, and any format with --split)
  --split S             e.g. train=0.9,validation=0.1: splits by hash, never straddled by a group
  --by G                developer (default), repo or task: the group kept in one split
  --min-events N        only traces with at least N events
  --verdict V           resolved, partial, not_resolved, invalid (repeatable)
  --duplicates D        flag (default: set duplicate_of) or drop: a developer's repeats of a task
  --shard-size SIZE     parquet shard size, e.g. 256MiB (default), 64MB
  --license ID          licence field of the dataset card (default other)`;

/** The flag values runExportCommand reads. */
export interface ExportFlagValues {
  out?: string;
  format?: string;
  split?: string;
  by?: string;
  "min-events"?: string;
  verdict?: string[];
  duplicates?: string;
  "shard-size"?: string;
  license?: string;
}

/** The list filters as given on the command line, for the dataset card. */
export function filterArgsOf(v: Record<string, unknown>): string[] {
  return ["developer", "status", "repo-url", "since", "until", "min-score", "max-score"].flatMap((k) => {
    const x = v[k];
    return x === undefined ? [] : (Array.isArray(x) ? x : [x]).map((y) => `--${k} ${String(y)}`);
  });
}

/** "256MiB", "64MB", "1e6" → bytes. */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?(?:e\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)?\s*$/i.exec(text);
  if (!m) return undefined;
  const unit = { b: 1, kb: 1e3, kib: 1024, mb: 1e6, mib: 1 << 20, gb: 1e9, gib: 1 << 30 }[(m[2] ?? "b").toLowerCase()]!;
  const n = Math.round(Number(m[1]) * unit);
  return n >= 1 ? n : undefined;
}

/** `devtrace traces export`: streams ExportTraces into the chosen format. */
export async function runExportCommand(
  client: Client<typeof TraceService>,
  v: ExportFlagValues,
  filter: MessageInitShape<typeof TraceFilterSchema>,
  filterArgs: string[],
  usage: string,
): Promise<number> {
  const bad = (msg: string) => new UsageError(msg, usage);
  const format = (v.format ?? "jsonl") as ExportFormat;
  if (!exportFormats.includes(format)) throw bad(`--format must be one of ${exportFormats.join(", ")}, got "${v.format}"`);
  let splits;
  try {
    splits = v.split === undefined ? undefined : parseSplitSpec(v.split);
  } catch (err) {
    if (err instanceof SplitSpecError) throw bad(err.message);
    throw err;
  }
  if (v.by !== undefined && !["developer", "repo", "task"].includes(v.by)) throw bad(`--by must be developer, repo or task, got "${v.by}"`);
  if (v.by !== undefined && splits === undefined) throw bad("--by needs --split");
  const minEvents = v["min-events"] === undefined ? undefined : Number(v["min-events"]);
  if (minEvents !== undefined && !(Number.isInteger(minEvents) && minEvents >= 0)) throw bad(`--min-events must be a whole number ≥ 0, got "${v["min-events"]}"`);
  const verdicts = (v.verdict ?? []).flatMap((s) => s.split(",")).map((s) => {
    const verdict = parseVerdict(s);
    if (verdict === undefined) throw bad(`unknown --verdict "${s}" (resolved, partial, not_resolved, invalid)`);
    return verdict;
  });
  if (v.duplicates !== undefined && v.duplicates !== "flag" && v.duplicates !== "drop") throw bad(`--duplicates must be flag or drop, got "${v.duplicates}"`);
  const shardBytes = v["shard-size"] === undefined ? undefined : parseSize(v["shard-size"]);
  if (v["shard-size"] !== undefined && shardBytes === undefined) throw bad(`--shard-size must be a size such as 256MiB, got "${v["shard-size"]}"`);
  if (v.license !== undefined && !/^[A-Za-z0-9.+-]{1,64}$/.test(v.license)) throw bad(`--license must be an SPDX id such as cc-by-4.0, got "${v.license}"`);
  if ((format === "parquet" || splits !== undefined) && v.out === undefined) throw bad(`--format ${format}${splits ? " with --split" : ""} needs --out DIR`);

  const { stats, files } = await runExport(client.exportTraces({ filter }), {
    format,
    out: v.out,
    splits,
    by: v.by as SplitBy | undefined,
    quality: { minEvents, verdicts },
    duplicates: v.duplicates as "flag" | "drop" | undefined,
    shardBytes,
    license: v.license,
    filters: [...filterArgs, ...(minEvents !== undefined ? [`--min-events ${minEvents}`] : []), ...verdicts.map((x) => `--verdict ${verdictName(x)}`)],
  });
  if (v.out !== undefined) {
    const left = [...stats.dropped.entries()].map(([k, n]) => `${n} ${k}`).join(", ");
    const per = [...stats.perSplit.entries()].map(([k, n]) => `${k} ${n}`).join(", ");
    console.error(`exported ${stats.written} of ${stats.received} traces (${stats.events} events) as ${format} to ${v.out}${per ? ` — ${per}` : ""}${left ? `; left out: ${left}` : ""}; ${files.length} files`);
  }
  return 0;
}
