import { describe, expect, it } from "vitest";
import { renderStatus } from "../../../agent/commands/status-command.js";
import type { AgentStatusReport } from "../../../agent/agent-status.js";

const report = (o: Partial<AgentStatusReport> = {}): AgentStatusReport => ({
  repo: "/home/dev/shop",
  pid: 4242,
  socket: "/home/dev/shop/.git/devtrace/agent.sock",
  startedAt: "2026-03-01T09:00:00.000Z",
  traceId: "01a2-trace",
  serverUrl: "http://127.0.0.1:50051",
  task: { description: "bulk discount", baseCommit: "0123456789abcdef0123", testCommand: "pytest -q", testImage: "devtrace/sample-python:1" },
  connection: { state: "connected", reconnects: 0 },
  events: { recorded: "12", acked: "10", queued: "2" },
  spool: { bytes: 1024 * 1024, limitBytes: 1024 * 1024 * 1024, full: false, lostEvents: "0", refusedEvents: "0" },
  terminals: [{ sessionId: "5b0c-uuid", shell: "bash", pid: 777, since: "2026-03-01T09:01:00.000Z" }],
  finalizing: false,
  ...o,
});

describe("renderStatus()", () => {
  it("shows the trace, the connection, the event counts and the attached terminals", () => {
    const text = renderStatus(report());
    expect(text).toContain("trace:       01a2-trace");
    expect(text).toContain("server:      http://127.0.0.1:50051: connected");
    expect(text).toContain("events:      12 recorded, 10 acknowledged, 2 queued on disk");
    expect(text).toContain("terminals:   1 attached");
    expect(text).toMatch(/5b0c-uuid\s+bash\s+777/);
  });

  it("says why the server is unreachable and when the next try is", () => {
    const text = renderStatus(report({ connection: { state: "retrying", lastError: "[unavailable] connect ECONNREFUSED", retryInMs: 3200, reconnects: 4 } }));
    expect(text).toContain("retrying ([unavailable] connect ECONNREFUSED), next try in 4 s");
  });

  it("warns when the spool nears its bound", () => {
    expect(renderStatus(report({ spool: { bytes: 900, limitBytes: 1000, full: false, lostEvents: "0", refusedEvents: "0" } }))).toMatch(/WARNING: near its bound/);
    expect(renderStatus(report())).not.toMatch(/WARNING/);
  });

  it("says FULL at the bound and counts the refused events apart from damaged ones", () => {
    const text = renderStatus(report({ spool: { bytes: 990, limitBytes: 1000, full: true, lostEvents: "5", refusedEvents: "3" } }));
    expect(text).toMatch(/FULL: new events are refused/);
    expect(text).not.toMatch(/near its bound/);
    expect(text).toContain("3 events were refused at the spool bound");
    expect(text).toContain("2 events were damaged on disk");
  });
});
