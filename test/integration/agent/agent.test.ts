import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TraceStatus } from "../../../gen/devtrace/v1/trace_pb.js";
import { AgentRequestError } from "../../../agent/local/local-client.js";
import { readTraceFile } from "../../../agent/trace/trace-file.js";
import { startTestServer, testTokens } from "../../helpers/devtrace-server.js";
import { listen } from "../../../server/net/listen.js";
import { pino } from "pino";
import { agentFixture, eventually } from "./agent-harness.js";

type Status = { traceId?: string; events: { recorded: string; acked: string; queued: string }; connection: { state: string }; terminals: unknown[] };

describe("Agent", () => {
  it("creates the trace, records a note and an editor event, and the server acknowledges them", async () => {
    await using srv = await startTestServer();
    await using fx = await agentFixture();
    const agent = await fx.start(srv.url, testTokens.ingest);
    expect(agent).toBeDefined();
    const c = await fx.client();
    await c.request("note", { text: "empty carts crash total()", tags: ["hypothesis"] });
    await c.request("event", { event: { sessionId: "vscode-1", fileOpened: { path: fx.repo.path("src/app.py"), language: "python" } } });
    await eventually("two acked events", async () => (await c.request<Status>("status")).events.acked === "2");
    const status = await c.request<Status>("status");
    expect(status.connection.state).toBe("connected");
    const { events, trace } = await srv.client(testTokens.read).getTrace({ traceId: status.traceId!, includeEvents: true });
    expect(trace?.task?.description).toBe("sum of an empty cart");
    expect(trace?.task?.baseCommit).toBe(fx.repo.git("rev-parse", "HEAD"));
    expect(events.map((e) => [e.seq, e.sessionId, e.kind.case])).toEqual([
      [1n, "cli", "thought"],
      [2n, "vscode-1", "fileOpened"],
    ]);
    expect(events[1].kind.case === "fileOpened" && events[1].kind.value.path).toBe("src/app.py");
  });

  it("lets one agent run per repository and hands the lock over when it stops", async () => {
    await using srv = await startTestServer();
    await using fx = await agentFixture();
    const first = await fx.start(srv.url, testTokens.ingest);
    expect(first).toBeDefined();
    expect(await fx.start(srv.url, testTokens.ingest)).toBeUndefined();
    await first!.close();
    const second = await fx.start(srv.url, testTokens.ingest);
    expect(second).toBeDefined();
  });

  it("replaces a crashed agent's socket file and keeps its socket private", async () => {
    await using srv = await startTestServer();
    await using fx = await agentFixture();
    const { state } = fx.location;
    const { mkdirSync } = await import("node:fs");
    mkdirSync(state.root, { recursive: true });
    writeFileSync(state.socket, "left over by a crash");
    writeFileSync(state.pidFile, JSON.stringify({ pid: 999_999 }));
    await fx.start(srv.url, testTokens.ingest);
    expect(statSync(state.socket).isSocket()).toBe(true);
    expect(statSync(state.socket).mode & 0o777).toBe(0o600);
    expect(statSync(state.root).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(state.pidFile, "utf8")).pid).toBe(process.pid);
    await eventually("the trace file with its token", () => readTraceFile(state.traceFile)?.uploadToken !== undefined);
    expect(statSync(state.traceFile).mode & 0o777).toBe(0o600);
  });

  it("records while the server is unreachable and delivers everything, once, when it is back", async () => {
    await using srv = await startTestServer();
    await using fx = await agentFixture();
    const port = Number(new URL(srv.url).port);
    await fx.start(srv.url, testTokens.ingest);
    const c = await fx.client();
    await c.request("note", { text: "first" });
    await eventually("the first ack", async () => (await c.request<Status>("status")).events.acked === "1");
    srv.listener.stopAccepting();
    await srv.listener.close(100);
    for (let i = 0; i < 20; i++) await c.request("note", { text: `offline ${i}` });
    const offline = await c.request<Status>("status");
    expect(offline.events).toEqual({ recorded: "21", acked: "1", queued: "20" });
    const again = await listen(srv.server.handler, { host: "127.0.0.1", port, logger: pino({ level: "silent" }) });
    try {
      await eventually("the backlog acked", async () => (await c.request<Status>("status")).events.queued === "0", 60_000);
      const { events } = await srv.client(testTokens.read).getTrace({ traceId: offline.traceId!, includeEvents: true });
      expect(events.map((e) => (e.kind.case === "thought" ? e.kind.value.text : ""))).toEqual(["first", ...Array.from({ length: 20 }, (_, i) => `offline ${i}`)]);
    } finally {
      await again.close(100);
    }
  });

  it("redacts a secret before it reaches the spool", async () => {
    await using fx = await agentFixture();
    // No server at all: the event stays in the spool, where the test reads it.
    await fx.start("http://127.0.0.1:9", testTokens.ingest);
    const c = await fx.client();
    const secret = `ghp_${"Z9y8X7w6V5".repeat(3)}abc123`;
    await c.request("note", { text: `export GITHUB_TOKEN=${secret}` });
    const spoolDir = fx.location.state.spool;
    const raw = readdirSync(spoolDir)
      .map((f) => readFileSync(join(spoolDir, f)).toString("latin1"))
      .join("");
    expect((await c.request<Status>("status")).events.recorded).toBe("1");
    expect(raw).not.toContain(secret);
    expect(raw).toContain("GITHUB_TOKEN=");
    expect(raw).toContain("[REDACTED");
  });

  it("resumes its trace and spool after a restart", async () => {
    await using srv = await startTestServer();
    await using fx = await agentFixture();
    const first = await fx.start(srv.url, testTokens.ingest);
    let c = await fx.client();
    await c.request("note", { text: "before restart" });
    await eventually("acked", async () => (await c.request<Status>("status")).events.acked === "1");
    const traceId = (await c.request<Status>("status")).traceId;
    await first!.close();
    await fx.start(srv.url, testTokens.ingest);
    c = await fx.client();
    await c.request("note", { text: "after restart" });
    await eventually("acked", async () => (await c.request<Status>("status")).events.acked === "2");
    expect((await c.request<Status>("status")).traceId).toBe(traceId);
  });

  it("finalizes with the working tree as the patch, stops, and the next start opens a new trace", async () => {
    await using srv = await startTestServer();
    await using fx = await agentFixture();
    const agent = await fx.start(srv.url, testTokens.ingest);
    const c = await fx.client();
    fx.repo.write("src/app.py", "def total(xs):\n    return sum(xs or [])\n");
    fx.repo.write("src/new.py", "X = 1\n");
    fx.repo.write("debug.log", "ignored\n");
    const progress: unknown[] = [];
    const result = await c.request<{ trace: { id: string; status: string; finalPatch: string } }>("finalize", {}, { onProgress: (p) => progress.push(p) });
    expect(result.trace.status).toBe("TRACE_STATUS_QUEUED");
    expect(result.trace.finalPatch).toContain("+    return sum(xs or [])");
    expect(result.trace.finalPatch).toContain("b/src/new.py");
    expect(result.trace.finalPatch).not.toContain("debug.log");
    expect(progress.length).toBeGreaterThan(0);
    expect(await agent!.stopped).toBe("finalized");
    await agent!.close();
    expect(existsSync(fx.location.state.traceFile)).toBe(false);
    expect(readFileSync(fx.location.state.historyFile, "utf8")).toContain(result.trace.id);
    expect(readFileSync(fx.location.state.historyFile, "utf8")).not.toContain("upload");
    const stored = await srv.client(testTokens.read).getTrace({ traceId: result.trace.id, includeEvents: true });
    expect(stored.trace?.status).toBe(TraceStatus.QUEUED);
    expect(stored.events.map((e) => e.kind.case).sort()).toEqual(["fileCreated", "fileEdit"]);
    const next = await fx.start(srv.url, testTokens.ingest);
    const c2 = await fx.client();
    await eventually("a new trace", async () => (await c2.request<Status>("status")).traceId !== undefined);
    expect((await c2.request<Status>("status")).traceId).not.toBe(result.trace.id);
    expect(next).toBeDefined();
  });

  it("refuses events once the trace is finalized", async () => {
    await using srv = await startTestServer();
    await using fx = await agentFixture();
    await fx.start(srv.url, testTokens.ingest);
    const c = await fx.client();
    const other = await fx.client();
    await c.request("note", { text: "in time" });
    const { trace } = await c.request<{ trace: { id: string } }>("finalize");
    const err = await other.request("note", { text: "too late" }).catch((e: unknown) => e);
    // Either the agent refuses it, or it has already shut down: never stored.
    expect(err instanceof AgentRequestError ? err.code : "gone").toMatch(/finalized|gone/);
    const { events } = await srv.client(testTokens.read).getTrace({ traceId: trace.id, includeEvents: true });
    expect(events.map((e) => (e.kind.case === "thought" ? e.kind.value.text : ""))).toEqual(["in time"]);
  });

  it("refuses an uploaded event of a kind only the watcher may produce", async () => {
    await using fx = await agentFixture();
    await fx.start("http://127.0.0.1:9", testTokens.ingest);
    const c = await fx.client();
    const err = await c.request("event", { event: { fileEdit: { path: "src/app.py" } } }).catch((e: unknown) => e);
    expect((err as AgentRequestError).code).toBe("invalid_event");
    expect((await c.request<Status>("status")).events.recorded).toBe("0");
  });
});
