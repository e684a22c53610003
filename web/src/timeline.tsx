import { useEffect, useRef, useState } from "preact/hooks";
import type { Event } from "../../gen/devtrace/v1/event_pb.js";
import { duration, kindName, ms, visibleControls } from "./format.js";
import type { Lane } from "./lanes.js";

const laneHeight = 26;
const axisHeight = 22;

const colors: Record<string, string> = {
  command: "#1f6feb",
  edit: "#1a7f37",
  create: "#1a7f37",
  delete: "#cf222e",
  rename: "#8250df",
  note: "#bf8700",
  open: "#57606a",
  definition: "#0969da",
  references: "#0969da",
  commit: "#8250df",
  branch: "#8250df",
  lost: "#cf222e",
};

/** The time axis: one lane per session, one tick per event; click picks the nearest event. */
export function Timeline(p: {
  events: readonly Event[];
  lanes: Lane[];
  t0: number;
  t1: number;
  selected: number;
  /** True once every page of events is loaded. */
  complete: boolean;
  onSelect: (index: number) => void;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const overlay = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(800);
  useEffect(() => {
    const el = canvas.current?.parentElement;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(Math.max(200, el.clientWidth)));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const height = axisHeight + p.lanes.length * laneHeight;
  const span = Math.max(1, p.t1 - p.t0);
  const x = (t: number) => 4 + ((t - p.t0) / span) * (width - 8);
  // The events layer is drawn when events or size change; the selection has its own layer,
  // so moving through 10 000 events with the keyboard does not redraw them all each step.
  useEffect(() => {
    const g = context(canvas.current, width, height);
    if (!g) return;
    g.fillStyle = "#57606a";
    g.font = "11px system-ui, sans-serif";
    for (let i = 0; i <= 4; i++) {
      const t = p.t0 + (span * i) / 4;
      const label = `+${duration(t - p.t0)}`;
      const tx = Math.min(width - g.measureText(label).width - 2, Math.max(2, x(t) - 10));
      g.fillText(label, tx, 14);
    }
    p.lanes.forEach((lane, li) => {
      const y = axisHeight + li * laneHeight;
      g.fillStyle = li % 2 ? "#f6f8fa" : "#ffffff";
      g.fillRect(0, y, width, laneHeight);
      for (const i of lane.events) {
        const e = p.events[i];
        g.fillStyle = colors[kindName(e)] ?? "#57606a";
        g.fillRect(Math.round(x(ms(e.time))), y + 5, 2, laneHeight - 10);
      }
    });
    if (p.events.length > 0 && !performance.getEntriesByName("devtrace:first-timeline").length) {
      performance.mark("devtrace:first-timeline", { detail: { events: p.events.length } });
    }
    if (p.complete && !performance.getEntriesByName("devtrace:timeline-complete").length) {
      performance.mark("devtrace:timeline-complete", { detail: { events: p.events.length } });
    }
    canvas.current!.dataset.drawnEvents = String(p.events.length);
  }, [p.events, p.lanes, p.complete, width, height, p.t0, p.t1]);
  useEffect(() => {
    const g = context(overlay.current, width, height);
    const sel = p.events[p.selected];
    if (!g || !sel) return;
    const li = p.lanes.findIndex((l) => l.sessionId === sel.sessionId);
    g.strokeStyle = "#cf222e";
    g.lineWidth = 2;
    g.strokeRect(Math.round(x(ms(sel.time))) - 3, axisHeight + li * laneHeight + 2, 8, laneHeight - 4);
  }, [p.events, p.lanes, p.selected, width, height, p.t0, p.t1]);

  const pick = (ev: MouseEvent) => {
    const r = overlay.current!.getBoundingClientRect();
    const li = Math.floor((ev.clientY - r.top - axisHeight) / laneHeight);
    const lane = p.lanes[li];
    if (!lane) return;
    const t = p.t0 + ((ev.clientX - r.left - 4) / (width - 8)) * span;
    let best = -1;
    let bestD = Number.POSITIVE_INFINITY;
    // Binary search the lane (sorted by time), then look at the neighbours.
    let lo = 0;
    let hi = lane.events.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ms(p.events[lane.events[mid]].time) < t) lo = mid + 1;
      else hi = mid;
    }
    for (const j of [lo - 1, lo, lo + 1]) {
      const i = lane.events[j];
      if (i === undefined) continue;
      const d = Math.abs(ms(p.events[i].time) - t);
      if (d < bestD) [best, bestD] = [i, d];
    }
    if (best >= 0) p.onSelect(best);
  };

  return (
    <div class="timeline">
      <ul class="lane-labels" aria-label="Lanes">
        {p.lanes.map((l) => (
          <li key={l.sessionId}>
            {visibleControls(l.label)} ({l.events.length})
          </li>
        ))}
      </ul>
      <div class="timeline-canvas">
        <canvas ref={canvas} class="timeline-events" aria-hidden="true" style={{ width: `${width}px`, height: `${height}px` }} />
        <canvas
          ref={overlay}
          class="timeline-selection"
          role="img"
          aria-label={`Timeline of ${p.events.length} events in ${p.lanes.length} lanes over ${duration(span)}; use the events list to move between them`}
          style={{ width: `${width}px`, height: `${height}px` }}
          onClick={pick}
        />
      </div>
    </div>
  );
}

/** A 2D context sized for the device's pixel ratio and cleared, or undefined. */
function context(c: HTMLCanvasElement | null, width: number, height: number): CanvasRenderingContext2D | undefined {
  if (!c) return undefined;
  const dpr = window.devicePixelRatio || 1;
  c.width = width * dpr;
  c.height = height * dpr;
  const g = c.getContext("2d");
  if (!g) return undefined;
  g.scale(dpr, dpr);
  g.clearRect(0, 0, width, height);
  return g;
}
