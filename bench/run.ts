/**
 * `npm run bench`: every benchmark of issue 6, one table of ratios against limits
 * measured in the same run, and bench/RESULTS.md rewritten with it.
 *
 *   node dist/bench/run.js [--only 1,5] [--quick] [--repeats N] [--no-write]
 *
 * --quick scales workloads down (a look, not a record; RESULTS.md is left alone).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { BenchContext } from "./lib/bench-context.js";
import { loadAverage } from "./lib/proc-usage.js";
import { parts } from "./parts.js";
import { writeResults } from "./lib/results-file.js";
import type { Row } from "./lib/row.js";
import { errorRow } from "./lib/row.js";
import { textTable } from "./lib/table.js";
import { closingNote } from "./lib/closing-note.js";

const { values } = parseArgs({
  options: {
    only: { type: "string" },
    quick: { type: "boolean", default: false },
    repeats: { type: "string", default: "3" },
    "no-write": { type: "boolean", default: false },
  },
});
const only = values.only ? new Set(values.only.split(",").map(Number)) : undefined;
const tmp = mkdtempSync(join(tmpdir(), "devtrace-bench-"));
const started = Date.now();
const loadBefore = loadAverage();
const ctx: BenchContext = {
  repeats: Math.max(1, Number(values.repeats)),
  scale: values.quick ? 0.25 : 1,
  tmp,
  log: (m) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${m}\n`),
};

const rows: Row[] = [];
try {
  for (const part of parts) {
    if (only && !only.has(part.part)) continue;
    const t = Date.now();
    ctx.log(`part ${part.part}: ${part.title}`);
    try {
      rows.push(...(await part.run(ctx)));
    } catch (error) {
      ctx.log(`part ${part.part} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      rows.push(errorRow(part.part, part.title, error));
    }
    ctx.log(`part ${part.part} took ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
const seconds = (Date.now() - started) / 1000;
const loadAfter = loadAverage();
// Parts run in an order that suits the machine (agent parts last); the table reads in the issue's.
rows.sort((a, b) => a.part - b.part);
const note = closingNote(rows);
console.log(`\n${textTable(rows)}\n\n${note}\n\ntotal ${seconds.toFixed(0)} s; load average ${loadBefore[0].toFixed(2)} before, ${loadAfter[0].toFixed(2)} after`);
// A part that could not run is a failure of the bench; a missed goal is a finding, not one.
if (rows.some((r) => r.status === "ERROR")) process.exitCode = 1;
if (!values["no-write"] && !values.quick && only === undefined) {
  const file = writeResults({ rows, seconds, loadBefore, loadAfter, repeats: ctx.repeats, note });
  console.log(`wrote ${file}`);
}
