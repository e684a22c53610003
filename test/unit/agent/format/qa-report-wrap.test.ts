import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { JudgeStatus, QaStatus, Verdict } from "../../../../gen/devtrace/v1/qa_pb.js";
import { TraceSchema, TraceStatus } from "../../../../gen/devtrace/v1/trace_pb.js";
import { stageLine } from "../../../../agent/commands/watch-trace.js";
import { renderQaReport } from "../../../../agent/format/qa-report.js";
import { terminalText, wrapText } from "../../../../agent/format/terminal-text.js";

const rationale = "The developer reproduced the failure first (#1), then stated the hypothesis that the comparison used > where the rules say >= (#3), edited one line (#4) and re-ran the whole suite (#5) to check nothing else broke.";

describe("renderQaReport() for finalize --wait", () => {
  const judged = (status: QaStatus) =>
    create(TraceSchema, {
      id: "tr_w",
      status: status === QaStatus.OK ? TraceStatus.DONE : TraceStatus.FAILED,
      qa: { status, overall: status === QaStatus.OK ? 0.9 : 0, judgeStatus: JudgeStatus.OK, tests: { verdict: Verdict.RESOLVED }, judge: { model: "gpt-4o-mini", problemUnderstanding: { score: 5, rationale }, overall: 4.5 } },
    });

  it("wraps rationales to the width, never cutting them", () => {
    for (const width of [60, 120]) {
      const text = renderQaReport(judged(QaStatus.OK), width);
      const lines = text.split("\n");
      expect(lines.every((l) => l.length <= Math.max(width, 90))).toBe(true);
      // Every word of the rationale is there, in order.
      expect(text.replace(/\n\s+/g, " ")).toContain(rationale);
    }
  });

  it("shows no number for a trace without a score", () => {
    const failed = create(TraceSchema, { id: "tr_f", status: TraceStatus.FAILED, qa: { status: QaStatus.IMAGE_NOT_FOUND, overall: 0 } });
    expect(renderQaReport(failed)).toContain("overall QA score: none (QA image_not_found)");
    expect(renderQaReport(failed)).not.toMatch(/0\.000/);
    const timedOut = create(TraceSchema, { id: "tr_t", status: TraceStatus.FAILED, qa: { status: QaStatus.JUDGE_TIMED_OUT, judgeStatus: JudgeStatus.TIMED_OUT, judgeDeadlineMs: 180_000n, tests: { verdict: Verdict.RESOLVED } } });
    expect(renderQaReport(timedOut)).toContain("judge: timed out after the 180 s judging deadline — no judge score");
    expect(renderQaReport(judged(QaStatus.OK))).toContain("overall QA score: 0.900");
  });

  it("says tests were not run, and why", () => {
    const t = create(TraceSchema, { id: "tr_n", status: TraceStatus.FAILED, qa: { status: QaStatus.NOT_CONFIGURED, tests: { verdict: Verdict.NOT_RUN, notRunReason: "the task has no test image" } } });
    expect(renderQaReport(t)).toContain("tests: not run — the task has no test image");
  });

  it("escapes terminal control sequences from the trace (test names, rationales)", () => {
    const evil = create(TraceSchema, { id: "tr_e", status: TraceStatus.DONE, qa: { status: QaStatus.OK, tests: { verdict: Verdict.RESOLVED, failToPass: ["t::\u001b]0;pwned\u0007test"] } } });
    const text = renderQaReport(evil);
    expect(text).not.toContain("\u001b");
    expect(text).toContain("t::\\x1b]0;pwned\\x07test");
  });
});

describe("terminal text helpers", () => {
  it("wraps at words and splits a word longer than the line", () => {
    expect(wrapText("aa bb cc", 15, "  ")).toEqual(["  aa bb cc"]);
    expect(wrapText(`${"x".repeat(25)} y`, 12)).toEqual(["x".repeat(12), "x".repeat(12), "x y"]);
    expect(terminalText("a\nb\tc\u009bd")).toBe("a b c\\x9bd");
  });

  it("shows the stage, the elapsed time and the limit", () => {
    const running = create(TraceSchema, { status: TraceStatus.RUNNING_TESTS, qa: { testTimeoutMs: 600_000n, judgeDeadlineMs: 180_000n } });
    expect(stageLine(running, TraceStatus.RUNNING_TESTS, 42.7)).toBe("running tests: 42 s (limit 600 s per run)");
    expect(stageLine({ ...running, status: TraceStatus.JUDGING }, TraceStatus.JUDGING, 3)).toBe("judging: 3 s (limit 180 s)");
    expect(stageLine(undefined, TraceStatus.QUEUED, 1)).toBe("queued: 1 s");
  });
});
