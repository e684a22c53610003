import { pino } from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import { QaStatus, RunOutcome, Verdict } from "../../../../gen/devtrace/v1/qa_pb.js";
import { TraceStatus } from "../../../../gen/devtrace/v1/trace_pb.js";
import { dockerClient } from "../../../../server/qa/docker-client.js";
import { repoPolicyOf } from "../../../../server/qa/repo-policy.js";
import { startQa, type QaHandle } from "../../../../server/qa/start-qa.js";
import { createTestServer, testTokens, type TestServer } from "../../../helpers/devtrace-server.js";
import { describeWith } from "../../../helpers/infra.js";
import { pollUntil } from "../../../helpers/poll.js";
import type { TempGitRepo } from "../../../helpers/temp-git-repo.js";
import { fixturePatch, recordTrace, sampleRepoCopy, waitForQa } from "./qa-fixtures.js";

const failingAtBase = ["tests/test_cart.py::test_ten_mugs_get_bulk_discount_in_cart_total", "tests/test_pricing.py::test_fifty_units_get_fifteen_percent_off", "tests/test_pricing.py::test_ten_units_get_ten_percent_off"];

describeWith(["docker", "sample-image"], "QA on finalize (sample_repo, real Docker, heuristic judge)", () => {
  let server: TestServer;
  let qa: QaHandle;
  let sample: { repo: TempGitRepo; baseCommit: string };
  const client = () => server.client(testTokens.ingest);

  beforeAll(async () => {
    sample = sampleRepoCopy();
    // The operator allows the sample and one unreachable loopback URL (the credentials test).
    const repoPolicy = repoPolicyOf([sample.repo.dir, "https://*@127.0.0.1:9/**"], true);
    server = await createTestServer({ repoPolicy });
    qa = await startQa(server.store, { workers: 2, judgeModel: "gpt-4o-mini", testTimeoutSec: 120, pullImages: false, pollMs: 100, leaseMs: 3_000, repoPolicy }, pino({ level: "silent" }));
  });
  afterAll(async () => {
    await qa?.close();
    await server?.[Symbol.asyncDispose]();
    sample?.repo[Symbol.dispose]();
  });

  it("grades the correct fix RESOLVED with every failing test fixed and a scored judge", async () => {
    const id = await recordTrace(client(), { repoUrl: sample.repo.dir, baseCommit: sample.baseCommit, patch: fixturePatch("fix-correct") });
    const trace = await waitForQa(client(), id);
    expect(trace.status).toBe(TraceStatus.DONE);
    const t = trace.qa!.tests!;
    expect([t.before?.outcome, t.before?.failed, t.before?.passed]).toEqual([RunOutcome.COMPLETED, 3, 10]);
    expect([t.after?.outcome, t.after?.failed, t.after?.passed]).toEqual([RunOutcome.COMPLETED, 0, 13]);
    expect(t.before?.reportFormat).toBe("junit");
    expect([...t.failToPass].sort()).toEqual(failingAtBase);
    expect(t.passToPass).toHaveLength(10);
    expect(t.regressions).toEqual([]);
    expect(t.verdict).toBe(Verdict.RESOLVED);
    expect(t.patchMethod).toBe("git-apply");
    expect(trace.qa!.judge).toMatchObject({ model: "heuristic", heuristic: true });
    expect(trace.qa!.status).toBe(QaStatus.OK);
    expect(trace.qa!.overall).toBeCloseTo(0.6 + 0.4 * ((trace.qa!.judge!.overall - 1) / 4), 3);
  });

  it("grades the partial fix PARTIAL with the 50-unit test still failing", async () => {
    const id = await recordTrace(client(), { repoUrl: sample.repo.dir, baseCommit: sample.baseCommit, patch: fixturePatch("fix-partial") });
    const t = (await waitForQa(client(), id)).qa!.tests!;
    expect(t.verdict).toBe(Verdict.PARTIAL);
    expect(t.failToFail).toEqual(["tests/test_pricing.py::test_fifty_units_get_fifteen_percent_off"]);
    expect(t.failToPass).toHaveLength(2);
    expect(t.regressions).toEqual([]);
  });

  it("names the regression of the fix that breaks another test", async () => {
    const id = await recordTrace(client(), { repoUrl: sample.repo.dir, baseCommit: sample.baseCommit, patch: fixturePatch("fix-breaks-other") });
    const trace = await waitForQa(client(), id);
    const t = trace.qa!.tests!;
    expect(t.verdict).toBe(Verdict.PARTIAL);
    expect([...t.failToPass].sort()).toEqual(failingAtBase);
    expect(t.regressions).toEqual(["tests/test_pricing.py::test_discounted_line_is_rounded_once"]);
    // T = (3 of 3 fixed) × (1 − 1 of 10 passing tests regressed) = 0.9
    expect(trace.qa!.overall).toBeCloseTo(0.6 * 0.9 + 0.4 * ((trace.qa!.judge!.overall - 1) / 4), 3);
  });

  it("fails a patch that does not apply with PATCH_FAILED and git's message", async () => {
    const bad = "diff --git a/shopcart/pricing.py b/shopcart/pricing.py\n--- a/shopcart/pricing.py\n+++ b/shopcart/pricing.py\n@@ -1 +1 @@\n-this line is not in the file\n+nor is this one\n";
    const trace = await waitForQa(client(), await recordTrace(client(), { repoUrl: sample.repo.dir, baseCommit: sample.baseCommit, patch: bad }));
    expect(trace.status).toBe(TraceStatus.FAILED);
    expect(trace.qa?.status).toBe(QaStatus.PATCH_FAILED);
    expect(trace.qa?.error).toMatch(/git-apply: [^]*error: patch failed: shopcart\/pricing.py:1/);
    expect(trace.qa?.error).toContain("patch does not apply");
    expect(trace.statusDetail).toMatch(/^PATCH_FAILED/);
  });

  it("fails an unreachable repository with REPO_UNAVAILABLE naming the URL without its credentials", async () => {
    const url = "https://alice:s3cret-token@127.0.0.1:9/nowhere.git";
    const trace = await waitForQa(client(), await recordTrace(client(), { repoUrl: url, baseCommit: sample.baseCommit, patch: fixturePatch("fix-correct") }));
    expect(trace.qa?.status).toBe(QaStatus.REPO_UNAVAILABLE);
    // CreateTrace already stored the URL without its userinfo (issue #10); QA names that one.
    expect(trace.qa?.error).toContain("https://127.0.0.1:9/nowhere.git");
    expect(JSON.stringify(trace.qa?.error) + trace.statusDetail).not.toContain("s3cret-token");
  });

  it("fails a missing image with IMAGE_NOT_FOUND naming it", async () => {
    const trace = await waitForQa(client(), await recordTrace(client(), { repoUrl: sample.repo.dir, baseCommit: sample.baseCommit, patch: fixturePatch("fix-correct"), image: "devtrace/not-built:0" }));
    expect(trace.qa?.status).toBe(QaStatus.IMAGE_NOT_FOUND);
    expect(trace.qa?.error).toContain("devtrace/not-built:0");
  });

  it("reports a test command that never starts as INVALID, not a pass", async () => {
    const trace = await waitForQa(client(), await recordTrace(client(), { repoUrl: sample.repo.dir, baseCommit: sample.baseCommit, patch: fixturePatch("fix-correct"), testCommand: "pytset -q" }));
    expect(trace.status).toBe(TraceStatus.DONE);
    expect(trace.qa?.tests?.after?.outcome).toBe(RunOutcome.NOT_STARTED);
    expect(trace.qa?.tests?.verdict).toBe(Verdict.INVALID);
  });

  it("stops the run and removes its containers when the trace is deleted during QA", async () => {
    const id = await recordTrace(client(), { repoUrl: sample.repo.dir, baseCommit: sample.baseCommit, patch: fixturePatch("fix-correct"), testCommand: "sleep 600" });
    const docker = dockerClient();
    const mine = { label: [`devtrace.trace=${id}`] };
    await pollUntil("the QA containers", async () => (await docker.listContainers({ filters: mine })).length === 2, { timeoutMs: 60_000, intervalMs: 100 });
    await server.client(testTokens.admin).deleteTrace({ traceId: id });
    // The heartbeat finds the job gone, aborts the run, and the runner removes its containers.
    await pollUntil("the containers to go", async () => (await docker.listContainers({ all: true, filters: mine })).length === 0, { timeoutMs: 60_000, intervalMs: 200 });
  });

  it("leaves no container or volume behind", async () => {
    const docker = dockerClient();
    const filters = { label: [`devtrace.qa.pid=${process.pid}`] };
    expect(await docker.listContainers({ all: true, filters })).toEqual([]);
    expect((await docker.listVolumes({ filters })).Volumes ?? []).toEqual([]);
  });
});
