import { describe, expect, it } from "vitest";
import { TestOutcome } from "../../../../gen/devtrace/v1/qa_pb.js";
import { parseSummary } from "../../../../server/qa/summary-report.js";

describe("parseSummary()", () => {
  it.each([
    ["pytest -q", "..F.\n=== FAILURES ===\n1 failed, 3 passed in 0.12s\n", { format: "pytest", passed: 3, failed: 1, skipped: 0, errors: 0 }],
    ["pytest with rules", "==== test session starts ====\n==== 2 failed, 5 passed, 1 skipped, 1 error in 1.02s ====\n", { format: "pytest", passed: 5, failed: 2, skipped: 1, errors: 1 }],
    ["pytest xfail/xpass", "== 1 passed, 1 xfailed, 1 xpassed in 0.1s ==", { format: "pytest", passed: 2, failed: 0, skipped: 1, errors: 0 }],
    ["cargo (two crates)", "test a::x ... ok\ntest a::y ... FAILED\ntest result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out\n\ntest result: ok. 2 passed; 0 failed; 1 ignored; 0 measured\n", { format: "cargo", passed: 3, failed: 1, skipped: 1, errors: 0 }],
    ["go test -v", "=== RUN   TestA\n--- PASS: TestA (0.00s)\n=== RUN   TestB\n--- FAIL: TestB (0.01s)\nFAIL\nFAIL\texample.com/m\t0.011s\n", { format: "go", passed: 1, failed: 1, skipped: 0, errors: 0 }],
    ["go test without -v", "ok  \texample.com/m/a\t0.002s\nFAIL\texample.com/m/b\t0.003s\n", { format: "go", passed: 1, failed: 1, skipped: 0, errors: 0 }],
    ["jest", "Tests:       1 failed, 1 skipped, 4 passed, 6 total\n", { format: "jest", passed: 4, failed: 1, skipped: 1, errors: 0 }],
    ["vitest", " Test Files  1 failed | 2 passed (3)\n      Tests  2 failed | 5 passed | 1 skipped (8)\n", { format: "vitest", passed: 5, failed: 2, skipped: 1, errors: 0 }],
    ["vitest, a file that fails to load", " Test Files  1 failed | 1 passed (2)\n      Tests  3 passed (3)\n", { format: "vitest", passed: 3, failed: 0, skipped: 0, errors: 1 }],
  ])("reads the counts of %s", (_name, output, expected) => {
    expect(parseSummary(output)).toMatchObject(expected);
  });

  it("keeps per-test outcomes pytest prints with -v and -rA", () => {
    const out = "tests/test_a.py::test_x PASSED   [ 50%]\ntests/test_a.py::test_y FAILED   [100%]\n=== short test summary info ===\nFAILED tests/test_a.py::test_y - assert 1 == 2\n=== 1 failed, 1 passed in 0.01s ===\n";
    const r = parseSummary(out);
    expect(r?.cases.map((c) => [c.name, c.outcome])).toEqual([
      ["tests/test_a.py::test_x", TestOutcome.PASSED],
      ["tests/test_a.py::test_y", TestOutcome.FAILED],
    ]);
  });

  it("flags pytest collection errors as an interrupted run", () => {
    const out = "=== ERRORS ===\nE   ImportError\n!!!! Interrupted: 1 error during collection !!!!\n=== 1 error in 0.05s ===\n";
    expect(parseSummary(out)).toMatchObject({ format: "pytest", interrupted: true, errors: 1 });
  });

  it("strips colours before matching", () => {
    expect(parseSummary("\x1b[31m1 failed\x1b[0m, \x1b[32m2 passed\x1b[0m in 0.1s")).toMatchObject({ passed: 2, failed: 1 });
  });

  it("returns undefined when no runner is recognised", () => {
    expect(parseSummary("hello\nall good\n")).toBeUndefined();
  });
});
