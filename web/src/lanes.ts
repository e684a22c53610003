import type { Event } from "../../gen/devtrace/v1/event_pb.js";
import { kindName, ms } from "./format.js";

/** One row of the timeline: everything one terminal, editor, watcher or note source did. */
export interface Lane {
  sessionId: string;
  /** e.g. "term-1 · commands", "watcher · edits". */
  label: string;
  /** Indexes into the events array, in time order. */
  events: number[];
}

/** The trace's lanes, one per session id, in order of first appearance, and the time span. */
export function buildLanes(events: readonly Event[]): { lanes: Lane[]; t0: number; t1: number } {
  const bySession = new Map<string, Lane>();
  const kinds = new Map<string, Map<string, number>>();
  let t0 = Number.POSITIVE_INFINITY;
  let t1 = Number.NEGATIVE_INFINITY;
  events.forEach((e, i) => {
    const t = ms(e.time);
    if (t < t0) t0 = t;
    if (t > t1) t1 = t;
    let lane = bySession.get(e.sessionId);
    if (!lane) bySession.set(e.sessionId, (lane = { sessionId: e.sessionId, label: "", events: [] }));
    lane.events.push(i);
    const k = kinds.get(e.sessionId) ?? new Map<string, number>();
    k.set(kindName(e), (k.get(kindName(e)) ?? 0) + 1);
    kinds.set(e.sessionId, k);
  });
  const lanes = [...bySession.values()];
  for (const lane of lanes) {
    lane.events.sort((a, b) => ms(events[a].time) - ms(events[b].time) || a - b);
    const top = [...(kinds.get(lane.sessionId) ?? new Map<string, number>())].sort((a, b) => b[1] - a[1]).slice(0, 2);
    lane.label = `${lane.sessionId} · ${top.map(([k]) => k).join(", ")}`;
  }
  if (!Number.isFinite(t0)) t0 = t1 = 0;
  return { lanes, t0, t1 };
}
