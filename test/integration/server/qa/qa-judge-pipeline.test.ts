import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JudgeStatus, QaStatus, Verdict } from "../../../../gen/devtrace/v1/qa_pb.js";
import { TraceStatus } from "../../../../gen/devtrace/v1/trace_pb.js";
import { startQa, type QaHandle } from "../../../../server/qa/start-qa.js";
import { rubricV1 } from "../../../../server/qa/rubric/rubric-v1.js";
import { createTestServer, testTokens, type TestServer } from "../../../helpers/devtrace-server.js";
import { completion, judgement, startFakeOpenAi, type FakeOpenAi } from "../../../helpers/fake-openai.js";
import { describeWith } from "../../../helpers/infra.js";
import type { TempGitRepo } from "../../../helpers/temp-git-repo.js";
import { fixturePatch, recordTrace, sampleRepoCopy, waitForQa } from "./qa-fixtures.js";

describeWith(["docker", "sample-image"], "QA with an OpenAI-compatible judge", () => {
  let server: TestServer;
  let qa: QaHandle;
  let fake: FakeOpenAi;
  let sample: { repo: TempGitRepo; baseCommit: string };
  const client = () => server.client(testTokens.ingest);

  beforeAll(async () => {
    server = await createTestServer();
    sample = sampleRepoCopy();
    fake = await startFakeOpenAi(completion(judgement(5)));
    qa = await startQa(server.store, { workers: 1, openaiApiKey: "sk-test", openaiBaseUrl: fake.baseUrl, judgeModel: "gpt-4o-mini", testTimeoutSec: 120, pullImages: false, pollMs: 100 }, pino({ level: "silent" }));
  });
  afterAll(async () => {
    await qa?.close();
    await fake?.close();
    await server?.[Symbol.asyncDispose]();
    sample?.repo[Symbol.dispose]();
  });

  it("scores the trace with the model's judgement and shows the model the test verdict", async () => {
    fake.requests.length = 0;
    const trace = await waitForQa(client(), await recordTrace(client(), { repoUrl: sample.repo.dir, baseCommit: sample.baseCommit, patch: fixturePatch("fix-correct") }));
    expect(trace.status).toBe(TraceStatus.DONE);
    expect(trace.qa?.judge).toMatchObject({ heuristic: false, model: "gpt-4o-mini-2024-07-18", rubricVersion: rubricV1.version, overall: 5 });
    expect(trace.qa?.overall).toBe(1);
    const user = JSON.stringify(fake.requests[0].body);
    expect(user).toContain("RESOLVED");
    expect(user).toContain("test_ten_units_get_ten_percent_off");
  });

  it("records malformed judge output as an error, keeps the test results and gives no score", async () => {
    fake.script(completion("I think this deserves a 5/5!"));
    const trace = await waitForQa(client(), await recordTrace(client(), { repoUrl: sample.repo.dir, baseCommit: sample.baseCommit, patch: fixturePatch("fix-correct") }));
    expect(trace.status).toBe(TraceStatus.FAILED);
    expect(trace.qa?.status).toBe(QaStatus.JUDGE_FAILED);
    expect(trace.qa?.judgeStatus).toBe(JudgeStatus.FAILED);
    expect(trace.qa?.error).toMatch(/invalid output/);
    expect(trace.qa?.tests?.verdict).toBe(Verdict.RESOLVED);
    expect(trace.qa?.judge).toBeUndefined();
    expect(trace.qa?.overall).toBe(0);
  });
});

describe("QA without a Docker engine", () => {
  let server: TestServer;
  let qa: QaHandle;
  let sample: { repo: TempGitRepo; baseCommit: string };

  beforeAll(async () => {
    server = await createTestServer();
    sample = sampleRepoCopy();
    qa = await startQa(server.store, { workers: 1, dockerHost: "unix:///nonexistent/docker.sock", judgeModel: "gpt-4o-mini", testTimeoutSec: 60, pullImages: false, pollMs: 50, maxAttempts: 2 }, pino({ level: "silent" }));
  });
  afterAll(async () => {
    await qa?.close();
    await server?.[Symbol.asyncDispose]();
    sample?.repo[Symbol.dispose]();
  });

  it("retries, then fails the trace with DOCKER_UNAVAILABLE after the last attempt", async () => {
    const client = server.client(testTokens.ingest);
    const trace = await waitForQa(client, await recordTrace(client, { repoUrl: sample.repo.dir, baseCommit: sample.baseCommit, patch: fixturePatch("fix-correct") }));
    expect(trace.status).toBe(TraceStatus.FAILED);
    expect(trace.qa?.status).toBe(QaStatus.DOCKER_UNAVAILABLE);
    expect(trace.qa?.attempts).toBe(2);
    expect(trace.statusDetail).toMatch(/^DOCKER_UNAVAILABLE: no Docker engine answered/);
  });
});
