import { RunOutcome, TestOutcome, Verdict, type TestRun } from "../../gen/devtrace/v1/qa_pb.js";

/** The comparison of the base run and the patched run. */
export interface TestGrade {
  failToPass: string[];
  passToPass: string[];
  regressions: string[];
  failToFail: string[];
  verdict: Verdict;
}

const failing = new Set([TestOutcome.FAILED, TestOutcome.ERROR]);

/**
 * Grades a patch the SWE-bench way from the base run and the patched run. Tests are
 * matched by name; a test the patch adds (absent before) that passes counts as
 * fail_to_pass, as SWE-bench counts a test missing from the log as failing. When
 * either run has counts but no names, the counts decide. A test that passed before and
 * does not pass after (failed, skipped or removed) is a regression. Any run that did not
 * complete (INVALID, NOT_STARTED, TIMED_OUT) makes the verdict INVALID.
 */
export function gradeTests(before: TestRun, after: TestRun): TestGrade {
  const grade: TestGrade = { failToPass: [], passToPass: [], regressions: [], failToFail: [], verdict: Verdict.INVALID };
  if (before.outcome !== RunOutcome.COMPLETED || after.outcome !== RunOutcome.COMPLETED) return grade;
  if (before.cases.length === 0 || after.cases.length === 0) return { ...grade, verdict: verdictFromCounts(before, after) };
  const was = new Map(before.cases.map((c) => [c.name, c.outcome]));
  const now = new Map(after.cases.map((c) => [c.name, c.outcome]));
  for (const [name, outcome] of was) {
    const later = now.get(name);
    if (outcome === TestOutcome.PASSED) {
      (later === TestOutcome.PASSED ? grade.passToPass : grade.regressions).push(name);
    } else if (failing.has(outcome)) {
      (later === TestOutcome.PASSED ? grade.failToPass : grade.failToFail).push(name);
    }
  }
  for (const [name, outcome] of now) {
    if (!was.has(name) && outcome === TestOutcome.PASSED) grade.failToPass.push(name);
  }
  grade.verdict = verdictOf(grade.failToPass.length, grade.failToFail.length, grade.regressions.length);
  return grade;
}

function verdictOf(fixed: number, stillFailing: number, regressed: number): Verdict {
  if (fixed === 0) return Verdict.NOT_RESOLVED;
  return stillFailing === 0 && regressed === 0 ? Verdict.RESOLVED : Verdict.PARTIAL;
}

function verdictFromCounts(before: TestRun, after: TestRun): Verdict {
  const failedBefore = before.failed + before.errors;
  const failedAfter = after.failed + after.errors;
  if (failedBefore === 0 && after.passed <= before.passed) return Verdict.NOT_RESOLVED;
  if (failedAfter === 0) return Verdict.RESOLVED;
  return failedAfter < failedBefore ? Verdict.PARTIAL : Verdict.NOT_RESOLVED;
}

/**
 * The test score T of the overall formula: 1 for RESOLVED; for PARTIAL the share of
 * failing-before tests that pass after, times (1 − the share of passing-before tests
 * that regressed); 0 otherwise.
 */
export function testScore(verdict: Verdict, grade: Pick<TestGrade, "failToPass" | "failToFail" | "regressions" | "passToPass">, counts?: { before: TestRun; after: TestRun }): number {
  if (verdict === Verdict.RESOLVED) return 1;
  if (verdict !== Verdict.PARTIAL) return 0;
  const failedBefore = grade.failToPass.length + grade.failToFail.length;
  const passedBefore = grade.passToPass.length + grade.regressions.length;
  if (failedBefore > 0) {
    const fixed = grade.failToPass.length / failedBefore;
    const kept = passedBefore > 0 ? 1 - grade.regressions.length / passedBefore : 1;
    return fixed * kept;
  }
  if (!counts) return 0;
  const fb = counts.before.failed + counts.before.errors;
  const fa = counts.after.failed + counts.after.errors;
  return fb > 0 ? Math.max(0, fb - fa) / fb : 0;
}
