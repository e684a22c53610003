import { pino } from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import { JudgeStatus, QaStatus, Verdict, type TestResults } from "../../../../gen/devtrace/v1/qa_pb.js";
import { TraceStatus } from "../../../../gen/devtrace/v1/trace_pb.js";
import { startQa, type QaHandle } from "../../../../server/qa/start-qa.js";
import { createTestServer, testTokens, type TestServer } from "../../../helpers/devtrace-server.js";
import { describeWith } from "../../../helpers/infra.js";
import type { TempGitRepo } from "../../../helpers/temp-git-repo.js";
import { fixturePatch, patchOf, recordTrace, sampleRepoCopy, waitForQa } from "./qa-fixtures.js";

const ten = "tests/test_pricing.py::test_ten_units_get_ten_percent_off";
const fifty = "tests/test_pricing.py::test_fifty_units_get_fifteen_percent_off";
const cartTen = "tests/test_cart.py::test_ten_mugs_get_bulk_discount_in_cart_total";
const newTest = "def test_exactly_ten_units_qualify():\n    from decimal import Decimal\n    from shopcart.pricing import bulk_discount_rate\n    assert bulk_discount_rate(10) == Decimal(\"0.10\")\n";

/** Every class of a result, flattened: a test must appear exactly once. */
function classes(t: TestResults): string[] {
  return [...t.failToPass, ...t.passToPass, ...t.regressions, ...t.failToFail, ...t.added, ...t.removed, ...t.skipped];
}

function seenTests(t: TestResults): Set<string> {
  return new Set([...(t.before?.cases ?? []), ...(t.after?.cases ?? [])].map((c) => c.name));
}

describeWith(["docker", "sample-image"], "QA verdict with the test split (sample_repo, real Docker)", () => {
  let server: TestServer;
  let qa: QaHandle;
  let sample: { repo: TempGitRepo; baseCommit: string };
  const client = () => server.client(testTokens.ingest);
  const qaOf = async (patch: string, testPatch = "") => {
    const trace = await waitForQa(client(), await recordTrace(client(), { repoUrl: sample.repo.dir, baseCommit: sample.baseCommit, patch, testPatch }));
    expect(trace.status).toBe(TraceStatus.DONE);
    const t = trace.qa!.tests!;
    expect(classes(t).sort()).toEqual([...seenTests(t)].sort());
    return t;
  };

  beforeAll(async () => {
    server = await createTestServer();
    sample = sampleRepoCopy();
    qa = await startQa(server.store, { workers: 2, judgeModel: "gpt-4o-mini", testTimeoutSec: 120, pullImages: false, pollMs: 100 }, pino({ level: "silent" }));
  });
  afterAll(async () => {
    await qa?.close();
    await server?.[Symbol.asyncDispose]();
    sample?.repo[Symbol.dispose]();
  });

  it("does not resolve a patch that only adds a trivial passing test (it passes on the base tree too)", async () => {
    const t = await qaOf(patchOf(sample.repo, (r) => r.write("tests/test_trivial.py", "def test_trivial():\n    pass\n")));
    expect(t.verdict).toBe(Verdict.NOT_RESOLVED);
    expect(t.failToPass).toEqual([]);
    expect(t.passToPass).toContain("tests/test_trivial.py::test_trivial");
    expect([t.testFiles, t.codeFiles]).toEqual([["tests/test_trivial.py"], []]);
  });

  it("resolves the real fix with its new test, which fails on the base tree and passes on the patched one", async () => {
    const fix = fixturePatch("fix-correct");
    const test = patchOf(sample.repo, (r) => r.write("tests/test_bulk_edge.py", newTest));
    const t = await qaOf(fix + test);
    expect(t.verdict).toBe(Verdict.RESOLVED);
    expect([...t.failToPass].sort()).toEqual([cartTen, fifty, ten, "tests/test_bulk_edge.py::test_exactly_ten_units_qualify"].sort());
    expect([t.testFiles, t.codeFiles]).toEqual([["tests/test_bulk_edge.py"], ["shopcart/pricing.py"]]);
  });

  it("lists the developer's test that still fails after a wrong fix as fail_to_fail", async () => {
    const wrong = patchOf(sample.repo, (r) => {
      r.write("shopcart/pricing.py", r.read("shopcart/pricing.py").replace('"""Per-line pricing', '"""Per-line pricing (reviewed)'));
      r.write("tests/test_bulk_edge.py", newTest);
    });
    const t = await qaOf(wrong);
    expect(t.verdict).toBe(Verdict.NOT_RESOLVED);
    expect(t.failToFail).toContain("tests/test_bulk_edge.py::test_exactly_ten_units_qualify");
  });

  it("lets the researcher's reference tests decide: deleting the test a partial fix misses no longer resolves", async () => {
    const gaming = fixturePatch("fix-partial") + patchOf(sample.repo, (r) => r.write("tests/test_pricing.py", r.read("tests/test_pricing.py").replace(/def test_fifty_units[^]*?(?=\n\n\ndef )/, "")));
    const alone = await qaOf(gaming);
    // Without reference tests the deleted test is in neither run: the gaming works.
    expect(alone.verdict).toBe(Verdict.RESOLVED);
    const reference = patchOf(sample.repo, (r) => r.write("tests/test_pricing.py", `${r.read("tests/test_pricing.py")}\n\ndef test_hundred_units_get_fifteen_percent_off():\n    assert bulk_discount_rate(100) == Decimal("0.15")\n`));
    const held = await qaOf(gaming, reference);
    expect(held.referenceTestsApplied).toBe(true);
    expect(held.verdict).toBe(Verdict.PARTIAL);
    expect(held.failToFail).toContain(fifty);
    expect(held.passToPass).toContain("tests/test_pricing.py::test_hundred_units_get_fifteen_percent_off");
  });

  it("ends a trace with no test image and no test command as NOT_CONFIGURED, judged, and the server keeps serving", async () => {
    const id = await recordTrace(client(), { repoUrl: sample.repo.dir, baseCommit: sample.baseCommit, patch: fixturePatch("fix-correct"), image: "", testCommand: "" });
    const trace = await waitForQa(client(), id);
    expect(trace.status).toBe(TraceStatus.FAILED);
    expect(trace.qa?.status).toBe(QaStatus.NOT_CONFIGURED);
    expect(trace.qa?.tests).toMatchObject({ verdict: Verdict.NOT_RUN, notRunReason: expect.stringMatching(/no test image and no test command/) });
    // The judge still graded the reasoning; there is no test score, so no overall score.
    expect(trace.qa).toMatchObject({ judgeStatus: JudgeStatus.OK, overall: 0, judge: { heuristic: true } });
    expect(trace.statusDetail).toMatch(/^NOT_CONFIGURED: the task has no test image and no test command/);
    expect((await client().getTrace({ traceId: id })).trace?.id).toBe(id);
  });
});
