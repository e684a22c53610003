import { readdirSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";
import { runNoteCommand } from "../../../agent/commands/note-command.js";
import { startTestServer, testTokens } from "../../helpers/devtrace-server.js";
import { agentFixture, eventually } from "./agent-harness.js";

type Status = { traceId?: string; events: { acked: string } };

describe("devtrace note without a running agent", () => {
  it("keeps the note in the outbox and the next agent records it", async () => {
    await using srv = await startTestServer();
    await using fx = await agentFixture();
    const said = vi.spyOn(console, "error").mockImplementation(() => {});
    let code: number;
    let told: string;
    try {
      code = await runNoteCommand(["--repo", fx.repo.dir, "--tag", "offline", "written", "while", "no", "agent", "ran"]);
    } finally {
      told = said.mock.calls.flat().join("");
      said.mockRestore();
    }
    expect(code).toBe(0);
    expect(told).toMatch(/no agent is running.*recorded when it starts/);
    expect(readdirSync(fx.location.state.outbox)).toHaveLength(1);
    await fx.start(srv.url, testTokens.ingest);
    const c = await fx.client();
    await eventually("the note acked", async () => (await c.request<Status>("status")).events.acked === "1");
    const { traceId } = await c.request<Status>("status");
    const { events } = await srv.client(testTokens.read).getTrace({ traceId: traceId!, includeEvents: true });
    expect(events.map((e) => [e.sessionId, e.kind.case === "thought" ? [e.kind.value.text, e.kind.value.tags] : undefined])).toEqual([
      ["cli", ["written while no agent ran", ["offline"]]],
    ]);
    expect(readdirSync(fx.location.state.outbox)).toHaveLength(0);
  });
});
