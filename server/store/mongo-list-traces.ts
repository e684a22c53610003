import type { Filter } from "mongodb";
import type { ListFilter } from "./list-filter.js";
import type { TraceDoc } from "./mongo-schema.js";
import type { CursorPosition } from "./page-cursor.js";

/** The query of one ListTraces page: every filter, and the keyset position after the cursor. */
export function traceQuery(filter: ListFilter, after?: CursorPosition): Filter<TraceDoc> {
  const q: Filter<TraceDoc> = {};
  if (filter.developerId !== undefined) q.developerId = filter.developerId;
  if (filter.statuses.length > 0) q.status = { $in: filter.statuses };
  if (filter.repoUrl !== undefined) q.repoUrl = filter.repoUrl;
  const created: { $gte?: Date; $lt?: Date } = {};
  if (filter.createdFromMs !== undefined) created.$gte = new Date(filter.createdFromMs);
  if (filter.createdBeforeMs !== undefined) created.$lt = new Date(filter.createdBeforeMs);
  if (Object.keys(created).length > 0) q.createdAt = created;
  // `score` exists only on DONE traces (trace-score.ts), so a bound never matches others.
  const score: { $gte?: number; $lte?: number } = {};
  if (filter.minScore !== undefined) score.$gte = filter.minScore;
  if (filter.maxScore !== undefined) score.$lte = filter.maxScore;
  if (Object.keys(score).length > 0) q.score = score;
  if (after === undefined) return q;
  const at = new Date(after.createdAtMs);
  const keyset: Filter<TraceDoc> = { $or: [{ createdAt: { $lt: at } }, { createdAt: at, _id: { $lt: after.id } }] };
  return Object.keys(q).length === 0 ? keyset : { $and: [q, keyset] };
}

/** The page order: newest first, ties by id descending. */
export const traceOrder = { createdAt: -1, _id: -1 } as const;
