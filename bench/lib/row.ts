import type { Summary } from "./stats.js";

/** A goal a measured figure is held to: at least (ratios, rates) or at most (latencies, overheads). */
export interface Goal {
  kind: "min" | "max";
  target: number;
  /** How the goal reads in the table, e.g. "≥ 0.50" or "p99 < 10 ms". */
  text: string;
}

/** One line of the results table. */
export interface Row {
  /** Issue part number (1–8), or 0 for supporting measurements. */
  part: number;
  /** What was measured, e.g. "ingest, 1 stream (gRPC)". */
  name: string;
  /** The measured figure, formatted with its spread. */
  value: string;
  /** The limit it is compared to, formatted; "" when there is none. */
  limit: string;
  /** measured / limit per repeat, when the row is a ratio. */
  ratio?: Summary;
  /** The goal and the number checked against it (ratio median, p99 ms…). */
  goal?: Goal;
  measured?: number;
  /** SKIP and ERROR rows carry the reason in `note`. */
  status?: "SKIP" | "ERROR";
  note?: string;
}

/** PASS / MISS against the goal, "info" without one, or the row's SKIP / ERROR. */
export function verdict(row: Row): string {
  if (row.status) return row.status;
  if (!row.goal || row.measured === undefined || Number.isNaN(row.measured)) return "info";
  const ok = row.goal.kind === "min" ? row.measured >= row.goal.target : row.measured <= row.goal.target;
  return ok ? "PASS" : "MISS";
}

/**
 * How far a row is from its goal as one number (1 = exactly on it, < 1 = short of it):
 * lets the closing note name the slowest path against its goal across different units.
 */
export function attainment(row: Row): number | undefined {
  if (row.status || !row.goal || row.measured === undefined || Number.isNaN(row.measured)) return undefined;
  if (row.goal.kind === "min") return row.measured / row.goal.target;
  return row.measured <= 0 ? Infinity : row.goal.target / row.measured;
}

/** A row for a part whose infrastructure is missing. */
export function skipRow(part: number, name: string, why: string): Row {
  return { part, name, value: "", limit: "", status: "SKIP", note: why };
}

/** A row for a part that failed while running. */
export function errorRow(part: number, name: string, error: unknown): Row {
  const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
  return { part, name, value: "", limit: "", status: "ERROR", note: message.slice(0, 160) };
}
