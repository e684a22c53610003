import { useMemo } from "preact/hooks";
import { VirtualRows } from "./virtual-rows.js";
import { bytes, visibleControls } from "./format.js";

/** Characters per display row: a 1 MiB single line becomes ~500 rows, not one huge text node. */
const rowChars = 2000;

/** Splits text into display rows: its lines, each long line cut into rowChars pieces. */
export function displayRows(text: string): string[] {
  const rows: string[] = [];
  for (const line of visibleControls(text).split("\n")) {
    if (line.length <= rowChars) rows.push(line);
    else for (let i = 0; i < line.length; i += rowChars) rows.push(line.slice(i, i + rowChars));
  }
  return rows;
}

/** Bounded, virtualized plain-text output (a command's, a test run's). Never markup. */
export function OutputView(p: { text: string; label: string; totalBytes?: bigint; cutBytes?: bigint }) {
  const rows = useMemo(() => displayRows(p.text), [p.text]);
  const lines = useMemo(() => (p.text.match(/\n/g)?.length ?? 0) + (p.text.endsWith("\n") || p.text === "" ? 0 : 1), [p.text]);
  const cut = p.cutBytes ?? 0n;
  return (
    <div class="output-wrap">
      <p class="output-meta">
        {lines} line{lines === 1 ? "" : "s"}
        {rows.length > lines + 1 ? ` in ${rows.length} rows of at most ${rowChars} characters` : ""}
        {p.totalBytes !== undefined ? `, ${bytes(p.totalBytes)} produced` : ""}
        {cut > 0n ? `, ${bytes(cut)} cut from the middle` : ""}
      </p>
      {p.text.length === 0 ? (
        <p class="muted">(no output)</p>
      ) : (
        <VirtualRows
          count={rows.length}
          rowHeight={18}
          height={360}
          class="output"
          attrs={{ role: "region", "aria-label": p.label, tabIndex: 0 }}
          row={(i) => (
            <div key={i} class="output-row">
              {rows[i] || "\u00a0"}
            </div>
          )}
        />
      )}
    </div>
  );
}
