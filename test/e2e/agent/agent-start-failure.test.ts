import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWith, findTool } from "../../helpers/infra.js";
import { spawnServer, type ServerProcess } from "../../helpers/server-process.js";
import { CliTerminal, devtrace } from "./cli-terminal.js";
import { alive, ensureBuilt, faultSession, waitFor } from "./fault-session.js";

let server: ServerProcess | undefined;
let session: ReturnType<typeof faultSession> | undefined;
const terminals: CliTerminal[] = [];
const children: number[] = [];

beforeAll(() => ensureBuilt());
afterAll(async () => {
  for (const t of terminals) t.kill();
  for (const pid of children) process.kill(pid, "SIGKILL");
  await session?.dispose();
  await server?.[Symbol.asyncDispose]();
});

function lockSpool(repoDir: string, pid: number): void {
  const spool = join(repoDir, ".git", "devtrace", "spool");
  mkdirSync(spool, { recursive: true });
  writeFileSync(join(spool, "lock"), `${pid}\n`);
}

describeWith([], "an agent that cannot start, and a lock left by a dead one", () => {
  it("tells the whole reason, on the first line, in the CLI and in a recorded terminal", { timeout: 120_000 }, async () => {
    server = await spawnServer();
    session = faultSession(server.url, server.credentials().ingest_token);
    const r = session.repo({ "a.py": "x = 1\n" });
    // This test process is alive: its lock is a real one.
    lockSpool(r.dir, process.pid);
    const res = await devtrace(["agent", "start"], { cwd: r.dir, env: session.env });
    expect(res.code).not.toBe(0);
    expect(res.stderr.split("\n")[0]).toMatch(new RegExp(`the agent failed to start: the spool \\S+ is in use by process ${process.pid}`));

    const term = new CliTerminal({ cwd: r.dir, env: session.env, shell: findTool("bash")! });
    terminals.push(term);
    await term.ready();
    const told = new RegExp(`not connected to the devtrace agent \\(the agent failed to start: the spool \\S+ is in use by process ${process.pid}`);
    await waitFor("the terminal to tell why", () => told.test(term.screen().replace(/\r?\n/g, "")), 60_000);
    term.kill();
  });

  it("takes over at once a spool lock whose holder is a zombie (killed, not yet reaped)", { timeout: 120_000 }, async () => {
    server ??= await spawnServer();
    session ??= faultSession(server.url, server.credentials().ingest_token);
    const r = session.repo({ "a.py": "x = 1\n" });
    // The inner sleep's parent becomes `sleep 300`, which never reaps it: killed, it stays a zombie.
    const parent = spawn("sh", ["-c", "sleep 300 & echo $!; exec sleep 300"], { stdio: ["ignore", "pipe", "ignore"] });
    children.push(parent.pid!);
    const zombie = await new Promise<number>((res) => parent.stdout!.once("data", (b: Buffer) => res(Number(b.toString().trim()))));
    process.kill(zombie, "SIGKILL");
    await waitFor("the zombie", () => !alive(zombie));
    expect(() => process.kill(zombie, 0)).not.toThrow(); // still in the process table
    lockSpool(r.dir, zombie);
    const res = await devtrace(["agent", "start"], { cwd: r.dir, env: session.env });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/devtrace agent started/);
  });
});
