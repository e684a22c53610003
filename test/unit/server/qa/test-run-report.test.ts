import { describe, expect, it } from "vitest";
import { RunOutcome } from "../../../../gen/devtrace/v1/qa_pb.js";
import { interpretRun } from "../../../../server/qa/test-run-report.js";
import type { RawTestRun } from "../../../../server/qa/test-runner.js";

function raw(exitCode: number, stdout: string, extra: Partial<RawTestRun> = {}): RawTestRun {
  return { containerId: "c1", exitCode, timedOut: false, oomKilled: false, durationMs: 12, stdout: { text: stdout, bytesCut: 0 }, stderr: { text: "", bytesCut: 0 }, junitReports: [], ...extra };
}

const junit = (cases: string) => `<testsuite>${cases}</testsuite>`;

describe("interpretRun()", () => {
  it("prefers the JUnit report's per-test outcomes over the console summary", () => {
    const run = interpretRun(raw(1, "1 failed, 1 passed in 0.1s", { junitReports: [junit('<testcase name="a"/><testcase name="b"><failure message="x"/></testcase>')] }));
    expect(run.reportFormat).toBe("junit");
    expect(run.outcome).toBe(RunOutcome.COMPLETED);
    expect(run.cases.map((c) => c.name)).toEqual(["a", "b"]);
  });

  it("falls back on the console summary when the JUnit report is garbage", () => {
    const run = interpretRun(raw(1, "1 failed, 1 passed in 0.1s", { junitReports: ["<<<"] }));
    expect(run.reportFormat).toBe("pytest");
    expect([run.passed, run.failed]).toEqual([1, 1]);
  });

  it("marks a non-zero exit with no failing test parsed INVALID (fake PASSED lines)", () => {
    const run = interpretRun(raw(1, "3 passed in 0.1s"));
    expect(run.outcome).toBe(RunOutcome.INVALID);
  });

  it("marks a suite where no test ran NOT_STARTED, even with exit 0", () => {
    expect(interpretRun(raw(5, "no tests ran in 0.01s")).outcome).toBe(RunOutcome.NOT_STARTED);
    expect(interpretRun(raw(0, "Tests:       0 total\n")).outcome).toBe(RunOutcome.NOT_STARTED);
  });

  it("marks a collection error NOT_STARTED", () => {
    const run = interpretRun(raw(2, "!!! Interrupted: 1 error during collection !!!\n=== 1 error in 0.1s ==="));
    expect(run.outcome).toBe(RunOutcome.NOT_STARTED);
  });

  it("marks a command that does not exist NOT_STARTED", () => {
    const run = interpretRun(raw(127, "", { stderr: { text: "sh: 1: pytset: not found", bytesCut: 0 } }));
    expect(run.outcome).toBe(RunOutcome.NOT_STARTED);
    expect(run.reportFormat).toBe("exit_code");
  });

  it("marks a killed run TIMED_OUT", () => {
    const run = interpretRun(raw(-1, "..", { timedOut: true }));
    expect(run.outcome).toBe(RunOutcome.TIMED_OUT);
  });

  it("grades an unknown runner by its exit code alone", () => {
    const ok = interpretRun(raw(0, "all good"));
    const bad = interpretRun(raw(3, "boom"));
    expect([ok.outcome, ok.passed, ok.failed, ok.reportFormat]).toEqual([RunOutcome.COMPLETED, 1, 0, "exit_code"]);
    expect([bad.outcome, bad.passed, bad.failed]).toEqual([RunOutcome.COMPLETED, 0, 1]);
  });

  it("carries output, bytes cut, duration and container id", () => {
    const run = interpretRun(raw(0, "1 passed in 0.1s", { stdout: { text: "1 passed in 0.1s", bytesCut: 7 } }));
    expect([run.stdout, run.stdoutBytesCut, run.durationMs, run.containerId]).toEqual(["1 passed in 0.1s", 7n, 12n, "c1"]);
  });
});
