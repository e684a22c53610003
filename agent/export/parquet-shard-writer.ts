import { renameSync } from "node:fs";
import { join } from "node:path";
import { fileWriter, ParquetWriter } from "hyparquet-writer";
import { parquetSchema, parquetValue, type TableColumns } from "./parquet-columns.js";

/** Options of ParquetShardWriter. */
export interface ParquetShardOptions {
  /** Directory the shards go in (must exist). */
  dir: string;
  /** File name prefix, the split's name: shards are PREFIX-00000-of-0000N.parquet. */
  prefix: string;
  columns: TableColumns;
  /** A shard is closed once it holds at least this many bytes; default 256 MiB. */
  shardBytes?: number;
  /** A row group is written once it holds this many rows; default 500. */
  rowGroupRows?: number;
  /** …or roughly this many bytes of strings; default 4 MiB. Bounds the writer's memory. */
  rowGroupBytes?: number;
}

/** Rough size of a row's strings, to bound a row group's memory without encoding it twice. */
export function roughBytes(v: unknown): number {
  if (typeof v === "string") return v.length;
  if (Array.isArray(v)) return v.reduce((a: number, e) => a + roughBytes(e), 8);
  if (v !== null && typeof v === "object") return Object.values(v).reduce((a: number, e) => a + roughBytes(e), 8);
  return 8;
}

/**
 * Writes rows of one table and split as Parquet shards, one row group at a time, so memory is
 * bounded by a row group whatever the dataset's size. Shards are written as "….partial" and get
 * their final "-of-N" names only in close(): an interrupted export leaves no shard that looks done.
 */
export class ParquetShardWriter {
  readonly #o: Required<ParquetShardOptions>;
  readonly #schema;
  /** The buffered row group, column by column, already in the writer's value form. */
  #columns: Map<string, unknown[]>;
  #buffered = 0;
  #bytes = 0;
  #writer: ParquetWriter | undefined;
  #partials: string[] = [];
  #rowCount = 0;

  constructor(o: ParquetShardOptions) {
    this.#o = { ...o, shardBytes: o.shardBytes ?? 256 << 20, rowGroupRows: o.rowGroupRows ?? 500, rowGroupBytes: o.rowGroupBytes ?? 4 << 20 };
    this.#schema = parquetSchema(o.columns);
    this.#columns = new Map(Object.keys(o.columns).map((name) => [name, []]));
  }

  /** Rows written so far. */
  get rows(): number {
    return this.#rowCount;
  }

  /** Adds a row (an object with the table's columns); only its converted values are kept. */
  write(row: object): void {
    const r = row as Record<string, unknown>;
    for (const [name, type] of Object.entries(this.#o.columns)) this.#columns.get(name)!.push(parquetValue(type, r[name]));
    this.#bytes += roughBytes(row);
    this.#buffered++;
    this.#rowCount++;
    if (this.#buffered >= this.#o.rowGroupRows || this.#bytes >= this.#o.rowGroupBytes) this.#flushGroup();
  }

  #flushGroup(): void {
    if (this.#buffered === 0) return;
    if (this.#writer === undefined) {
      const file = join(this.#o.dir, `${this.#o.prefix}-${String(this.#partials.length).padStart(5, "0")}.parquet.partial`);
      this.#partials.push(file);
      this.#writer = new ParquetWriter({ writer: fileWriter(file), schema: this.#schema, createdBy: "devtrace" });
    }
    const columnData = [...this.#columns.entries()].map(([name, data]) => ({ name, data }));
    void this.#writer.write({ columnData, rowGroupSize: this.#buffered });
    for (const name of this.#columns.keys()) this.#columns.set(name, []);
    this.#buffered = 0;
    this.#bytes = 0;
    if (this.#writer.writer.offset >= this.#o.shardBytes) this.#finishShard();
  }

  #finishShard(): void {
    this.#writer?.finish();
    this.#writer = undefined;
  }

  /** Writes what is buffered, closes the last shard and names the shards; returns their paths. */
  close(): string[] {
    this.#flushGroup();
    this.#finishShard();
    const n = this.#partials.length;
    return this.#partials.map((partial, i) => {
      const file = join(this.#o.dir, `${this.#o.prefix}-${String(i).padStart(5, "0")}-of-${String(n).padStart(5, "0")}.parquet`);
      renameSync(partial, file);
      return file;
    });
  }
}
