import { create } from "@bufbuild/protobuf";
import { RunOutcome, TestCaseSchema, TestOutcome, TestRunSchema, type TestRun } from "../../gen/devtrace/v1/qa_pb.js";
import { parseJunit } from "./junit-report.js";
import { parseSummary } from "./summary-report.js";
import type { ParsedReport } from "./test-case-result.js";
import type { RawTestRun } from "./test-runner.js";

/** The case name used when only the exit code tells the outcome. */
export const exitCodeCase = "(exit code)";

/**
 * Turns a raw run into a TestRun: per-test outcomes from JUnit XML when present, else
 * counts from the runner's summary, else the exit code alone — with the SWE-bench
 * guards: a non-zero exit with no failure parsed is INVALID, a suite that never
 * started (command not found, collection error, no test ran) is NOT_STARTED.
 */
export function interpretRun(raw: RawTestRun): TestRun {
  const report = pickReport(raw);
  const run = create(TestRunSchema, {
    exitCode: raw.exitCode,
    durationMs: BigInt(Math.round(raw.durationMs)),
    stdout: raw.stdout.text,
    stderr: raw.stderr.text,
    stdoutBytesCut: BigInt(raw.stdout.bytesCut),
    stderrBytesCut: BigInt(raw.stderr.bytesCut),
    containerId: raw.containerId,
    reportFormat: report?.format ?? "exit_code",
  });
  if (report) {
    Object.assign(run, { passed: report.passed, failed: report.failed, skipped: report.skipped, errors: report.errors });
    run.cases = report.cases.map((c) => create(TestCaseSchema, c));
  } else if (raw.exitCode !== 126 && raw.exitCode !== 127 && !raw.timedOut) {
    const passed = raw.exitCode === 0;
    run.passed = passed ? 1 : 0;
    run.failed = passed ? 0 : 1;
    run.cases = [create(TestCaseSchema, { name: exitCodeCase, outcome: passed ? TestOutcome.PASSED : TestOutcome.FAILED })];
  }
  run.outcome = outcomeOf(raw, report, run);
  return run;
}

function outcomeOf(raw: RawTestRun, report: ParsedReport | undefined, run: TestRun): RunOutcome {
  if (raw.timedOut) return RunOutcome.TIMED_OUT;
  if (!report) return raw.exitCode === 126 || raw.exitCode === 127 ? RunOutcome.NOT_STARTED : RunOutcome.COMPLETED;
  if (report.interrupted || run.passed + run.failed + run.errors === 0) return RunOutcome.NOT_STARTED;
  if (raw.exitCode !== 0 && run.failed + run.errors === 0) return RunOutcome.INVALID;
  return RunOutcome.COMPLETED;
}

/** JUnit XML wins (per-test names and messages); console summaries fill in otherwise. */
function pickReport(raw: RawTestRun): ParsedReport | undefined {
  const output = `${raw.stdout.text}\n${raw.stderr.text}`;
  const junit = mergeJunit(raw.junitReports);
  const summary = parseSummary(output);
  if (junit) return { ...junit, interrupted: junit.interrupted || (summary?.interrupted ?? false) };
  return summary;
}

function mergeJunit(docs: readonly string[]): ParsedReport | undefined {
  let merged: ParsedReport | undefined;
  for (const doc of docs) {
    const parsed = parseJunit(doc);
    if ("error" in parsed || !parsed.value) continue;
    const r = parsed.value;
    merged = merged
      ? { ...merged, passed: merged.passed + r.passed, failed: merged.failed + r.failed, skipped: merged.skipped + r.skipped, errors: merged.errors + r.errors, cases: [...merged.cases, ...r.cases], interrupted: merged.interrupted || r.interrupted }
      : r;
  }
  return merged;
}
