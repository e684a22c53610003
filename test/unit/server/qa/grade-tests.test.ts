import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { RunOutcome, TestCaseSchema, TestOutcome, TestResultsSchema, TestRunSchema, Verdict, type TestRun } from "../../../../gen/devtrace/v1/qa_pb.js";
import { JudgeResultSchema } from "../../../../gen/devtrace/v1/qa_pb.js";
import { gradeTests, testScore } from "../../../../server/qa/grade-tests.js";
import { overallScore } from "../../../../server/qa/qa-score.js";

const P = TestOutcome.PASSED;
const F = TestOutcome.FAILED;
const E = TestOutcome.ERROR;
const S = TestOutcome.SKIPPED;

function run(cases: Record<string, TestOutcome>, outcome = RunOutcome.COMPLETED): TestRun {
  const list = Object.entries(cases).map(([name, o]) => create(TestCaseSchema, { name, outcome: o }));
  return create(TestRunSchema, { outcome, cases: list, passed: list.filter((c) => c.outcome === P).length, failed: list.filter((c) => c.outcome === F).length });
}

describe("gradeTests()", () => {
  it("calls a patch that fixes every failing test and breaks nothing RESOLVED", () => {
    const g = gradeTests(run({ a: P, b: F, c: E }), run({ a: P, b: P, c: P }));
    expect(g).toMatchObject({ failToPass: ["b", "c"], passToPass: ["a"], regressions: [], failToFail: [], verdict: Verdict.RESOLVED });
  });

  it("calls a patch that fixes some failing tests PARTIAL", () => {
    const g = gradeTests(run({ a: P, b: F, c: F }), run({ a: P, b: P, c: F }));
    expect(g).toMatchObject({ failToPass: ["b"], failToFail: ["c"], verdict: Verdict.PARTIAL });
  });

  it("calls a fix with a regression PARTIAL and names the regression", () => {
    const g = gradeTests(run({ a: P, b: F }), run({ a: F, b: P }));
    expect(g).toMatchObject({ failToPass: ["b"], regressions: ["a"], verdict: Verdict.PARTIAL });
  });

  it("counts a passing test that is skipped or removed after the patch as a regression", () => {
    const g = gradeTests(run({ a: P, b: P, c: F }), run({ a: S, c: P }));
    expect(g.regressions).toEqual(["a", "b"]);
  });

  it("does not count a test seen only after the patch as evidence (added)", () => {
    const g = gradeTests(run({ a: P }), run({ a: P, new_test: P }));
    expect(g).toMatchObject({ failToPass: [], added: ["new_test"], verdict: Verdict.NOT_RESOLVED });
  });

  it("counts a trivial test that passes on the base tree too as pass_to_pass, not a fix (the gaming patch)", () => {
    const g = gradeTests(run({ a: P, bug: F, "t.py::test_trivial": P }), run({ a: P, bug: F, "t.py::test_trivial": P }));
    expect(g).toMatchObject({ failToPass: [], passToPass: ["a", "t.py::test_trivial"], failToFail: ["bug"], verdict: Verdict.NOT_RESOLVED });
  });

  it("counts a new test whose file the base tree could not load (collection error) as fail_to_pass", () => {
    const before = run({ a: P, "tests.test_new": E });
    before.cases[1].message = "collection failure";
    const g = gradeTests(before, run({ a: P, "tests/test_new.py::test_fix": P, "tests/test_new.py::test_edge": F }));
    expect(g).toMatchObject({ failToPass: ["tests/test_new.py::test_fix"], failToFail: ["tests/test_new.py::test_edge"], removed: ["tests.test_new"], verdict: Verdict.PARTIAL });
  });

  it("puts every test seen in either run in exactly one class", () => {
    const names = ["p2p", "p2f", "p2s", "p2gone", "f2p", "f2f", "f2s", "f2gone", "s2p", "s2s", "s2gone", "new"];
    const g = gradeTests(
      run({ p2p: P, p2f: P, p2s: P, p2gone: P, f2p: F, f2f: E, f2s: F, f2gone: F, s2p: S, s2s: S, s2gone: S }),
      run({ p2p: P, p2f: F, p2s: S, f2p: P, f2f: F, f2s: S, s2p: P, s2s: S, new: P }),
    );
    const classes = [g.failToPass, g.passToPass, g.regressions, g.failToFail, g.added, g.removed, g.skipped];
    expect(classes.flat().sort()).toEqual([...names].sort());
    expect(g).toMatchObject({ failToPass: ["f2p"], passToPass: ["p2p"], regressions: ["p2f", "p2s", "p2gone"], failToFail: ["f2f"], added: ["new"], removed: ["f2gone", "s2gone"], skipped: ["f2s", "s2p", "s2s"] });
  });

  it("calls a patch that fixes nothing NOT_RESOLVED", () => {
    expect(gradeTests(run({ a: P, b: F }), run({ a: P, b: F })).verdict).toBe(Verdict.NOT_RESOLVED);
  });

  it.each([RunOutcome.INVALID, RunOutcome.NOT_STARTED, RunOutcome.TIMED_OUT])("gives no verdict when a run is %s", (outcome) => {
    expect(gradeTests(run({ a: F }), run({ a: P }, outcome)).verdict).toBe(Verdict.INVALID);
    expect(gradeTests(run({ a: F }, outcome), run({ a: P })).verdict).toBe(Verdict.INVALID);
  });

  it("falls back on counts when a runner reports no test names", () => {
    const counts = (passed: number, failed: number) => create(TestRunSchema, { outcome: RunOutcome.COMPLETED, passed, failed });
    expect(gradeTests(counts(3, 2), counts(5, 0)).verdict).toBe(Verdict.RESOLVED);
    expect(gradeTests(counts(3, 2), counts(4, 1)).verdict).toBe(Verdict.PARTIAL);
    expect(gradeTests(counts(3, 2), counts(3, 2)).verdict).toBe(Verdict.NOT_RESOLVED);
    // More passing tests after and nothing failing before: a test was added, nothing was fixed.
    expect(gradeTests(counts(3, 0), counts(4, 0)).verdict).toBe(Verdict.NOT_RESOLVED);
  });
});

describe("testScore() and overallScore()", () => {
  it("scores PARTIAL as the share fixed times the share not regressed", () => {
    const grade = { failToPass: ["b"], failToFail: ["c"], regressions: ["a"], passToPass: ["d", "e", "f"] };
    expect(testScore(Verdict.PARTIAL, grade)).toBeCloseTo(0.5 * 0.75);
  });

  it.each([
    [Verdict.RESOLVED, 5, 1],
    [Verdict.RESOLVED, 1, 0.6],
    [Verdict.NOT_RESOLVED, 5, 0.4],
    [Verdict.INVALID, 3, 0.2],
  ])("weighs tests 0.6 and judge 0.4 (%s, judge %d → %d)", (verdict, judgeOverall, expected) => {
    const tests = create(TestResultsSchema, { verdict });
    const judge = create(JudgeResultSchema, { overall: judgeOverall });
    expect(overallScore(tests, judge)).toBeCloseTo(expected);
  });
});
