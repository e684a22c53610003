import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { LocalClient } from "../../../agent/local/local-client.js";
import { startTestServer, testTokens } from "../../helpers/devtrace-server.js";
import { describeWith } from "../../helpers/infra.js";
import { cliPath } from "../../helpers/server-process.js";
import { eventually } from "../../integration/agent/agent-harness.js";
import { pyrightLangserver, sampleRepo } from "../../integration/agent/lsp/lsp-harness.js";

const run = promisify(execFile);

describeWith(["nvim"], "Neovim end to end through devtrace lsp and pyright", () => {
  it("records the file opened, the definition jumped to (followed) and the references listed, with the right files and lines", async () => {
    await using srv = await startTestServer();
    await using fx = await sampleRepo();
    await fx.startAgent(srv.url, testTokens.ingest);
    const reportFile = fx.repo.path("../nav-report.json");
    const env = { ...process.env, HOME: fx.home, XDG_CONFIG_HOME: fx.home, XDG_DATA_HOME: fx.home, XDG_STATE_HOME: fx.home };
    for (const k of Object.keys(env)) if (k.startsWith("DEVTRACE_")) delete env[k];
    const script = resolve("test/fixtures/lsp/navigate.lua");
    await run("nvim", ["--headless", "-n", "-i", "NONE", "-u", "NONE", "-c", `luafile ${script}`], {
      cwd: fx.repo.dir,
      timeout: 180_000,
      env: {
        ...env,
        NAV_REPO: fx.repo.dir,
        NAV_REPORT: reportFile,
        NAV_LSP_CMD: JSON.stringify([process.execPath, cliPath, "lsp", "--", pyrightLangserver, "--stdio"]),
      },
    });
    const report = JSON.parse(readFileSync(reportFile, "utf8")) as { definition: { file: string; cursor: number[] }; references: number };
    expect(report.definition.file).toBe(fx.repo.path("shopcart/pricing.py"));
    expect(report.definition.cursor).toEqual([30, 4]);

    const agent = await LocalClient.connect(fx.location.state.socket);
    try {
      type Status = { traceId: string; events: { acked: string } };
      await eventually("5 events acked", async () => Number((await agent.request<Status>("status")).events.acked) >= 5, 30_000);
      const { traceId } = await agent.request<Status>("status");
      const { events } = await srv.client(testTokens.read).getTrace({ traceId, includeEvents: true });
      const at = (l?: { path: string; range?: { start?: { line: number; column: number } }; symbol: string }) => l && `${l.path}:${l.range?.start?.line}:${l.range?.start?.column}:${l.symbol}`;
      const nav = events.map((e) => {
        const k = e.kind;
        if (k.case === "fileOpened") return ["opened", k.value.path, k.value.language];
        if (k.case === "goToDefinition") return ["definition", at(k.value.source), at(k.value.target), k.value.followed];
        if (k.case === "findReferences") return ["references", at(k.value.source), k.value.references.map((r) => at(r)).sort()];
        if (k.case === "sessionStarted") return ["session", k.value.sessionKind, k.value.program];
        return [k.case];
      });
      expect(nav).toEqual([
        ["session", "lsp", "pyright-langserver"],
        ["opened", "shopcart/cart.py", "python"],
        ["opened", "shopcart/pricing.py", "python"],
        ["definition", "shopcart/cart.py:20:18:line_total", "shopcart/pricing.py:29:4:line_total", true],
        ["references", "shopcart/pricing.py:29:4:line_total", expect.arrayContaining(["shopcart/cart.py:20:15:", "shopcart/cart.py:7:29:", "shopcart/pricing.py:29:4:"])],
      ]);
      expect((nav[4][2] as string[]).length).toBe(report.references);
      expect(new Set(events.map((e) => e.sessionId)).size).toBe(1);
    } finally {
      agent.close();
    }
  }, 240_000);
});
