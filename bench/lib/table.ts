import { ratioText } from "./format.js";
import type { Row } from "./row.js";
import { verdict } from "./row.js";

const header = ["#", "measure", "value (median, min–max)", "limit (median)", "ratio (median, min–max)", "goal", "result"];

function cells(row: Row): string[] {
  const note = row.note ? ` — ${row.note}` : "";
  const result = verdict(row);
  return [
    row.part === 0 ? "·" : String(row.part),
    row.name,
    row.value,
    row.limit,
    row.ratio ? ratioText(row.ratio) : "",
    row.goal?.text ?? "",
    `${result}${note}`,
  ];
}

/** The rows as an aligned plain-text table for the terminal. */
export function textTable(rows: readonly Row[]): string {
  const all = [header, ...rows.map(cells)];
  const widths = header.map((_, c) => Math.max(...all.map((r) => [...r[c]].length)));
  const line = (r: string[]) => r.map((v, c) => (c === r.length - 1 ? v : v + " ".repeat(widths[c] - [...v].length))).join("  ");
  return [line(header), widths.map((w) => "─".repeat(w)).join("  "), ...rows.map((r) => line(cells(r)))].join("\n");
}

/** The rows as a Markdown table for RESULTS.md. */
export function markdownTable(rows: readonly Row[]): string {
  const esc = (s: string) => s.replaceAll("|", "\\|");
  const line = (r: string[]) => `| ${r.map(esc).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map((r) => line(cells(r)))].join("\n");
}
