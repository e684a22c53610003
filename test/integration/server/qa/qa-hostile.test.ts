import { pino } from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import { RunOutcome, Verdict } from "../../../../gen/devtrace/v1/qa_pb.js";
import { TraceStatus } from "../../../../gen/devtrace/v1/trace_pb.js";
import { dockerClient } from "../../../../server/qa/docker-client.js";
import { startQa, type QaHandle } from "../../../../server/qa/start-qa.js";
import { createTestServer, testTokens, type TestServer } from "../../../helpers/devtrace-server.js";
import { describeWith } from "../../../helpers/infra.js";
import type { TempGitRepo } from "../../../helpers/temp-git-repo.js";
import { fixturePatch, recordTrace, sampleRepoCopy, waitForQa } from "./qa-fixtures.js";

describeWith(["docker", "sample-image"], "QA with hostile test commands", () => {
  let server: TestServer;
  let qa: QaHandle;
  let sample: { repo: TempGitRepo; baseCommit: string };
  const client = () => server.client(testTokens.ingest);
  const finalize = async (testCommand: string) =>
    waitForQa(client(), await recordTrace(client(), { repoUrl: sample.repo.dir, baseCommit: sample.baseCommit, patch: fixturePatch("fix-correct"), testCommand }));

  beforeAll(async () => {
    server = await createTestServer();
    sample = sampleRepoCopy();
    qa = await startQa(server.store, { workers: 2, judgeModel: "gpt-4o-mini", testTimeoutSec: 6, pullImages: false, pollMs: 100, limits: { memoryBytes: 256 * 1024 ** 2, pidsLimit: 128 } }, pino({ level: "silent" }));
  });
  afterAll(async () => {
    await qa?.close();
    await server?.[Symbol.asyncDispose]();
    sample?.repo[Symbol.dispose]();
  });

  it("reports a command that tries the network: it fails inside, the trace is still scored", async () => {
    const trace = await finalize(`python3 -c "import urllib.request; urllib.request.urlopen('http://1.1.1.1/', timeout=5)"`);
    expect(trace.status).toBe(TraceStatus.DONE);
    expect(trace.qa?.tests?.after?.exitCode).not.toBe(0);
    expect(trace.qa?.tests?.after?.stderr).toMatch(/Network is unreachable|URLError/);
  });

  it("holds a fork bomb at the pids limit and reports the run as failed", async () => {
    const trace = await finalize("bomb() { bomb | bomb & }; while :; do bomb; done");
    const after = trace.qa?.tests?.after;
    // dash gives up when fork fails, so the bomb ends the run itself (or the time limit does).
    expect(after?.stderr).toMatch(/Cannot fork|Resource temporarily unavailable/);
    expect(after?.outcome === RunOutcome.TIMED_OUT || after?.exitCode !== 0).toBe(true);
    expect(trace.qa?.tests?.verdict).not.toBe(Verdict.RESOLVED);
  });

  it("reports a command that eats memory as killed out of memory", async () => {
    const trace = await finalize(`python3 -c "b = []\nwhile True: b.append(bytearray(32 * 1024 * 1024))"`);
    const after = trace.qa?.tests?.after;
    expect(after?.exitCode).toBe(137);
    expect(after?.stderr).toContain("out of memory");
  });

  it("kills a command that sleeps forever and reports it TIMED_OUT", async () => {
    const trace = await finalize("sleep infinity");
    expect(trace.status).toBe(TraceStatus.DONE);
    expect(trace.qa?.tests?.before?.outcome).toBe(RunOutcome.TIMED_OUT);
    expect(trace.qa?.tests?.after?.outcome).toBe(RunOutcome.TIMED_OUT);
    expect(trace.qa?.tests?.verdict).toBe(Verdict.INVALID);
    expect(trace.qa?.overall).toBeLessThanOrEqual(0.4);
  });

  it("leaves no container or volume behind", async () => {
    const docker = dockerClient();
    const filters = { label: [`devtrace.qa.pid=${process.pid}`] };
    expect(await docker.listContainers({ all: true, filters })).toEqual([]);
    expect((await docker.listVolumes({ filters })).Volumes ?? []).toEqual([]);
  });
});
