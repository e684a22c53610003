import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { pino } from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import { QaStatus, Verdict } from "../../../gen/devtrace/v1/qa_pb.js";
import { DeveloperSchema, EnvironmentSchema, TaskSchema, TraceStatus } from "../../../gen/devtrace/v1/trace_pb.js";
import { TraceService } from "../../../gen/devtrace/v1/trace_service_pb.js";
import { hashToken } from "../../../server/auth/token-hash.js";
import { SqliteStore } from "../../../server/store/sqlite-store.js";
import { grpcTransport } from "../../helpers/devtrace-server.js";
import { describeWith } from "../../helpers/infra.js";
import { spawnServer, type ServerProcess } from "../../helpers/server-process.js";
import type { TempGitRepo } from "../../helpers/temp-git-repo.js";
import { fixturePatch, sampleRepoCopy, waitForQa } from "../../integration/server/qa/qa-fixtures.js";

describeWith(["docker", "sample-image"], "a devtrace server process with QA jobs that used to crash it", () => {
  let dataDir: string;
  let sample: { repo: TempGitRepo; baseCommit: string };
  let server: ServerProcess | undefined;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), "devtrace-qa-nocrash-"));
    sample = sampleRepoCopy();
  });
  afterAll(async () => {
    await server?.[Symbol.asyncDispose]();
    rmSync(dataDir, { recursive: true, force: true });
    sample?.repo[Symbol.dispose]();
  });

  it("ends each as FAILED with its cause and keeps serving, across a restart", async () => {
    // Stored as an older server (or a direct store write) left them: sealed, QA queued.
    const store = SqliteStore.open({ dataDir, logger: pino({ level: "silent" }) });
    const jobs: Array<[string, { testImage: string; testCommand: string }]> = [
      ["tr_noimage", { testImage: "", testCommand: "" }],
      ["tr_slashes", { testImage: "devtrace//sample-python:1", testCommand: "pytest -q" }],
      ["tr_dotdot", { testImage: "../../containers/json", testCommand: "pytest -q" }],
    ];
    for (const [id, t] of jobs) {
      const task = create(TaskSchema, { description: "bug #142", repoUrl: sample.repo.dir, baseCommit: sample.baseCommit, ...t });
      await store.createTrace({ id, developer: create(DeveloperSchema, { id: "alice" }), task, environment: create(EnvironmentSchema), uploadTokenHash: hashToken(`up-${id}`), createdAt: new Date() });
      await store.sealTrace(id, fixturePatch("fix-correct"), new Date());
    }
    await store.close();

    for (let start = 1; start <= 2; start++) {
      server = await spawnServer({ dataDir, args: ["--workers", "1"], env: { DEVTRACE_TEST_TIMEOUT_SEC: "60" } });
      const client = createClient(TraceService, grpcTransport(server.url, server.credentials().read_token));
      const ended = await Promise.all(jobs.map(([id]) => waitForQa(client, id, 120_000)));
      expect(ended.map((t) => [t.status, QaStatus[t.qa?.status ?? 0]])).toEqual([
        [TraceStatus.FAILED, "NOT_CONFIGURED"],
        [TraceStatus.FAILED, "IMAGE_NOT_FOUND"],
        [TraceStatus.FAILED, "IMAGE_NOT_FOUND"],
      ]);
      expect(ended[0].qa?.tests?.verdict).toBe(Verdict.NOT_RUN);
      expect(ended[0].qa?.judge?.heuristic).toBe(true);
      expect(ended[1].qa?.error).toMatch(/is not a Docker image reference/);
      // The process is alive and answering.
      expect(server.child.exitCode).toBeNull();
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      await server.stop("SIGTERM");
      server = undefined;
    }
  }, 300_000);
});
