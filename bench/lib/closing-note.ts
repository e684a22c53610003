import type { Row } from "./row.js";
import { attainment } from "./row.js";

/** One line naming the row furthest from its goal (lowest attainment), computed from the table. */
export function closingNote(rows: readonly Row[]): string {
  const scored = rows.map((r) => ({ r, a: attainment(r) })).filter((x): x is { r: Row; a: number } => x.a !== undefined);
  if (scored.length === 0) return "no row has a goal to compare with";
  scored.sort((x, y) => x.a - y.a);
  const worst = scored[0];
  const misses = scored.filter((x) => x.a < 1).length;
  const where = `part ${worst.r.part}, ${worst.r.name}: ${worst.r.value} against goal ${worst.r.goal!.text} (measured ${fmt(worst.r.measured!)}, ${(worst.a * 100).toFixed(0)} % of the goal)`;
  return `${misses} of ${scored.length} goals missed. Furthest from its goal: ${where}.`;
}

function fmt(n: number): string {
  return Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(2);
}
