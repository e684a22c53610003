import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { machineLine, versionsLine } from "./environment.js";
import { repoRoot } from "./paths.js";
import type { Row } from "./row.js";
import { markdownTable } from "./table.js";

const begin = "<!-- bench:begin — written by `npm run bench`; edit outside these markers -->";
const end = "<!-- bench:end -->";

/** What one run leaves in RESULTS.md. */
export interface RunRecord {
  rows: readonly Row[];
  seconds: number;
  loadBefore: readonly number[];
  loadAfter: readonly number[];
  repeats: number;
  note: string;
}

/**
 * Rewrites the generated block of bench/RESULTS.md with this run (date, machine,
 * versions, load, table, computed closing line) and keeps everything written around
 * it by hand (the analysis). Returns the file's path.
 */
export function writeResults(r: RunRecord): string {
  const file = join(repoRoot, "bench", "RESULTS.md");
  const load = (l: readonly number[]) => l.map((x) => x.toFixed(2)).join(" / ");
  const block = [
    begin,
    `**Run:** ${new Date().toISOString().replace(/\.\d+Z$/, "Z")}, ${r.seconds.toFixed(0)} s, ${r.repeats} measured repeats per figure after one warm-up`,
    `**Machine:** ${machineLine()}; load average (1 / 5 / 15 min) ${load(r.loadBefore)} before, ${load(r.loadAfter)} after`,
    `**Versions:** ${versionsLine()}`,
    "",
    markdownTable(r.rows),
    "",
    `**Closing line (computed):** ${r.note}`,
    end,
  ].join("\n");
  const old = existsSync(file) ? readFileSync(file, "utf8") : `# devtrace benchmarks\n\n${begin}\n${end}\n`;
  const a = old.indexOf(begin);
  const b = old.indexOf(end);
  const next = a >= 0 && b > a ? old.slice(0, a) + block + old.slice(b + end.length) : `${old.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
  return file;
}
