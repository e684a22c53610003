import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { appendOutbox, outboxFileFor } from "../../../agent/outbox/outbox-file.js";
import { startTestServer, testTokens } from "../../helpers/devtrace-server.js";
import { agentFixture } from "./agent-harness.js";

describe("finalize and the outboxes of exited shells", () => {
  it("records what a shell that exited while its agent was away left behind", async () => {
    await using srv = await startTestServer();
    await using fx = await agentFixture();
    await fx.start(srv.url, testTokens.ingest);
    const c = await fx.client();
    // A shell that has already exited (its pid is gone) left one command in its outbox.
    const deadPid = spawnSync("true").pid!;
    mkdirSync(fx.location.state.outbox, { recursive: true });
    appendOutbox(outboxFileFor(fx.location.state.outbox, deadPid, "shell"), [
      { sessionId: "shell-gone", record: 1, event: { time: new Date().toISOString(), thought: { text: "left in the outbox" } } },
    ]);
    // Finalize at once: well before the agent's periodic outbox scan.
    const result = await c.request<{ trace: { id: string } }>("finalize");
    const stored = await srv.client(testTokens.read).getTrace({ traceId: result.trace.id, includeEvents: true });
    expect(stored.events.map((e) => [e.sessionId, e.kind.case === "thought" ? e.kind.value.text : e.kind.case])).toContainEqual([
      "shell-gone",
      "left in the outbox",
    ]);
  });
});
