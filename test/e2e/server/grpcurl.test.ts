import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWith, findTool } from "../../helpers/infra.js";
import { startTestServer, testTokens } from "../../helpers/devtrace-server.js";
import type { ListeningTestServer } from "../../helpers/devtrace-server.js";

const run = promisify(execFile);

describeWith(["grpcurl"], "grpcurl through server reflection (no .proto files)", () => {
  let srv: ListeningTestServer;
  let address: string;
  beforeAll(async () => {
    srv = await startTestServer();
    address = srv.url.replace("http://", "");
  });
  afterAll(async () => {
    await srv[Symbol.asyncDispose]();
  });

  async function grpcurl(args: string[], token?: string, data?: unknown) {
    const auth = token ? ["-H", `authorization: Bearer ${token}`] : [];
    const body = data === undefined ? [] : ["-d", JSON.stringify(data)];
    // Run from / so no .proto file could be picked up by accident.
    return run(findTool("grpcurl")!, ["-plaintext", ...auth, ...body, address, ...args], { cwd: "/", timeout: 30_000 })
      .then(({ stdout }) => ({ ok: true, out: stdout }))
      .catch((e: { stdout?: string; stderr?: string }) => ({ ok: false, out: `${e.stdout ?? ""}${e.stderr ?? ""}` }));
  }

  it("lists every service", async () => {
    const { ok, out } = await grpcurl(["list"]);
    expect(ok).toBe(true);
    expect(out.trim().split("\n").sort()).toEqual([
      "devtrace.v1.TraceService",
      "grpc.health.v1.Health",
      "grpc.reflection.v1.ServerReflection",
      "grpc.reflection.v1alpha.ServerReflection",
    ]);
  });

  it("describes the service and its messages, with imported types", async () => {
    const svc = await grpcurl(["describe", "devtrace.v1.TraceService"]);
    expect(svc.out).toContain("rpc StreamEvents ( stream .devtrace.v1.StreamEventsRequest ) returns ( stream .devtrace.v1.StreamEventsResponse );");
    const ev = await grpcurl(["describe", "devtrace.v1.Event"]);
    expect(ev.out).toContain(".google.protobuf.Timestamp time = 3;");
    expect(ev.out).toContain("oneof kind {");
    const ts = await grpcurl(["describe", "google.protobuf.Timestamp"]);
    expect(ts.ok).toBe(true);
  });

  it("runs a first trace: create, append, finalize, get", async () => {
    const created = await grpcurl(["devtrace.v1.TraceService/CreateTrace"], testTokens.ingest, {
      task: { description: "discount applied twice", repo_url: "https://example.invalid/shop.git", base_commit: "0123abcd" },
    });
    expect(created.ok).toBe(true);
    const { trace, uploadToken } = JSON.parse(created.out);
    const appended = await grpcurl(["devtrace.v1.TraceService/AppendEvents"], testTokens.ingest, {
      trace_id: trace.id,
      upload_token: uploadToken,
      events: [
        { seq: 1, session_id: "term-1", time: "2026-01-01T00:00:00Z", thought: { text: "rounding happens twice" } },
        { seq: 2, session_id: "term-1", time: "2026-01-01T00:00:05Z", terminal_command: { command_line: "pytest -q", exit_code: 1 } },
      ],
    });
    expect(JSON.parse(appended.out)).toEqual({ ackedSeq: "2" });
    const sealed = await grpcurl(["devtrace.v1.TraceService/FinalizeTrace"], testTokens.ingest, { trace_id: trace.id, upload_token: uploadToken });
    expect(JSON.parse(sealed.out).trace.status).toBe("TRACE_STATUS_QUEUED");
    const got = await grpcurl(["devtrace.v1.TraceService/GetTrace"], testTokens.read, { trace_id: trace.id, include_events: true });
    const body = JSON.parse(got.out);
    expect(body.trace.ackedSeq).toBe("2");
    expect(body.events.map((e: { seq: string }) => e.seq)).toEqual(["1", "2"]);
  });

  it("shows the precise status of a bad call", async () => {
    const noToken = await grpcurl(["devtrace.v1.TraceService/ListTraces"], undefined, {});
    expect(noToken.ok).toBe(false);
    expect(noToken.out).toContain("Code: Unauthenticated");
    const badEnum = await grpcurl(["devtrace.v1.TraceService/ListTraces"], testTokens.read, { filter: { statuses: [42] } });
    expect(badEnum.out).toContain("Code: InvalidArgument");
    expect(badEnum.out).toContain("filter.statuses[0]: 42 is not a TraceStatus");
  });

  it("checks health without a token", async () => {
    const { ok, out } = await grpcurl(["grpc.health.v1.Health/Check"]);
    expect(ok).toBe(true);
    expect(JSON.parse(out)).toEqual({ status: "SERVING" });
  });
});
