import { TestOutcome } from "../../gen/devtrace/v1/qa_pb.js";

/** One test case as a report parser saw it, before it becomes a proto TestCase. */
export interface ParsedCase {
  name: string;
  outcome: TestOutcome;
  durationMs: number;
  message: string;
}

/** What a report parser read from one run. */
export interface ParsedReport {
  /** "junit", "pytest", "go", "vitest", "jest" or "cargo". */
  format: string;
  passed: number;
  failed: number;
  skipped: number;
  errors: number;
  cases: ParsedCase[];
  /** The runner said it stopped before running tests (e.g. pytest collection errors). */
  interrupted: boolean;
}

/** Counts of a case list, for parsers that see every case. */
export function countCases(cases: readonly ParsedCase[]): Pick<ParsedReport, "passed" | "failed" | "skipped" | "errors"> {
  const n = { passed: 0, failed: 0, skipped: 0, errors: 0 };
  for (const c of cases) {
    if (c.outcome === TestOutcome.PASSED) n.passed++;
    else if (c.outcome === TestOutcome.FAILED) n.failed++;
    else if (c.outcome === TestOutcome.SKIPPED) n.skipped++;
    else if (c.outcome === TestOutcome.ERROR) n.errors++;
  }
  return n;
}
