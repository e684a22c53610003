import { RunOutcome, TestOutcome, Verdict, type TestRun } from "../../gen/devtrace/v1/qa_pb.js";

/** The comparison of the base run and the patched run: every test in exactly one class. */
export interface TestGrade {
  failToPass: string[];
  passToPass: string[];
  /** pass_to_fail: passed before, and failed, errored, was skipped or is gone after. */
  regressions: string[];
  failToFail: string[];
  /** Only in the patched run (and not a test the base tree could not even load). */
  added: string[];
  /** Only in the base run, where it did not pass. */
  removed: string[];
  /** Skipped before, or failing before and skipped after: no evidence either way. */
  skipped: string[];
  verdict: Verdict;
}

const failing = new Set([TestOutcome.FAILED, TestOutcome.ERROR]);

/**
 * Grades a patch the SWE-bench way from the base run and the patched run, which both ran
 * the same tests (the patch's test part and the reference test_patch are on both trees).
 * Only a test that fails on the base tree and passes on the patched tree is evidence
 * (fail_to_pass); a test the developer added that already passes on the base tree is
 * pass_to_pass. A test seen only after the patch counts as fail_to_pass only when the base
 * run could not load its file (a collection error), else it is `added`, which proves
 * nothing. RESOLVED needs ≥ 1 fail_to_pass, no fail_to_fail and no regression. When either
 * run has counts but no names, the counts decide. A run that did not complete (INVALID,
 * NOT_STARTED, TIMED_OUT) makes the verdict INVALID; its tests are still classed.
 */
export function gradeTests(before: TestRun, after: TestRun): TestGrade {
  const grade: TestGrade = { failToPass: [], passToPass: [], regressions: [], failToFail: [], added: [], removed: [], skipped: [], verdict: Verdict.INVALID };
  const completed = before.outcome === RunOutcome.COMPLETED && after.outcome === RunOutcome.COMPLETED;
  if (before.cases.length === 0 || after.cases.length === 0) return { ...grade, verdict: completed ? verdictFromCounts(before, after) : Verdict.INVALID };
  const was = new Map(before.cases.map((c) => [c.name, c.outcome]));
  const now = new Map(after.cases.map((c) => [c.name, c.outcome]));
  const unloadable = collectionErrors(before);
  for (const name of new Set([...was.keys(), ...now.keys()])) classify(grade, name, was.get(name), now.get(name), unloadable);
  if (completed) grade.verdict = verdictOf(grade);
  return grade;
}

function classify(g: TestGrade, name: string, b: TestOutcome | undefined, a: TestOutcome | undefined, unloadable: readonly string[]): void {
  if (b === undefined) {
    // A test whose file the base tree could not load failed there, as SWE-bench counts it.
    const unloaded = unloadable.some((file) => name.startsWith(`${file}::`));
    if (!unloaded || a === undefined) g.added.push(name);
    else (a === TestOutcome.PASSED ? g.failToPass : failing.has(a) ? g.failToFail : g.skipped).push(name);
  } else if (b === TestOutcome.PASSED) {
    (a === TestOutcome.PASSED ? g.passToPass : g.regressions).push(name);
  } else if (failing.has(b)) {
    if (a === undefined) g.removed.push(name);
    else (a === TestOutcome.PASSED ? g.failToPass : failing.has(a) ? g.failToFail : g.skipped).push(name);
  } else {
    (a === undefined ? g.removed : g.skipped).push(name);
  }
}

/** Files the run could not load (pytest's "collection failure" cases), as repository paths. */
function collectionErrors(run: TestRun): string[] {
  return run.cases
    .filter((c) => failing.has(c.outcome) && /collection failure|error collecting|ImportError|ModuleNotFoundError/i.test(c.message) && !c.name.includes("::"))
    .map((c) => (c.name.endsWith(".py") ? c.name : `${c.name.replaceAll(".", "/")}.py`));
}

function verdictOf(g: TestGrade): Verdict {
  if (g.failToPass.length === 0) return Verdict.NOT_RESOLVED;
  return g.failToFail.length === 0 && g.regressions.length === 0 ? Verdict.RESOLVED : Verdict.PARTIAL;
}

function verdictFromCounts(before: TestRun, after: TestRun): Verdict {
  const failedBefore = before.failed + before.errors;
  const failedAfter = after.failed + after.errors;
  if (failedBefore === 0) return Verdict.NOT_RESOLVED;
  if (failedAfter === 0) return Verdict.RESOLVED;
  return failedAfter < failedBefore ? Verdict.PARTIAL : Verdict.NOT_RESOLVED;
}

/**
 * The test score T of the overall formula: 1 for RESOLVED; for PARTIAL the share of
 * failing-before tests that pass after, times (1 − the share of passing-before tests that
 * regressed); 0 otherwise.
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
