import type { Timestamp } from "@bufbuild/protobuf/wkt";
import type { TraceStatus } from "../../gen/devtrace/v1/trace_pb.js";
import type { TraceFilter } from "../../gen/devtrace/v1/trace_service_pb.js";

/**
 * A TraceFilter reduced to what a backend query needs. Time bounds are a half-open
 * range in milliseconds: createdFromMs ≤ created_at < createdBeforeMs.
 */
export interface ListFilter {
  developerId?: string;
  statuses: TraceStatus[];
  repoUrl?: string;
  createdFromMs?: number;
  createdBeforeMs?: number;
  minScore?: number;
  maxScore?: number;
}

// Creation times are stored in whole milliseconds; rounding a nanosecond bound up keeps
// "at or after" and "before" exact for them.
function boundMs(ts: Timestamp | undefined): number | undefined {
  if (ts === undefined) return undefined;
  return Number(ts.seconds) * 1000 + Math.ceil(ts.nanos / 1_000_000);
}

/** Normalises the wire filter: empty strings and absent fields do not filter. */
export function toListFilter(filter: TraceFilter | undefined): ListFilter {
  if (filter === undefined) return { statuses: [] };
  return {
    developerId: filter.developerId || undefined,
    statuses: [...new Set(filter.statuses)],
    repoUrl: filter.repoUrl || undefined,
    createdFromMs: boundMs(filter.createdAfter),
    createdBeforeMs: boundMs(filter.createdBefore),
    minScore: filter.minScore,
    maxScore: filter.maxScore,
  };
}
