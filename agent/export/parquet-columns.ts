import type { SchemaElement } from "hyparquet-writer";

/** A column of an export table, as a tree: leaves, lists and structs. */
export type ColumnType =
  | { kind: "string" | "int64" | "double" | "bool" }
  | { kind: "list"; element: ColumnType }
  | { kind: "struct"; fields: Record<string, ColumnType> };

/** A table's columns by name, in order. */
export type TableColumns = Record<string, ColumnType>;

/** A UTF-8 string column. */
export const str: ColumnType = { kind: "string" };
/** A 64-bit integer column (values are numbers in rows, bigint on the way to the writer). */
export const int64: ColumnType = { kind: "int64" };
/** A double column. */
export const double: ColumnType = { kind: "double" };
/** A boolean column. */
export const bool: ColumnType = { kind: "bool" };
/** A list of `element`. */
export const list = (element: ColumnType): ColumnType => ({ kind: "list", element });
/** A struct of named fields, in order. */
export const struct = (fields: Record<string, ColumnType>): ColumnType => ({ kind: "struct", fields });

/**
 * The Parquet schema of a table: every field optional, lists in the standard three-level
 * form (name → list → element) that pyarrow, datasets and the Hugging Face viewer read as
 * list<...>, structs as groups.
 */
export function parquetSchema(columns: TableColumns): SchemaElement[] {
  const out: SchemaElement[] = [{ name: "root", num_children: Object.keys(columns).length }];
  for (const [name, type] of Object.entries(columns)) push(out, name, type);
  return out;
}

function push(out: SchemaElement[], name: string, t: ColumnType): void {
  switch (t.kind) {
    case "string":
      out.push({ name, type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" });
      return;
    case "int64":
      out.push({ name, type: "INT64", repetition_type: "OPTIONAL" });
      return;
    case "double":
      out.push({ name, type: "DOUBLE", repetition_type: "OPTIONAL" });
      return;
    case "bool":
      out.push({ name, type: "BOOLEAN", repetition_type: "OPTIONAL" });
      return;
    case "list":
      out.push({ name, repetition_type: "OPTIONAL", converted_type: "LIST", num_children: 1 });
      out.push({ name: "list", repetition_type: "REPEATED", num_children: 1 });
      push(out, "element", t.element);
      return;
    case "struct":
      out.push({ name, repetition_type: "OPTIONAL", num_children: Object.keys(t.fields).length });
      for (const [k, v] of Object.entries(t.fields)) push(out, k, v);
  }
}

/** A row value as the writer takes it: int64 as bigint, absent as null. */
export function parquetValue(t: ColumnType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case "int64":
      return BigInt(v as number);
    case "list":
      return (v as unknown[]).map((e) => parquetValue(t.element, e));
    case "struct": {
      const o = v as Record<string, unknown>;
      return Object.fromEntries(Object.entries(t.fields).map(([k, ft]) => [k, parquetValue(ft, o[k])]));
    }
    default:
      return v;
  }
}

/** A column type as the dataset card prints it, e.g. "list<struct<role: string, …>>". */
export function typeName(t: ColumnType): string {
  if (t.kind === "list") return `list<${typeName(t.element)}>`;
  if (t.kind === "struct") return `struct<${Object.entries(t.fields).map(([k, v]) => `${k}: ${typeName(v)}`).join(", ")}>`;
  return t.kind;
}
