import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Verdict } from "../../../gen/devtrace/v1/qa_pb.js";
import { TraceStatus } from "../../../gen/devtrace/v1/trace_pb.js";
import { TraceService } from "../../../gen/devtrace/v1/trace_service_pb.js";
import { dockerClient } from "../../../server/qa/docker-client.js";
import { grpcTransport } from "../../helpers/devtrace-server.js";
import { describeWith } from "../../helpers/infra.js";
import { pollUntil } from "../../helpers/poll.js";
import { spawnServer, type ServerProcess } from "../../helpers/server-process.js";
import type { TempGitRepo } from "../../helpers/temp-git-repo.js";
import { fixturePatch, recordTrace, sampleRepoCopy, waitForQa } from "../../integration/server/qa/qa-fixtures.js";

describeWith(["docker", "sample-image"], "devtrace server killed -9 during a QA run", () => {
  let dataDir: string;
  let sample: { repo: TempGitRepo; baseCommit: string };
  let second: ServerProcess | undefined;
  const docker = dockerClient();
  const qaArgs = ["--workers", "1"];
  const env = { DEVTRACE_TEST_TIMEOUT_SEC: "120" };

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), "devtrace-qa-crash-"));
    sample = sampleRepoCopy();
  });
  afterAll(async () => {
    await second?.[Symbol.asyncDispose]();
    rmSync(dataDir, { recursive: true, force: true });
    sample?.repo[Symbol.dispose]();
  });

  it("finishes the job after a restart and sweeps the dead server's containers", async () => {
    const first = await spawnServer({ dataDir, args: qaArgs, env });
    const token = first.credentials().ingest_token;
    let client = createClient(TraceService, grpcTransport(first.url, token));
    // Slow enough that the kill lands while the containers run.
    const traceId = await recordTrace(client, { repoUrl: sample.repo.dir, baseCommit: sample.baseCommit, patch: fixturePatch("fix-correct"), testCommand: "sleep 6; python3 -m pytest -q" });
    const running = await pollUntil("QA containers of the first server", async () => {
      const list = await docker.listContainers({ all: true, filters: { label: [`devtrace.trace=${traceId}`, `devtrace.qa.pid=${first.child.pid}`] } });
      return list.length > 0 ? list : undefined;
    }, { timeoutMs: 60_000, intervalMs: 100 });
    expect((await client.getTrace({ traceId })).trace?.status).toBe(TraceStatus.RUNNING_TESTS);
    await first.stop("SIGKILL");

    second = await spawnServer({ dataDir, args: qaArgs, env });
    client = createClient(TraceService, grpcTransport(second.url, token));
    const trace = await waitForQa(client, traceId, 180_000);
    expect(trace.status).toBe(TraceStatus.DONE);
    expect(trace.qa?.tests?.verdict).toBe(Verdict.RESOLVED);
    expect(trace.qa?.attempts).toBe(2);
    // The killed attempt is not forgotten: it says its worker's lease expired mid-run.
    expect(trace.qa?.attemptErrors).toEqual([expect.stringMatching(/^attempt 1: the worker's lease expired while running tests/)]);
    for (const c of running) await expect(docker.getContainer(c.Id).inspect()).rejects.toThrow(/no such container/i);
  }, 300_000);
});
