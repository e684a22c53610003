import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { QaStatus, Verdict } from "../../../../gen/devtrace/v1/qa_pb.js";
import { TraceSchema, TraceStatus } from "../../../../gen/devtrace/v1/trace_pb.js";
import { renderQaReport } from "../../../../agent/format/qa-report.js";
import { renderTable } from "../../../../agent/format/table.js";

describe("renderQaReport()", () => {
  it("shows the verdict, each judge score with its rationale and the overall score", () => {
    const dim = (score: number, rationale: string) => ({ score, rationale });
    const trace = create(TraceSchema, {
      id: "tr_1",
      status: TraceStatus.DONE,
      qa: {
        status: QaStatus.OK,
        overall: 0.875,
        tests: {
          image: "devtrace/sample-python:1",
          command: "pytest -q",
          patchMethod: "git-apply",
          verdict: Verdict.RESOLVED,
          failToPass: ["tests/test_cart.py::test_bulk_tier"],
          before: { passed: 3, failed: 1 },
          after: { passed: 4, failed: 0 },
        },
        judge: {
          model: "gpt-4o-mini",
          rubricVersion: "v1",
          problemUnderstanding: dim(5, "restated the boundary bug"),
          investigationStrategy: dim(4, "reproduced first"),
          decisionRationale: dim(4, "explained >="),
          useOfEvidence: dim(4, "cited the failing test"),
          reproducibility: dim(5, "ran pytest before and after"),
          safetyPrivacyAwareness: dim(3, "no secrets seen"),
          overall: 4.17,
        },
      },
    });
    const text = renderQaReport(trace);
    expect(text).toContain("trace tr_1: done");
    expect(text).toContain("verdict: resolved");
    expect(text).toContain("fail→pass: tests/test_cart.py::test_bulk_tier");
    expect(text).toMatch(/problem_understanding\s+5\/5\s+restated the boundary bug/);
    expect(text).toMatch(/safety_privacy_awareness\s+3\/5/);
    expect(text).toContain("judge overall: 4.17/5");
    expect(text).toContain("overall QA score: 0.875");
  });

  it("says why a failed trace has no scores", () => {
    const trace = create(TraceSchema, { id: "tr_2", status: TraceStatus.FAILED, statusDetail: "image not found", qa: { status: QaStatus.IMAGE_NOT_FOUND, error: "no devtrace/x:1" } });
    const text = renderQaReport(trace);
    expect(text).toContain("trace tr_2: failed (image not found)");
    expect(text).toContain("QA status: image_not_found (no devtrace/x:1)");
  });
});

describe("renderTable()", () => {
  it("aligns columns, right-aligns numbers and shows empty cells as -", () => {
    const out = renderTable(
      [
        { a: "x", n: 5 },
        { a: "", n: 123 },
      ],
      [
        { header: "name", cell: (r) => r.a },
        { header: "n", cell: (r) => String(r.n), right: true },
      ],
    );
    expect(out.split("\n")).toEqual(["name    n", "x       5", "-     123"]);
  });
});
