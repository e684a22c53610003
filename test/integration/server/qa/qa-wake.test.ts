import { pino } from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import { TraceStatus } from "../../../../gen/devtrace/v1/trace_pb.js";
import { startQa, type QaHandle } from "../../../../server/qa/start-qa.js";
import { createTestServer, testTokens, type TestServer } from "../../../helpers/devtrace-server.js";
import { describeWith } from "../../../helpers/infra.js";
import type { TempGitRepo } from "../../../helpers/temp-git-repo.js";
import { fixturePatch, recordTrace, sampleRepoCopy, waitForQa } from "./qa-fixtures.js";

describeWith(["docker", "sample-image"], "FinalizeTrace wakes in-process QA workers", () => {
  let server: TestServer;
  let qa: QaHandle | undefined;
  let sample: { repo: TempGitRepo; baseCommit: string };

  beforeAll(async () => {
    server = await createTestServer({ onSealed: () => qa?.wake() });
    sample = sampleRepoCopy();
    // A poll far longer than the test may take: only the wake-up can start the job in time.
    qa = await startQa(server.store, { workers: 1, judgeModel: "gpt-4o-mini", testTimeoutSec: 120, pullImages: false, pollMs: 3_600_000 }, pino({ level: "silent" }));
  });
  afterAll(async () => {
    await qa?.close();
    await server?.[Symbol.asyncDispose]();
    sample?.repo[Symbol.dispose]();
  });

  it("starts QA as soon as the trace is sealed, not at the next poll", async () => {
    const client = server.client(testTokens.ingest);
    const id = await recordTrace(client, { repoUrl: sample.repo.dir, baseCommit: sample.baseCommit, patch: fixturePatch("fix-correct") });
    const trace = await waitForQa(client, id, 90_000);
    expect(trace.status).toBe(TraceStatus.DONE);
  });
});
