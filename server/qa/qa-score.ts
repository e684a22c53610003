import type { JudgeResult, TestResults } from "../../gen/devtrace/v1/qa_pb.js";
import { testScore } from "./grade-tests.js";

/** Weight of the test score T in the overall QA score; the judge has the rest. */
export const testWeight = 0.6;

/**
 * The overall QA score in [0, 1]: 0.6 × T + 0.4 × J, where T is the test score
 * (see testScore) and J = (judge.overall − 1) / 4. Documented in qa.proto and the README.
 */
export function overallScore(tests: TestResults, judge: JudgeResult): number {
  const t = testScore(
    tests.verdict,
    { failToPass: tests.failToPass, failToFail: tests.failToFail, regressions: tests.regressions, passToPass: tests.passToPass },
    tests.before && tests.after ? { before: tests.before, after: tests.after } : undefined,
  );
  const j = Math.min(1, Math.max(0, (judge.overall - 1) / 4));
  return round4(testWeight * t + (1 - testWeight) * j);
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
