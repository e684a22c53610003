import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { LocalClient } from "../../../../agent/local/local-client.js";
import { startTestServer, testTokens } from "../../../helpers/devtrace-server.js";
import { eventually } from "../agent-harness.js";
import { proxied, sampleRepo } from "./lsp-harness.js";

const answerServer = resolve("test/fixtures/lsp/answer-server.mjs");

describe("devtrace lsp and the agent's redaction", () => {
  it("stores a secret under the cursor redacted, as every event through the agent's intake", async () => {
    await using srv = await startTestServer();
    await using fx = await sampleRepo();
    await fx.startAgent(srv.url, testTokens.ingest);
    await using lsp = proxied(fx.location, process.execPath, [answerServer], { followWindowMs: 200 });
    await lsp.client.sendRequest("initialize", { processId: null, rootUri: fx.uri("."), capabilities: {} });
    const token = `ghp_${"a1B2c3D4e5".repeat(3)}123456`; // a GitHub token shape, 40 characters
    const uri = fx.uri("shopcart/secrets.py");
    await lsp.client.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "python", version: 1, text: `x = ${token}\n` } });
    await lsp.client.sendRequest("textDocument/definition", { textDocument: { uri }, position: { line: 0, character: 10 } });
    await lsp.client.sendRequest("shutdown");
    await lsp.client.sendNotification("exit");
    await lsp.exited;
    const agent = await LocalClient.connect(fx.location.state.socket);
    try {
      type Status = { traceId: string; events: { acked: string } };
      await eventually("2 events acked", async () => (await agent.request<Status>("status")).events.acked === "2");
      const { traceId } = await agent.request<Status>("status");
      const { events } = await srv.client(testTokens.read).getTrace({ traceId, includeEvents: true });
      const def = events.find((e) => e.kind.case === "goToDefinition")!.kind.value as { source: { symbol: string; path: string } };
      expect(def.source.path).toBe("shopcart/secrets.py");
      expect(def.source.symbol).not.toContain(token.slice(4));
      expect(def.source.symbol).not.toBe("");
      expect(JSON.stringify(events.map((e) => e.kind.value), (_k, v) => (typeof v === "bigint" ? String(v) : v))).not.toContain(token.slice(4));
    } finally {
      agent.close();
    }
  });
});
