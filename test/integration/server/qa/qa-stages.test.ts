import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { pino } from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import { JudgeStatus, QaStatus, Verdict } from "../../../../gen/devtrace/v1/qa_pb.js";
import { TraceStatus } from "../../../../gen/devtrace/v1/trace_pb.js";
import { dockerClient } from "../../../../server/qa/docker-client.js";
import { DockerTestRunner } from "../../../../server/qa/docker-test-runner.js";
import { startQa, type QaHandle } from "../../../../server/qa/start-qa.js";
import { createTestServer, testTokens, type TestServer } from "../../../helpers/devtrace-server.js";
import { describeWith } from "../../../helpers/infra.js";
import { pollUntil } from "../../../helpers/poll.js";
import type { TempGitRepo } from "../../../helpers/temp-git-repo.js";
import { fixturePatch, recordTrace, sampleRepoCopy, waitForQa } from "./qa-fixtures.js";

/** An OpenAI endpoint that accepts every request and never answers (the hung judge of the acceptance run). */
async function hangingEndpoint(): Promise<{ baseUrl: string; requests: () => number; close(): Promise<void> }> {
  const held: ServerResponse[] = [];
  const server: Server = createServer((_req, res) => void held.push(res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests: () => held.length,
    close: () => new Promise<void>((resolve) => {
      held.forEach((r) => r.destroy());
      server.close(() => resolve());
    }),
  };
}

describeWith(["docker", "sample-image"], "QA stages: a hung judge, hostile image names", () => {
  let server: TestServer;
  let qa: QaHandle;
  let judge: Awaited<ReturnType<typeof hangingEndpoint>>;
  let sample: { repo: TempGitRepo; baseCommit: string };
  const client = () => server.client(testTokens.ingest);
  const deadlineSec = 20;

  beforeAll(async () => {
    server = await createTestServer();
    sample = sampleRepoCopy();
    judge = await hangingEndpoint();
    // One worker, as in the acceptance run where the hung judge held it for 1 830 s.
    qa = await startQa(server.store, { workers: 1, openaiApiKey: "sk-test", openaiBaseUrl: judge.baseUrl, judgeModel: "gpt-4o-mini", testTimeoutSec: 120, pullImages: false, pollMs: 100, judgeDeadlineSec: deadlineSec }, pino({ level: "silent" }));
  });
  afterAll(async () => {
    await qa?.close();
    await judge?.close();
    await server?.[Symbol.asyncDispose]();
    sample?.repo[Symbol.dispose]();
  });

  it("runs another trace's tests while a hung judge holds the first, and ends the first JUDGE_TIMED_OUT with its tests", async () => {
    const started = Date.now();
    const first = await recordTrace(client(), { repoUrl: sample.repo.dir, baseCommit: sample.baseCommit, patch: fixturePatch("fix-correct") });
    const second = await recordTrace(client(), { repoUrl: sample.repo.dir, baseCommit: sample.baseCommit, patch: fixturePatch("fix-partial") });
    // The second trace's tests finish while the first is still judging.
    const secondJudging = await pollUntil("the second trace to reach JUDGING", async () => {
      const t = (await client().getTrace({ traceId: second })).trace!;
      return t.status === TraceStatus.JUDGING ? t : undefined;
    }, { timeoutMs: 120_000, intervalMs: 100 });
    const firstThen = (await client().getTrace({ traceId: first })).trace!;
    expect(firstThen.status).toBe(TraceStatus.JUDGING);
    expect(secondJudging.qa?.tests?.verdict).toBe(Verdict.PARTIAL);

    const ended = await waitForQa(client(), first, 120_000);
    const elapsed = (timestampMs(ended.qa!.finishedAt!) - timestampMs(ended.qa!.startedAt!)) / 1000;
    console.log(`hung judge: first trace ended after ${elapsed.toFixed(1)} s (deadline ${deadlineSec} s, ${judge.requests()} judge requests); second trace's tests done ${((timestampMs(secondJudging.qa!.stageStartedAt!) - started) / 1000).toFixed(1)} s after the first was finalized`);
    expect(ended.status).toBe(TraceStatus.FAILED);
    expect(ended.qa).toMatchObject({ status: QaStatus.JUDGE_TIMED_OUT, judgeStatus: JudgeStatus.TIMED_OUT, overall: 0 });
    expect(ended.qa?.judge).toBeUndefined();
    expect(ended.qa?.tests?.verdict).toBe(Verdict.RESOLVED);
    expect(ended.statusDetail).toMatch(/^JUDGE_TIMED_OUT: the judge did not answer within the 20 s judging deadline/);
    // Deadline plus scheduling slack: nowhere near retries × per-request timeouts.
    expect(timestampMs(ended.qa!.finishedAt!) - timestampMs(secondJudging.qa!.stageStartedAt!)).toBeLessThan(deadlineSec * 1000);
    expect((await waitForQa(client(), second, 120_000)).qa?.status).toBe(QaStatus.JUDGE_TIMED_OUT);
  });

  it("refuses a malformed image name before the engine sees it, and a redirecting engine answer is an error, not a crash", async () => {
    const runner = new DockerTestRunner(dockerClient(), pino({ level: "silent" }));
    for (const image of ["", "../../containers/json", "a//b"]) {
      await expect(runner.run({ traceId: "t-img", phase: "after", image, command: "true", treeDir: sample.repo.dir })).rejects.toMatchObject({ kind: "image_not_found" });
    }
    // The engine redirects "/images//json"; the client used to follow it to a host named "images".
    await expect(dockerClient().getImage("").inspect()).rejects.toThrow(/redirect/i);
  });
});
