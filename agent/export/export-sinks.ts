import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { toJson } from "@bufbuild/protobuf";
import type { Event } from "../../gen/devtrace/v1/event_pb.js";
import type { Trace } from "../../gen/devtrace/v1/trace_pb.js";
import { ExportTracesResponseSchema, type ExportTracesResponse } from "../../gen/devtrace/v1/trace_service_pb.js";
import { datasetCard, type CardInput } from "./dataset-card.js";
import { messagesColumns, swebenchColumns } from "./export-tables.js";
import { JsonLinesFile } from "./json-lines-file.js";
import { messagesRow } from "./messages-row.js";
import { ParquetShardWriter } from "./parquet-shard-writer.js";
import { swebenchRow } from "./swebench-row.js";

/** Where exported traces go, split by split. */
export interface ExportSink {
  write(split: string, res: ExportTracesResponse, trace: Trace, events: Event[], duplicateOf: string | null): Promise<void>;
  /** Finishes every file; returns their paths. */
  close(card: Omit<CardInput, "tables" | "shards">): Promise<string[]>;
  /** Removes what a failed export wrote. */
  abort(): void;
}

/** Text formats: one JSON line per trace. */
export type LineFormat = "jsonl" | "swebench" | "messages";

/** An output directory must be new or empty, so no earlier export's files mix in. */
export function prepareDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (readdirSync(dir).length > 0) throw new Error(`${dir} is not empty: give a new or empty directory`);
}

/** JSON lines: one file (or stdout) without splits, DIR/SPLIT.jsonl with them. */
export function jsonLinesSink(format: LineFormat, out: string | undefined, split: boolean): ExportSink {
  if (split && out === undefined) throw new Error("--split needs --out DIR");
  if (split) prepareDir(out!);
  const files = new Map<string, JsonLinesFile>();
  const fileFor = (name: string) => {
    let f = files.get(name);
    if (f === undefined) files.set(name, (f = new JsonLinesFile(split ? join(out!, `${name}.jsonl`) : out)));
    return f;
  };
  if (!split) fileFor("train");
  return {
    async write(name, res, trace, events, duplicateOf) {
      const f = fileFor(split ? name : "train");
      if (format === "jsonl") await f.write(toJson(ExportTracesResponseSchema, res));
      else if (format === "swebench") await f.write(swebenchRow(trace, duplicateOf));
      else await f.write(messagesRow(trace, events, duplicateOf));
    },
    async close() {
      for (const f of files.values()) await f.close();
      return [...files.values()].flatMap((f) => (f.path ? [f.path] : []));
    },
    abort() {
      for (const f of files.values()) f.abort();
    },
  };
}

/** Parquet: DIR/swebench/SPLIT-0000i-of-0000n.parquet, DIR/messages/…, and the card DIR/README.md. */
export function parquetSink(out: string, o: { shardBytes?: number; rowGroupRows?: number }): ExportSink {
  prepareDir(out);
  const tables = { messages: messagesColumns, swebench: swebenchColumns } as const;
  for (const t of Object.keys(tables)) mkdirSync(join(out, t), { mode: 0o700 });
  const writers = new Map<string, { messages: ParquetShardWriter; swebench: ParquetShardWriter }>();
  const writersFor = (split: string) => {
    let w = writers.get(split);
    if (w === undefined) {
      const make = (t: keyof typeof tables) =>
        new ParquetShardWriter({ dir: join(out, t), prefix: split, columns: tables[t], shardBytes: o.shardBytes, rowGroupRows: o.rowGroupRows });
      writers.set(split, (w = { messages: make("messages"), swebench: make("swebench") }));
    }
    return w;
  };
  return {
    async write(split, _res, trace, events, duplicateOf) {
      const w = writersFor(split);
      w.swebench.write(swebenchRow(trace, duplicateOf));
      w.messages.write(messagesRow(trace, events, duplicateOf));
    },
    async close(card) {
      const files: string[] = [];
      const shards: Record<string, Record<string, number>> = { messages: {}, swebench: {} };
      for (const [split, w] of writers) {
        for (const t of ["messages", "swebench"] as const) {
          const written = w[t].close();
          shards[t][split] = written.length;
          files.push(...written);
        }
      }
      const readme = join(out, "README.md");
      writeFileSync(readme, datasetCard({ ...card, tables, shards }), { mode: 0o600 });
      return [...files, readme];
    },
    abort() {
      for (const name of [...Object.keys(tables), "README.md"]) rmSync(join(out, name), { recursive: true, force: true });
    },
  };
}
