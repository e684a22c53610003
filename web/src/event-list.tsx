import type { Event } from "../../gen/devtrace/v1/event_pb.js";
import { eventSummary, kindName, ms } from "./format.js";
import { VirtualRows } from "./virtual-rows.js";

/** Every event in seq order as a keyboard listbox (↑ ↓ PageUp PageDown Home End), virtualized. */
export function EventList(p: { events: readonly Event[]; selected: number; onSelect: (i: number) => void; t0: number }) {
  const n = p.events.length;
  const move = (e: KeyboardEvent) => {
    const step: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 15, PageUp: -15 };
    let to: number | undefined;
    if (e.key in step) to = Math.max(0, Math.min(n - 1, (p.selected < 0 ? -1 : p.selected) + step[e.key]));
    else if (e.key === "Home") to = 0;
    else if (e.key === "End") to = n - 1;
    if (to === undefined) return;
    e.preventDefault();
    p.onSelect(to);
  };
  return (
    <VirtualRows
      count={n}
      rowHeight={26}
      height={420}
      scrollTo={p.selected}
      class="event-list"
      attrs={{
        role: "listbox",
        "aria-label": `Events (${n})`,
        tabIndex: 0,
        "aria-activedescendant": p.selected >= 0 ? `ev-${p.selected}` : undefined,
        onKeyDown: move,
      }}
      row={(i) => {
        const e = p.events[i];
        return (
          <div
            key={i}
            id={`ev-${i}`}
            role="option"
            aria-selected={i === p.selected}
            class={`event-row${i === p.selected ? " selected" : ""}`}
            onClick={() => p.onSelect(i)}
          >
            <span class="seq">#{String(e.seq)}</span>
            <span class="rel">+{((ms(e.time) - p.t0) / 1000).toFixed(1)}s</span>
            <span class={`kind kind-${kindName(e)}`}>{kindName(e)}</span>
            <span class="summary">{eventSummary(e)}</span>
          </div>
        );
      }}
    />
  );
}
