import { execFile, spawn, type ChildProcess } from "node:child_process";
import { promisify } from "node:util";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LocalClient } from "../../../agent/local/local-client.js";
import { startTestServer, testTokens } from "../../helpers/devtrace-server.js";
import { seededRandom } from "../../helpers/seeded-random.js";
import { cliPath } from "../../helpers/server-process.js";
import { eventually } from "../../integration/agent/agent-harness.js";
import { sampleRepo } from "../../integration/agent/lsp/lsp-harness.js";

const execFileAsync = promisify(execFile);

/** `devtrace lsp` as an editor starts it: a child process on pipes. */
function lsp(args: string[], cwd: string): { child: ChildProcess; out: () => Buffer; err: () => string; done: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const env = { ...process.env, DEVTRACE_LOG_LEVEL: "info" };
  for (const k of Object.keys(env)) if (k.startsWith("DEVTRACE_") && k !== "DEVTRACE_LOG_LEVEL") delete env[k];
  const child = spawn(process.execPath, [cliPath, "lsp", ...args], { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on("data", (c: Buffer) => out.push(c));
  child.stderr!.on("data", (c: Buffer) => err.push(c));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once("close", (code, signal) => r({ code, signal })));
  return { child, out: () => Buffer.concat(out), err: () => Buffer.concat(err).toString("utf8"), done };
}

const frame = (body: string, name = "Content-Length") => Buffer.from(`${name}: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
const didOpen = (uri: string) =>
  JSON.stringify({ jsonrpc: "2.0", method: "textDocument/didOpen", params: { textDocument: { uri, languageId: "python", version: 1, text: "x = 1\n" } } });

describe("devtrace lsp as a process", () => {
  it("forwards every byte unchanged, framed or not, in any chunking (a cat server echoes them)", async () => {
    await using fx = await sampleRepo();
    const random = seededRandom(12);
    const garbage = Buffer.from(Array.from({ length: 64 * 1024 }, () => Math.floor(random() * 256)));
    const stream = Buffer.concat([
      frame(didOpen(fx.uri("shopcart/cart.py"))),
      frame('{"jsonrpc":"2.0","id":1,"method":"x","params":"naïve ☃"}', "content-length"),
      Buffer.from("Content-Length:5\r\nX-Other: y\r\n\r\n{...}"),
      garbage,
      frame("{}"),
    ]);
    const p = lsp(["--repo", fx.repo.dir, "--", "cat"], fx.repo.dir);
    for (let i = 0, size = 1; i < stream.length; i += size, size = 1 + Math.floor(random() * 6000)) p.child.stdin!.write(stream.subarray(i, i + size));
    p.child.stdin!.end();
    expect(await p.done).toEqual({ code: 0, signal: null });
    expect(p.out().equals(stream)).toBe(true);
    expect(p.err()).toMatch(/unframed LSP bytes forwarded untouched/);
  });

  it("ends with the server's exit code and passes its stderr through", async () => {
    const dir = mkdtempSync(join(tmpdir(), "devtrace-norepo-"));
    try {
      const p = lsp(["--", "sh", "-c", "echo server-says-hi >&2; exit 7"], dir);
      expect(await p.done).toEqual({ code: 7, signal: null });
      expect(p.err()).toContain("server-says-hi");
      expect(p.err()).toMatch(/not inside a git repository.*not recorded/);
      expect(p.out().length).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("dies of the signal that killed the server (kill -9)", async () => {
    await using fx = await sampleRepo();
    const p = lsp(["--", "sh", "-c", "sleep 0.2; kill -9 $$"], fx.repo.dir);
    expect(await p.done).toEqual({ code: null, signal: "SIGKILL" });
  });

  it("passes SIGTERM to the server, which decides how to end", async () => {
    await using fx = await sampleRepo();
    const p = lsp(["--", "sh", "-c", "trap 'echo bye >&2; exit 42' TERM; echo up >&2; while :; do sleep 0.05; done"], fx.repo.dir);
    await eventually("the server to start", () => p.err().includes("up"));
    p.child.kill("SIGTERM");
    expect(await p.done).toEqual({ code: 42, signal: null });
    expect(p.err()).toContain("bye");
  });

  it("keeps what it recorded while no agent ran, through its own kill -9, for the next agent", async () => {
    await using srv = await startTestServer();
    await using fx = await sampleRepo();
    const p = lsp(["--", "cat"], fx.repo.dir);
    p.child.stdin!.write(frame(didOpen(fx.uri("shopcart/cart.py"))));
    p.child.stdin!.write(frame(didOpen("file:///etc/passwd")));
    const outbox = fx.location.state.outbox;
    await eventually("the event in the outbox", () => existsSync(outbox) && readdirSync(outbox).some((f) => readFileSync(join(outbox, f), "utf8").includes("fileOpened")));
    p.child.kill("SIGKILL");
    await p.done;
    const [file] = readdirSync(outbox);
    expect(readFileSync(join(outbox, file), "utf8")).not.toContain("passwd");
    await fx.startAgent(srv.url, testTokens.ingest);
    const agent = await LocalClient.connect(fx.location.state.socket);
    try {
      type Status = { traceId: string; events: { acked: string } };
      await eventually("the events acked", async () => (await agent.request<Status>("status")).events.acked === "2");
      const { traceId } = await agent.request<Status>("status");
      const { events } = await srv.client(testTokens.read).getTrace({ traceId, includeEvents: true });
      expect(events.map((e) => [e.kind.case, e.kind.case === "fileOpened" ? e.kind.value.path : e.kind.case === "sessionStarted" ? e.kind.value.program : ""])).toEqual([
        ["sessionStarted", "cat"],
        ["fileOpened", "shopcart/cart.py"],
      ]);
      expect(events[0].sessionId).toMatch(/^lsp-/);
      expect(events[1].sessionId).toBe(events[0].sessionId);
    } finally {
      agent.close();
    }
  });

  it("does not outlive its editor: a server still running after the editor closed its side gets SIGTERM", async () => {
    await using fx = await sampleRepo();
    const p = lsp(["--", "sh", "-c", "while :; do sleep 0.1; done"], fx.repo.dir);
    await new Promise((r) => setTimeout(r, 300));
    p.child.stdin!.end(); // the editor is gone
    expect(await p.done).toEqual({ code: null, signal: "SIGTERM" });
    expect(p.err()).toMatch(/editor closed its side/);
  }, 30_000);

  it("loses nothing when the agent is killed -9 mid-session: the next agent records the rest, once", async () => {
    await using srv = await startTestServer();
    await using fx = await sampleRepo();
    const env: Record<string, string> = { ...(process.env as Record<string, string>), HOME: fx.home, DEVTRACE_SERVER: srv.url, DEVTRACE_TOKEN: testTokens.ingest };
    for (const k of Object.keys(env)) if (k.startsWith("DEVTRACE_") && !["DEVTRACE_SERVER", "DEVTRACE_TOKEN"].includes(k)) delete env[k];
    const cli = (args: string[]) => execFileAsync(process.execPath, [cliPath, ...args], { cwd: fx.repo.dir, env });
    type Status = { running: boolean; pid?: number; traceId?: string; events?: { recorded: string; acked: string } };
    const status = async () => JSON.parse((await cli(["status", "--json"]).catch((e: { stdout: string }) => e)).stdout) as Status;
    await cli(["agent", "start"]);
    try {
      const p = lsp(["--", "cat"], fx.repo.dir);
      p.child.stdin!.write(frame(didOpen(fx.uri("shopcart/cart.py"))));
      await eventually("2 events recorded", async () => Number((await status()).events?.recorded) >= 2);
      const first = await status();
      process.kill(first.pid!, "SIGKILL");
      await eventually("the agent gone", async () => !(await status()).running);
      p.child.stdin!.write(frame(didOpen(fx.uri("shopcart/pricing.py"))));
      await cli(["agent", "start"]);
      await eventually("3 events recorded by the new agent", async () => Number((await status()).events?.recorded) >= 3, 60_000);
      p.child.stdin!.end();
      expect((await p.done).code).toBe(0);
      await eventually("every event acked", async () => {
        const s = await status();
        return s.events?.acked === s.events?.recorded;
      });
      const { events } = await srv.client(testTokens.read).getTrace({ traceId: first.traceId!, includeEvents: true });
      const lspEvents = events.filter((e) => e.sessionId.startsWith("lsp-"));
      expect(lspEvents.map((e) => (e.kind.case === "fileOpened" ? e.kind.value.path : e.kind.case))).toEqual(["sessionStarted", "shopcart/cart.py", "shopcart/pricing.py"]);
    } finally {
      await cli(["agent", "stop", "--timeout", "0"]).catch(() => undefined);
    }
  }, 120_000);
});
