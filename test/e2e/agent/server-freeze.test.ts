import { createHash } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWith, findTool } from "../../helpers/infra.js";
import { spawnServer, type ServerProcess } from "../../helpers/server-process.js";
import { CliTerminal, devtrace } from "./cli-terminal.js";
import { agentPid, alive, deliveryCounts, ensureBuilt, faultSession, serverEvents, waitFor } from "./fault-session.js";

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

let server: ServerProcess | undefined;
let session: ReturnType<typeof faultSession> | undefined;
const terminals: CliTerminal[] = [];

beforeAll(() => ensureBuilt());
afterAll(async () => {
  for (const t of terminals) t.kill();
  if (server?.child.pid) process.kill(server.child.pid, "SIGCONT");
  await session?.dispose();
  await server?.[Symbol.asyncDispose]();
});

describeWith([], "a server frozen (SIGSTOP) past every keepalive and timeout", () => {
  it("leaves every agent running, with and without a shell, and delivers everything once resumed", { timeout: 300_000 }, async () => {
    server = await spawnServer();
    const creds = server.credentials();
    session = faultSession(server.url, creds.ingest_token);
    const s = session;
    const base = "def total(xs):\n    return sum(xs)\n";
    const plain = s.repo({ "app.py": base });
    const shelled = s.repo({ "app.py": base });

    const started = await devtrace(["agent", "start", "--task", "freeze"], { cwd: plain.dir, env: s.env });
    expect(started.code, started.stderr).toBe(0);
    const term = new CliTerminal({ cwd: shelled.dir, env: s.env, shell: findTool("bash")! });
    terminals.push(term);
    await term.ready();
    await term.type("echo before-freeze");
    for (const r of [plain, shelled]) await waitFor("a connected agent", async () => (await s.status(r)).connection?.state === "connected");
    const pids = [agentPid(plain), agentPid(shelled)];

    process.kill(server.child.pid!, "SIGSTOP");
    const versions = [1, 2, 3].map((i) => `${base}# frozen save ${i}\n`);
    for (const [i, v] of versions.entries()) {
      plain.write("app.py", v);
      await waitFor(`save ${i + 1} recorded`, async () => Number((await s.status(plain)).events?.recorded) >= i + 1);
      await term.type(`echo frozen-${i + 1}`);
    }
    // Frozen until both agents gave up on the connection (keepalive PING timed out), and then some.
    for (const r of [plain, shelled])
      await waitFor("the agent to notice the frozen server", async () => (await s.status(r)).connection?.state !== "connected", 120_000);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(pids.map(alive)).toEqual([true, true]);
    // The user sees why: the connection state and the keepalive's verdict.
    const frozen = await s.status(plain);
    expect(frozen.connection?.state).toMatch(/^(retrying|connecting)$/);
    expect(frozen.connection?.lastError).toMatch(/PING timed out/);
    process.kill(server.child.pid!, "SIGCONT");

    for (const r of [plain, shelled])
      await waitFor("the spool to drain after the server resumed", async () => {
        const st = await s.status(r);
        return st.connection?.state === "connected" && st.events?.queued === "0";
      }, 120_000);
    // The same processes: none crashed and none was restarted by its shell.
    expect([agentPid(plain), agentPid(shelled)]).toEqual(pids);
    expect(pids.map(alive)).toEqual([true, true]);
    const reconnects = (await s.status(plain)).connection?.reconnects ?? 0;
    expect(reconnects).toBeGreaterThan(0);

    const plainEvents = await serverEvents(server.url, creds.read_token, (await s.status(plain)).traceId!);
    const edits = plainEvents.flatMap((e) => (e.kind.case === "fileEdit" ? [e.kind.value] : []));
    const chain = edits.map((e) => e.afterSha256);
    const plainCounts = deliveryCounts(versions.map(sha), chain);
    expect(plainCounts).toEqual({ missing: 0, duplicated: 0, reordered: 0 });
    expect(edits.map((e) => e.beforeSha256)).toEqual([sha(base), ...chain.slice(0, -1)]);

    const shellEvents = await serverEvents(server.url, creds.read_token, (await s.status(shelled)).traceId!);
    const lines = shellEvents.flatMap((e) => (e.kind.case === "terminalCommand" ? [e.kind.value.commandLine] : []));
    const expected = ["echo before-freeze", "echo frozen-1", "echo frozen-2", "echo frozen-3"];
    const shellCounts = deliveryCounts(expected, lines);
    expect(shellCounts).toEqual({ missing: 0, duplicated: 0, reordered: 0 });
    for (const events of [plainEvents, shellEvents]) expect(events.map((e) => Number(e.seq))).toEqual(events.map((_, i) => i + 1));
    process.stderr.write(`[server-freeze] no shell: ${JSON.stringify(plainCounts)}; bash: ${JSON.stringify(shellCounts)}; reconnects ${reconnects}\n`);
  });
});
