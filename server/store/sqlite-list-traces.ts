import type { Database } from "better-sqlite3";
import type { ListFilter } from "./list-filter.js";
import type { CursorPosition } from "./page-cursor.js";
import { traceColumns } from "./sqlite-trace-row.js";
import type { TraceRow } from "./sqlite-trace-row.js";

/**
 * Up to `limit` trace rows matching the filter, newest first, strictly after `after`
 * in (created_at DESC, id DESC) order. Every condition is a bound parameter.
 */
export function selectTracePage(db: Database, filter: ListFilter, limit: number, after?: CursorPosition): TraceRow[] {
  const where: string[] = [];
  const params: Record<string, unknown> = { limit };
  if (filter.developerId !== undefined) {
    where.push("developer_id = @developerId");
    params.developerId = filter.developerId;
  }
  if (filter.statuses.length > 0) {
    const names = filter.statuses.map((s, i) => {
      params[`status${i}`] = s;
      return `@status${i}`;
    });
    where.push(`status IN (${names.join(", ")})`);
  }
  if (filter.repoUrl !== undefined) {
    where.push("repo_url = @repoUrl");
    params.repoUrl = filter.repoUrl;
  }
  if (filter.createdFromMs !== undefined) {
    where.push("created_at >= @createdFrom");
    params.createdFrom = filter.createdFromMs;
  }
  if (filter.createdBeforeMs !== undefined) {
    where.push("created_at < @createdBefore");
    params.createdBefore = filter.createdBeforeMs;
  }
  if (filter.minScore !== undefined) {
    where.push("score >= @minScore");
    params.minScore = filter.minScore;
  }
  if (filter.maxScore !== undefined) {
    where.push("score <= @maxScore");
    params.maxScore = filter.maxScore;
  }
  if (after !== undefined) {
    // Row-value comparison: SQLite turns it into a range on the (created_at, id) index.
    where.push("(created_at, id) < (@afterCreated, @afterId)");
    params.afterCreated = after.createdAtMs;
    params.afterId = after.id;
  }
  const sql =
    `SELECT ${traceColumns} FROM traces` +
    (where.length > 0 ? ` WHERE ${where.join(" AND ")}` : "") +
    " ORDER BY created_at DESC, id DESC LIMIT @limit";
  return db.prepare(sql).all(params) as TraceRow[];
}
