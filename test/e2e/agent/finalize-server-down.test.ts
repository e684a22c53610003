import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWith, findTool } from "../../helpers/infra.js";
import { spawnServer, type ServerProcess } from "../../helpers/server-process.js";
import { CliTerminal, devtrace } from "./cli-terminal.js";
import { deliveryCounts, ensureBuilt, faultSession, serverEvents, waitFor } from "./fault-session.js";

let server: ServerProcess | undefined;
let session: ReturnType<typeof faultSession> | undefined;
const terminals: CliTerminal[] = [];

beforeAll(() => ensureBuilt());
afterAll(async () => {
  for (const t of terminals) t.kill();
  await session?.dispose();
  await server?.[Symbol.asyncDispose]();
});

describeWith([], "devtrace finalize while the server is down", () => {
  it("records the commands typed while it waits, seals once the server is back, and leaves no outbox behind", { timeout: 300_000 }, async () => {
    server = await spawnServer();
    const { port, dataDir } = server;
    const creds = server.credentials();
    session = faultSession(server.url, creds.ingest_token);
    const s = session;
    const r = s.repo({ "app.py": "x = 1\n" });
    const term = new CliTerminal({ cwd: r.dir, env: s.env, shell: findTool("bash")! });
    terminals.push(term);
    await term.ready();
    await term.type("echo before");
    // The shell's session_started is event 1, its first command event 2.
    await waitFor("the command acknowledged", async () => Number((await s.status(r)).events?.acked) >= 2);
    const traceId = (await s.status(r)).traceId!;
    await server.stop("SIGKILL");

    r.write("app.py", "x = 2\n");
    const finalizing = devtrace(["finalize"], { cwd: r.dir, env: s.env, timeoutMs: 240_000 });
    await waitFor("finalize to wait for the server", async () => (await s.status(r)).finalizing === true);
    await term.type("echo while-finalize-waits-1");
    await term.type("echo while-finalize-waits-2");
    // session_started, echo before, the edit of app.py, then the two commands.
    await waitFor("both commands spooled", async () => Number((await s.status(r)).events?.recorded) >= 5);

    server = await spawnServer({ dataDir, args: ["--listen", `127.0.0.1:${port}`] });
    const fin = await finalizing;
    expect(fin.code, `${fin.stdout}\n${fin.stderr}`).toBe(0);
    expect(fin.stdout).toContain(`trace ${traceId} finalized`);
    await waitFor("the terminal told it is no longer recorded", () => term.screen().includes("is finalized; this terminal is no longer recorded"));

    const events = await serverEvents(server.url, creds.read_token, traceId);
    const lines = events.flatMap((e) => (e.kind.case === "terminalCommand" ? [e.kind.value.commandLine] : []));
    const counts = deliveryCounts(["echo before", "echo while-finalize-waits-1", "echo while-finalize-waits-2"], lines);
    expect(counts).toEqual({ missing: 0, duplicated: 0, reordered: 0 });
    expect(events.filter((e) => e.kind.case === "fileEdit")).toHaveLength(1);
    // Nothing left behind in an outbox, and no command reported as lost.
    const outbox = join(r.dir, ".git", "devtrace", "outbox");
    const leftovers = readdirSync(outbox).map((f) => readFileSync(join(outbox, f), "utf8")).join("");
    expect(leftovers).not.toContain("while-finalize-waits");
    expect(term.screen()).not.toContain("NOT recorded");
    expect(await term.exit()).toBe(0);
    process.stderr.write(`[finalize-server-down] ${JSON.stringify(counts)}\n`);
  });
});
