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

  it("counts a test the patch adds that passes as fail_to_pass", () => {
    const g = gradeTests(run({ a: P }), run({ a: P, new_test: P }));
    expect(g).toMatchObject({ failToPass: ["new_test"], verdict: Verdict.RESOLVED });
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
