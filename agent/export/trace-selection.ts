import { createHash } from "node:crypto";
import type { Verdict } from "../../gen/devtrace/v1/qa_pb.js";
import type { Trace } from "../../gen/devtrace/v1/trace_pb.js";
import { repoSlug } from "./repo-slug.js";
import type { SplitBy } from "./split-spec.js";

/** Quality filters applied on the client to each exported trace (the server applies the list filters). */
export interface QualityFilter {
  /** Keep traces with at least this many events; default 0. */
  minEvents?: number;
  /** Keep traces whose tests' verdict is one of these; default any (and none). */
  verdicts?: readonly Verdict[];
}

/** What to do with a second trace of the same task by the same developer. */
export type DuplicatePolicy = "flag" | "drop";

/** Why a trace was left out, or undefined when it passes. */
export function rejectReason(trace: Trace, f: QualityFilter): "min_events" | "verdict" | undefined {
  if (f.minEvents !== undefined && Number(trace.eventCount) < f.minEvents) return "min_events";
  if (f.verdicts !== undefined && f.verdicts.length > 0 && !f.verdicts.includes(trace.qa?.tests?.verdict ?? 0)) return "verdict";
  return undefined;
}

/** One task, whoever worked on it: repository, base commit and the description with whitespace and case folded. */
export function taskKey(trace: Trace): string {
  const t = trace.task;
  const text = (t?.description ?? "").trim().replace(/\s+/g, " ").toLowerCase();
  return createHash("sha256").update(`${repoSlug(t?.repoUrl ?? "").toLowerCase()}\0${t?.baseCommit ?? ""}\0${text}`).digest("hex");
}

/** The group a trace is split by. */
export function groupKey(trace: Trace, by: SplitBy): string {
  if (by === "developer") return `developer\0${trace.developer?.id ?? ""}`;
  if (by === "repo") return `repo\0${repoSlug(trace.task?.repoUrl ?? "").toLowerCase()}`;
  return `task\0${taskKey(trace)}`;
}

/**
 * Remembers the first trace of each (developer, task): the export comes newest first, so the
 * trace kept is the developer's latest attempt. Holds one short key per distinct pair.
 */
export class DuplicateTracker {
  readonly #first = new Map<string, string>();

  /** The trace id this one duplicates, or null for the first of its kind. */
  duplicateOf(trace: Trace): string | null {
    const key = `${trace.developer?.id ?? ""}\0${taskKey(trace)}`;
    const first = this.#first.get(key);
    if (first !== undefined) return first;
    this.#first.set(key, trace.id);
    return null;
  }
}
