import { appendFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startTestServer, testTokens, type TestServer } from "../../helpers/devtrace-server.js";
import { findTool } from "../../helpers/infra.js";
import { tempGitRepo } from "../../helpers/temp-git-repo.js";
import { eventually } from "../../integration/agent/agent-harness.js";
import { CliTerminal, devtrace, testHome } from "./cli-terminal.js";

const notice = "[devtrace] this terminal is recorded for";
let cleanup: Array<() => Promise<unknown> | unknown> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/** A server, a one-commit repository and a home for the CLI, all cleaned up after the file. */
async function recordedRepo() {
  const srv: TestServer = await startTestServer();
  cleanup.push(() => srv[Symbol.asyncDispose]());
  const repo = tempGitRepo();
  cleanup.push(() => repo[Symbol.dispose]());
  repo.write("a.txt", "a\n");
  repo.git("add", "-A");
  repo.git("-c", "user.name=Dev", "-c", "user.email=dev@example.test", "commit", "-qm", "base");
  const home = testHome();
  cleanup.push(() => rmSync(home.home, { recursive: true, force: true }));
  const env: Record<string, string> = { PATH: `${home.bin}:${process.env.PATH}`, HOME: home.home, LANG: "C.UTF-8", DEVTRACE_SERVER: srv.url, DEVTRACE_TOKEN: testTokens.ingest };
  cleanup.push(() => devtrace(["agent", "stop", "--timeout", "0"], { cwd: repo.dir, env }).catch(() => undefined));
  return { srv, repo, home, env };
}

describe("devtrace shell and devtrace note tell the user what they did", () => {
  it("says in one line that the terminal is recorded (unless DEVTRACE_QUIET=1), and confirms a note", { timeout: 180_000 }, async () => {
    const { repo, env } = await recordedRepo();

    const loud = new CliTerminal({ cwd: repo.dir, env, shell: findTool("bash")! });
    cleanup.push(() => loud.kill());
    await loud.ready();
    const first = loud.screen().split(notice);
    expect(first).toHaveLength(2);
    expect(first[1].split("\n")[0]).toContain("DEVTRACE_QUIET=1");
    // The shell starts the agent in the background; the note goes to it once it answers.
    await eventually("the agent the shell started", async () => (JSON.parse((await devtrace(["status", "--json"], { cwd: repo.dir, env })).stdout) as { running: boolean }).running, 60_000);
    await loud.type('devtrace note "the tier check is off by one"');
    expect(loud.screen(), loud.screen()).toMatch(/devtrace: noted \(event \d+ of the trace\)/);
    expect(await loud.exit()).toBe(0);

    const quiet = new CliTerminal({ cwd: repo.dir, env: { ...env, DEVTRACE_QUIET: "1" }, shell: findTool("bash")! });
    cleanup.push(() => quiet.kill());
    await quiet.ready();
    await quiet.type("echo quiet-shell");
    expect(quiet.screen()).not.toContain(notice);
    expect(await quiet.exit()).toBe(0);
  });

  it("with agent start --ask-notes, suggests a note once after a failing test command, and the trace says so", { timeout: 180_000 }, async () => {
    const { srv, repo, home, env } = await recordedRepo();
    // A stand-in test runner that fails, as pytest does on a red suite.
    appendFileSync(join(home.home, ".bashrc"), "pytest() { echo '1 failed, 2 passed'; return 1; }\n");
    const start = await devtrace(["agent", "start", "--ask-notes"], { cwd: repo.dir, env });
    expect(start.code, start.stderr).toBe(0);

    const t = new CliTerminal({ cwd: repo.dir, env, shell: findTool("bash")! });
    cleanup.push(() => t.kill());
    await t.ready();
    await t.type("echo warming-up");
    await t.type("pytest -q");
    await t.type("pytest -q");
    const asked = t.screen().split("[devtrace] tests failed").length - 1;
    expect(asked, t.screen()).toBe(1);
    expect(t.screen()).toMatch(/1 failed, 2 passed\s*\S*\[devtrace\] tests failed: .*devtrace note/);
    await t.type("true"); // Ctrl-D ends bash with the last command's status
    expect(await t.exit()).toBe(0);

    const status = JSON.parse((await devtrace(["status", "--json"], { cwd: repo.dir, env })).stdout) as { traceId: string };
    await eventually("the session's events on the server", async () => {
      const { events } = await srv.client(testTokens.read).getTrace({ traceId: status.traceId, includeEvents: true });
      return events.some((e) => e.kind.case === "sessionStarted");
    });
    const { events } = await srv.client(testTokens.read).getTrace({ traceId: status.traceId, includeEvents: true });
    const started = events.filter((e) => e.kind.case === "sessionStarted").map((e) => e.kind.value);
    expect(started).toEqual([expect.objectContaining({ sessionKind: "shell", program: "bash", recorded: true, askNotes: true })]);
  });
});
