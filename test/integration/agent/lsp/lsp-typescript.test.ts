import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { LocalClient } from "../../../../agent/local/local-client.js";
import { startTestServer, testTokens } from "../../../helpers/devtrace-server.js";
import { eventually } from "../agent-harness.js";
import { proxied, sampleRepo } from "./lsp-harness.js";

/** TypeScript 7's own language server (`tsc --lsp --stdio`), from the typescript dev dependency. */
const tsc = resolve("node_modules/.bin/tsc");

describe("devtrace lsp with TypeScript's language server, driven by a scripted client", () => {
  it("records a definition across files and the references, in UTF-16 columns after non-ASCII text", async () => {
    await using srv = await startTestServer();
    await using fx = await sampleRepo();
    const lib = "export function add(a: number, b: number): number {\n  return a + b;\n}\n";
    const main = 'import { add } from "./lib";\nconst s = "𝄞é"; console.log(s, add(1, 2));\n';
    fx.repo.write("web/lib.ts", lib);
    fx.repo.write("web/main.ts", main);
    fx.repo.write("web/tsconfig.json", "{}\n");
    fx.repo.git("add", "-A");
    fx.repo.git("-c", "user.name=Dev", "-c", "user.email=dev@example.test", "commit", "-qm", "web");
    await fx.startAgent(srv.url, testTokens.ingest);
    await using lsp = proxied(fx.location, tsc, ["--lsp", "--stdio"], { followWindowMs: 1_000 });
    lsp.client.onRequest(() => null); // workspace/configuration and the like
    await lsp.client.sendRequest("initialize", { processId: process.pid, rootUri: fx.uri("web"), workspaceFolders: [{ uri: fx.uri("web"), name: "web" }], capabilities: {} });
    await lsp.client.sendNotification("initialized", {});
    await lsp.client.sendNotification("textDocument/didOpen", { textDocument: { uri: fx.uri("web/main.ts"), languageId: "typescript", version: 1, text: main } });
    // `add` on line 1 sits after a surrogate pair: UTF-16 column 32, as the server counts.
    const character = main.split("\n")[1].indexOf("add(");
    expect(character).toBe(32);
    await lsp.client.sendRequest("textDocument/definition", { textDocument: { uri: fx.uri("web/main.ts") }, position: { line: 1, character: character + 1 } });
    await lsp.client.sendRequest("textDocument/references", { textDocument: { uri: fx.uri("web/main.ts") }, position: { line: 1, character: character + 1 }, context: { includeDeclaration: true } });
    await lsp.client.sendRequest("shutdown");
    await lsp.client.sendNotification("exit");
    await lsp.exited;
    const agent = await LocalClient.connect(fx.location.state.socket);
    try {
      type Status = { traceId: string; events: { acked: string } };
      const { traceId } = await agent.request<Status>("status");
      const nav = async () => {
        const { events } = await srv.client(testTokens.read).getTrace({ traceId, includeEvents: true });
        return events.filter((e) => ["fileOpened", "goToDefinition", "findReferences"].includes(e.kind.case ?? ""));
      };
      await eventually("3 navigation events stored", async () => (await nav()).length === 3, 30_000);
      const at = (l?: { path: string; range?: { start?: { line: number; column: number } }; symbol: string }) => l && `${l.path}:${l.range?.start?.line}:${l.range?.start?.column}:${l.symbol}`;
      const got = (await nav()).map((e) => {
        const k = e.kind;
        if (k.case === "fileOpened") return [k.value.path, k.value.language];
        if (k.case === "goToDefinition") return [at(k.value.source), at(k.value.target)];
        if (k.case === "findReferences") return [at(k.value.source), k.value.references.map((r) => at(r)).sort()];
        return [];
      });
      expect(got).toEqual([
        ["web/main.ts", "typescript"],
        ["web/main.ts:1:33:add", "web/lib.ts:0:16:add"],
        ["web/main.ts:1:33:add", ["web/lib.ts:0:16:", "web/main.ts:0:9:", "web/main.ts:1:32:"]],
      ]);
    } finally {
      agent.close();
    }
  });
});
