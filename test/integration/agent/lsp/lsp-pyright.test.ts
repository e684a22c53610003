import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Event } from "../../../../gen/devtrace/v1/event_pb.js";
import { startTestServer, testTokens } from "../../../helpers/devtrace-server.js";
import { eventually } from "../agent-harness.js";
import { proxied, pyrightLangserver, sampleRepo, type SampleRepo } from "./lsp-harness.js";

type Status = { traceId?: string; events: { acked: string; recorded: string } };

async function initialize(client: import("vscode-jsonrpc").MessageConnection, fx: SampleRepo): Promise<void> {
  await client.sendRequest("initialize", {
    processId: process.pid,
    rootUri: fx.uri("."),
    workspaceFolders: [{ uri: fx.uri("."), name: "sample" }],
    capabilities: { textDocument: { definition: { linkSupport: true }, references: {} } },
  });
  await client.sendNotification("initialized", {});
}

function open(client: import("vscode-jsonrpc").MessageConnection, fx: SampleRepo, rel: string): Promise<void> {
  return client.sendNotification("textDocument/didOpen", {
    textDocument: { uri: fx.uri(rel), languageId: "python", version: 1, text: readFileSync(fx.repo.path(rel), "utf8") },
  });
}

/** The navigation events of the stored trace, as plain tuples. */
function navigation(events: Event[]) {
  return events.flatMap((e) => {
    const k = e.kind;
    const at = (l?: { path: string; range?: { start?: { line: number; column: number } }; symbol: string }) =>
      l && `${l.path}:${l.range?.start?.line}:${l.range?.start?.column}:${l.symbol}`;
    if (k.case === "fileOpened") return [["opened", k.value.path, k.value.language]];
    if (k.case === "goToDefinition") return [["definition", at(k.value.source), at(k.value.target), k.value.followed, k.value.request]];
    if (k.case === "findReferences")
      return [["references", at(k.value.source), k.value.references.map((r) => at(r)).sort(), k.value.referencesFound, k.value.referencesCut]];
    return [];
  });
}

describe("devtrace lsp with pyright-langserver, driven by a scripted client", () => {
  it("records opened files, a followed definition, a hover-only definition and references, with the right lines", async () => {
    await using srv = await startTestServer();
    await using fx = await sampleRepo();
    await fx.startAgent(srv.url, testTokens.ingest);
    await using lsp = proxied(fx.location, pyrightLangserver, ["--stdio"], { followWindowMs: 1_500 });
    await initialize(lsp.client, fx);
    await open(lsp.client, fx, "shopcart/cart.py");
    // `return line_total(self.unit_price, self.quantity)`: line 20 (0-based), `line_total` at column 15.
    const def = await lsp.client.sendRequest<unknown[]>("textDocument/definition", { textDocument: { uri: fx.uri("shopcart/cart.py") }, position: { line: 20, character: 18 } });
    expect(JSON.stringify(def)).toContain("pricing.py");
    await open(lsp.client, fx, "shopcart/pricing.py"); // the editor shows the target: followed
    // `from shopcart.coupons import Coupon, CouponError` (line 6): asked, never opened.
    await lsp.client.sendRequest("textDocument/definition", { textDocument: { uri: fx.uri("shopcart/cart.py") }, position: { line: 6, character: 30 } });
    const refs = await lsp.client.sendRequest<unknown[]>("textDocument/references", {
      textDocument: { uri: fx.uri("shopcart/pricing.py") },
      position: { line: 29, character: 6 },
      context: { includeDeclaration: true },
    });
    expect(refs.length).toBeGreaterThanOrEqual(3);
    await lsp.client.sendRequest("shutdown");
    await lsp.client.sendNotification("exit");
    expect(await lsp.exited).toEqual({ code: 0 });

    const agent = await (await import("../../../../agent/local/local-client.js")).LocalClient.connect(fx.location.state.socket);
    try {
      await eventually("5 events acked", async () => (await agent.request<Status>("status")).events.acked === "5", 30_000);
      const { traceId } = await agent.request<Status>("status");
      const { events } = await srv.client(testTokens.read).getTrace({ traceId: traceId!, includeEvents: true });
      expect(events.every((e) => e.sessionId === "lsp-test")).toBe(true);
      const nav = navigation(events);
      expect(nav.filter((n) => n[0] === "opened")).toEqual([
        ["opened", "shopcart/cart.py", "python"],
        ["opened", "shopcart/pricing.py", "python"],
      ]);
      expect(nav.filter((n) => n[0] === "definition")).toEqual([
        ["definition", "shopcart/cart.py:20:18:line_total", "shopcart/pricing.py:29:4:line_total", true, "definition"],
        ["definition", "shopcart/cart.py:6:30:Coupon", "shopcart/coupons.py:17:6:Coupon", false, "definition"],
      ]);
      const [ref] = nav.filter((n) => n[0] === "references");
      expect(ref[1]).toBe("shopcart/pricing.py:29:6:line_total");
      expect(ref[2]).toEqual(expect.arrayContaining(["shopcart/cart.py:7:29:", "shopcart/cart.py:20:15:", "shopcart/pricing.py:29:4:"]));
      expect(ref[3]).toBe((ref[2] as string[]).length);
      expect(ref[4]).toBe(0);
    } finally {
      agent.close();
    }
  });
});
