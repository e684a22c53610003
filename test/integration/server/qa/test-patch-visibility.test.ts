import { create } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CreateTraceRequestSchema } from "../../../../gen/devtrace/v1/trace_service_pb.js";
import { createTestServer, testTokens, type TestServer } from "../../../helpers/devtrace-server.js";

const reference = "diff --git a/tests/test_hidden.py b/tests/test_hidden.py\nnew file mode 100644\n--- /dev/null\n+++ b/tests/test_hidden.py\n@@ -0,0 +1,2 @@\n+def test_hidden():\n+    assert HIDDEN_REFERENCE_ASSERTION\n";

describe("the reference test_patch is never shown to ingest tokens", () => {
  let server: TestServer;
  let traceId: string;
  let uploadToken: string;
  beforeAll(async () => {
    server = await createTestServer();
    // The researcher (admin) creates the task for alice, with tests alice must not see.
    const created = await server.client(testTokens.admin).createTrace(
      create(CreateTraceRequestSchema, { developer: { id: "alice" }, task: { repoUrl: "https://140.82.112.3/org/shop.git", baseCommit: "a".repeat(40), testImage: "devtrace/sample-python:1", testCommand: "pytest -q", testPatch: reference } }),
    );
    traceId = created.trace!.id;
    uploadToken = created.uploadToken;
  });
  afterAll(async () => {
    await server?.[Symbol.asyncDispose]();
  });

  it("GetTrace and WatchTrace hide it from the trace's own ingest token and show it to read and admin", async () => {
    const alice = server.client(testTokens.ingest);
    expect((await alice.getTrace({ traceId })).trace?.task?.testPatch).toBe("");
    for await (const change of alice.watchTrace({ traceId })) {
      expect(change.trace?.task?.testPatch).toBe("");
      break;
    }
    expect((await server.client(testTokens.read).getTrace({ traceId })).trace?.task?.testPatch).toBe(reference);
    expect((await server.client(testTokens.admin).getTrace({ traceId })).trace?.task?.testPatch).toBe(reference);
  });

  it("FinalizeTrace answers the agent without it, and the stored trace keeps it for QA", async () => {
    const sealed = await server.client(testTokens.ingest).finalizeTrace({ traceId, uploadToken, finalPatch: "" });
    expect(sealed.trace?.task?.testPatch).toBe("");
    expect(JSON.stringify(sealed.trace, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))).not.toContain("HIDDEN_REFERENCE_ASSERTION");
    expect((await server.store.getTrace(traceId))?.trace.task?.testPatch).toBe(reference);
  });

  it("ListTraces and ExportTraces (read role) carry it for researchers", async () => {
    const read = server.client(testTokens.read);
    expect((await read.listTraces({})).traces.find((t) => t.id === traceId)?.task?.testPatch).toBe(reference);
    for await (const item of read.exportTraces({})) if (item.trace?.id === traceId) expect(item.trace.task?.testPatch).toBe(reference);
  });
});
