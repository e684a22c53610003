import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { TraceStatus } from "../../gen/devtrace/v1/trace_pb.js";
import { TraceFilterSchema } from "../../gen/devtrace/v1/trace_service_pb.js";
import type { TraceFilter } from "../../gen/devtrace/v1/trace_service_pb.js";

/** The statuses a researcher can filter on, in lifecycle order. */
export const filterStatuses = [
  TraceStatus.OPEN,
  TraceStatus.QUEUED,
  TraceStatus.RUNNING_TESTS,
  TraceStatus.JUDGING,
  TraceStatus.DONE,
  TraceStatus.FAILED,
];

/**
 * Reads the list's URL query (`developer`, `status` (repeated, e.g. DONE), `repo`,
 * `since`/`until` (YYYY-MM-DD, UTC days, both inclusive), `min`/`max` score) into a
 * ListTraces filter; `{ error }` names the first field that does not parse.
 */
export function filterFromQuery(q: URLSearchParams): { value: TraceFilter } | { error: string } {
  const f = create(TraceFilterSchema, {});
  f.developerId = q.get("developer") ?? "";
  f.repoUrl = q.get("repo") ?? "";
  for (const s of q.getAll("status")) {
    const v = TraceStatus[s as keyof typeof TraceStatus];
    if (typeof v !== "number" || !filterStatuses.includes(v)) return { error: `status: unknown status "${s}"` };
    f.statuses.push(v);
  }
  for (const [key, field, dayOffset] of [
    ["since", "createdAfter", 0],
    ["until", "createdBefore", 1],
  ] as const) {
    const d = q.get(key);
    if (!d) continue;
    const t = /^\d{4}-\d{2}-\d{2}$/.test(d) ? Date.parse(`${d}T00:00:00Z`) : Number.NaN;
    if (Number.isNaN(t)) return { error: `${key}: "${d}" is not a date (YYYY-MM-DD)` };
    f[field] = timestampFromMs(t + dayOffset * 86_400_000);
  }
  for (const [key, field] of [
    ["min", "minScore"],
    ["max", "maxScore"],
  ] as const) {
    const s = q.get(key);
    if (s === null || s === "") continue;
    const v = Number(s);
    if (!Number.isFinite(v) || v < 0 || v > 1) return { error: `${key} score: "${s}" is not a number from 0 to 1` };
    f[field] = v;
  }
  if (f.minScore !== undefined && f.maxScore !== undefined && f.minScore > f.maxScore) {
    return { error: "min score: greater than the max score" };
  }
  return { value: f };
}
