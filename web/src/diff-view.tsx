import { parsePatch } from "diff";
import { useMemo, useState } from "preact/hooks";
import { visibleControls } from "./format.js";

interface Row {
  kind: "file" | "hunk" | "add" | "del" | "ctx";
  oldNo?: number;
  newNo?: number;
  text: string;
}

/** Rows of a unified diff (parsed by jsdiff), ready to render as text. */
export function diffRows(unifiedDiff: string): Row[] {
  const rows: Row[] = [];
  let patches;
  try {
    patches = parsePatch(unifiedDiff);
  } catch (e) {
    return [{ kind: "file", text: `unreadable diff: ${e instanceof Error ? e.message : String(e)}` }];
  }
  for (const p of patches) {
    rows.push({ kind: "file", text: `${p.oldFileName ?? "?"} → ${p.newFileName ?? "?"}` });
    for (const h of p.hunks) {
      rows.push({ kind: "hunk", text: `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@` });
      let o = h.oldStart;
      let n = h.newStart;
      for (const l of h.lines) {
        const t = visibleControls(l.slice(1));
        if (l[0] === "+") rows.push({ kind: "add", newNo: n++, text: t });
        else if (l[0] === "-") rows.push({ kind: "del", oldNo: o++, text: t });
        else if (l[0] === " ") rows.push({ kind: "ctx", oldNo: o++, newNo: n++, text: t });
      }
    }
  }
  return rows;
}

const firstRows = 3000;

/** A unified diff rendered as a table of text (never HTML from the diff). */
export function DiffView(p: { diff: string; label: string }) {
  const rows = useMemo(() => diffRows(p.diff), [p.diff]);
  const [all, setAll] = useState(false);
  if (p.diff.trim() === "") return <p class="muted">(empty diff)</p>;
  const shown = all ? rows : rows.slice(0, firstRows);
  return (
    <div class="diff-wrap" role="region" aria-label={p.label} tabIndex={0}>
      <table class="diff">
        <caption class="sr-only">{p.label}</caption>
        <thead class="sr-only">
          <tr>
            <th scope="col">old line</th>
            <th scope="col">new line</th>
            <th scope="col">change</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((r, i) =>
            r.kind === "file" || r.kind === "hunk" ? (
              <tr key={i} class={`diff-${r.kind}`}>
                <td colSpan={3}>{r.text}</td>
              </tr>
            ) : (
              <tr key={i} class={`diff-${r.kind}`}>
                <td class="ln">{r.oldNo ?? ""}</td>
                <td class="ln">{r.newNo ?? ""}</td>
                <td class="code">
                  <span class="sign" aria-hidden="true">
                    {r.kind === "add" ? "+" : r.kind === "del" ? "−" : " "}
                  </span>
                  <span class="sr-only">{r.kind === "add" ? "added: " : r.kind === "del" ? "removed: " : ""}</span>
                  {r.text}
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
      {rows.length > shown.length ? (
        <button type="button" onClick={() => setAll(true)}>
          Show all {rows.length} lines
        </button>
      ) : null}
    </div>
  );
}
