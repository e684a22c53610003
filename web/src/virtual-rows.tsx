import type { ComponentChildren, HTMLAttributes } from "preact";
import { useLayoutEffect, useRef, useState } from "preact/hooks";

/** Options of <VirtualRows>. */
export interface VirtualRowsProps {
  /** How many rows there are. */
  count: number;
  /** Height of every row in px (fixed: that is what makes windowing exact and cheap). */
  rowHeight: number;
  /** Visible height in px. */
  height: number;
  /** Renders row i. */
  row: (i: number) => ComponentChildren;
  /** Row to keep in view (e.g. the selected one). */
  scrollTo?: number;
  class?: string;
  /** Attributes for the scrolling element (role, aria-*, tabIndex, onKeyDown…). */
  attrs?: HTMLAttributes<HTMLDivElement>;
}

/** Renders only the rows in view (plus a margin), so a million-line output costs what 40 lines cost. */
export function VirtualRows(p: VirtualRowsProps) {
  const box = useRef<HTMLDivElement>(null);
  const [top, setTop] = useState(0);
  useLayoutEffect(() => {
    const el = box.current;
    if (!el || p.scrollTo === undefined || p.scrollTo < 0) return;
    const y = p.scrollTo * p.rowHeight;
    if (y < el.scrollTop) el.scrollTop = y;
    else if (y + p.rowHeight > el.scrollTop + p.height) el.scrollTop = y + p.rowHeight - p.height;
    setTop(el.scrollTop);
  }, [p.scrollTo, p.rowHeight, p.height]);
  const first = Math.max(0, Math.floor(top / p.rowHeight) - 10);
  const last = Math.min(p.count, Math.ceil((top + p.height) / p.rowHeight) + 10);
  const rows: ComponentChildren[] = [];
  for (let i = first; i < last; i++) rows.push(p.row(i));
  const boxHeight = Math.min(p.height, Math.max(p.rowHeight, p.count * p.rowHeight));
  return (
    <div
      {...p.attrs}
      ref={box}
      class={`virtual ${p.class ?? ""}`}
      style={{ height: `${boxHeight}px` }}
      onScroll={(e) => setTop((e.currentTarget as HTMLDivElement).scrollTop)}
    >
      <div class="virtual-space" style={{ height: `${p.count * p.rowHeight}px` }}>
        <div class="virtual-rows" style={{ transform: `translateY(${first * p.rowHeight}px)` }}>
          {rows}
        </div>
      </div>
    </div>
  );
}
