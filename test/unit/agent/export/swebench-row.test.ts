import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { afterEach, describe, expect, it } from "vitest";
import { Verdict } from "../../../../gen/devtrace/v1/qa_pb.js";
import { TraceSchema, TraceStatus } from "../../../../gen/devtrace/v1/trace_pb.js";
import { evalScript, heredocDelimiter, testbedDir } from "../../../../agent/export/eval-script.js";
import { repoSlug } from "../../../../agent/export/repo-slug.js";
import { swebenchRow } from "../../../../agent/export/swebench-row.js";

const code = "diff --git a/shop/pricing.py b/shop/pricing.py\n--- a/shop/pricing.py\n+++ b/shop/pricing.py\n@@ -1 +1 @@\n-a\n+b\n";
const tests = "diff --git a/tests/test_pricing.py b/tests/test_pricing.py\n--- a/tests/test_pricing.py\n+++ b/tests/test_pricing.py\n@@ -1 +1 @@\n-a\n+b\n";

function trace(over: { repoUrl?: string; testPatch?: string; finalPatch?: string; description?: string } = {}) {
  return create(TraceSchema, {
    id: "0190c2a4-0000-7000-8000-000000000001",
    developer: { id: "dev-1" },
    task: { description: over.description ?? "bulk discount one item late", repoUrl: over.repoUrl ?? "https://github.com/acme/shop.git", baseCommit: "0123456789abcdef0123", testImage: "devtrace/sample-python:1", testCommand: "python -m pytest -q", testPatch: over.testPatch ?? "" },
    status: TraceStatus.DONE,
    createdAt: timestampFromMs(Date.UTC(2026, 0, 2, 3, 4, 5)),
    eventCount: 7n,
    finalPatch: over.finalPatch ?? code + tests,
    qa: {
      overall: 0.87,
      tests: { verdict: Verdict.RESOLVED, failToPass: ["tests/test_pricing.py::test_ten"], passToPass: ["tests/test_cart.py::test_total"], after: { reportFormat: "pytest" } },
      judge: { model: "gpt-4o-mini", rubricVersion: "v1", overall: 4.5, problemUnderstanding: { score: 5 }, investigationStrategy: { score: 4 }, decisionRationale: { score: 4 }, useOfEvidence: { score: 5 }, reproducibility: { score: 4 }, safetyPrivacyAwareness: { score: 5 } },
    },
  });
}

describe("swebenchRow()", () => {
  it("maps a scored trace to SWE-bench's columns and devtrace's own", () => {
    const row = swebenchRow(trace());
    expect(row).toMatchObject({
      instance_id: "acme__shop-0190c2a4-0000-7000-8000-000000000001",
      repo: "acme/shop",
      base_commit: "0123456789abcdef0123",
      patch: code,
      test_patch: tests,
      problem_statement: "bulk discount one item late",
      FAIL_TO_PASS: '["tests/test_pricing.py::test_ten"]',
      PASS_TO_PASS: '["tests/test_cart.py::test_total"]',
      created_at: "2026-01-02T03:04:05.000Z",
      version: "0123456789ab",
      log_parser: "parse_log_pytest",
      eval_type: "pass_and_fail",
      trace_id: "0190c2a4-0000-7000-8000-000000000001",
      verdict: "RESOLVED",
      score: 0.87,
      rubric_version: "v1",
      judge_overall: 4.5,
      judge_use_of_evidence: 5,
      event_count: 7,
      duplicate_of: null,
    });
  });

  it("adds the researcher's reference tests to the developer's", () => {
    const reference = "diff --git a/tests/test_ref.py b/tests/test_ref.py\n--- /dev/null\n+++ b/tests/test_ref.py\n@@ -0,0 +1 @@\n+def test_ref(): pass\n";
    const row = swebenchRow(trace({ testPatch: reference }));
    expect(row.test_patch).toBe(reference + tests);
    expect(row.eval_script).toContain("'tests/test_ref.py' 'tests/test_pricing.py'");
  });

  it("never exports credentials of the repository URL, and keeps ids to safe characters", () => {
    const row = swebenchRow(trace({ repoUrl: "https://x-access-token:ghp_SECRETSECRET@github.com/acme/shop$(id).git?token=abc" }));
    expect(JSON.stringify(row)).not.toMatch(/SECRETSECRET|token=abc/);
    expect(row.repo).toBe("acme/shop__id_");
    expect(row.instance_id).toMatch(/^[A-Za-z0-9._-]+$/);
  });
});

describe("repoSlug()", () => {
  it.each([
    ["https://github.com/acme/shop.git", "acme/shop"],
    ["git@github.com:acme/shop.git", "acme/shop"],
    ["ssh://git@host:22/group/sub/repo", "sub/repo"],
    ["/home/ada/src/shop", "src/shop"],
    ["../../etc/passwd", "etc/passwd"],
    ["", "unknown"],
    ["https://host/a/..%2f..%2fb", "a/__2f.._2fb"],
  ])("%s → %s", (url, slug) => expect(repoSlug(url)).toBe(slug));
});

describe("evalScript()", () => {
  let dir = "";
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  it("hands a hostile test patch and hostile paths to git verbatim: nothing in them runs", () => {
    dir = mkdtempSync(join(tmpdir(), "devtrace-eval-"));
    const git = (...args: string[]) => execFileSync("git", ["-C", dir, ...args], { encoding: "utf8" });
    git("init", "-q");
    git("-c", "user.email=t@t", "-c", "user.name=t", "commit", "-q", "--allow-empty", "-m", "base");
    const base = git("rev-parse", "HEAD").trim();
    // A patch whose content tries to end every here-document delimiter an exporter might pick.
    const hostile = `diff --git a/tests/test_x.py b/tests/test_x.py\nnew file mode 100644\n--- /dev/null\n+++ b/tests/test_x.py\n@@ -0,0 +1,4 @@\n+EOF\n+EOF_114329324912\n+touch ${dir}/pwned-by-patch\n+${heredocDelimiter("x")}\n`;
    const script = evalScript({ baseCommit: base, testPatch: hostile, testFiles: [`tests/$(touch ${dir}/pwned-by-path)'x`], testCommand: "cat tests/test_x.py" });
    writeFileSync(join(dir, "eval.sh"), script.replace(`cd ${testbedDir}`, `cd ${dir}`));
    // Exits non-zero like SWE-bench's own scripts do when a reset path is not in the base commit.
    const out = spawnSync("bash", [join(dir, "eval.sh")], { encoding: "utf8" }).stdout;
    expect(existsSync(join(dir, "pwned-by-patch"))).toBe(false);
    expect(existsSync(join(dir, "pwned-by-path"))).toBe(false);
    expect(readFileSync(join(dir, "tests/test_x.py"), "utf8")).toBe(`EOF\nEOF_114329324912\ntouch ${dir}/pwned-by-patch\n${heredocDelimiter("x")}\n`);
    expect(out).toMatch(/>>>>> Start Test Output\nEOF\n[^]*>>>>> End Test Output/);
  });
});
