import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { AgentNotRunningError, AgentRequestError, LocalClient } from "../../../agent/local/local-client.js";
import { LocalError, listenLocal, type LocalServer } from "../../../agent/local/local-server.js";

const logger = pino({ level: "silent" });
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(handler: Parameters<typeof listenLocal>[1]): Promise<{ server: LocalServer; path: string }> {
  const dir = mkdtempSync(join(tmpdir(), "devtrace-sock-"));
  const path = join(dir, "agent.sock");
  const s = await listenLocal(path, handler, logger);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => s.close());
  return { server: s, path };
}

function rawExchange(path: string, line: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let buf = "";
    socket.on("data", (b) => {
      buf += b.toString();
      const nl = buf.indexOf("\n");
      if (nl >= 0) {
        socket.destroy();
        resolve(JSON.parse(buf.slice(0, nl)) as Record<string, unknown>);
      }
    });
    socket.on("error", reject);
    socket.write(line);
  });
}

describe("listenLocal() and LocalClient", () => {
  it("creates the socket readable and writable by the user only", async () => {
    const { path } = await server(async () => ({}));
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it("answers requests with their id, progress lines first", async () => {
    const { path } = await server(async (req, conn) => {
      if (req.type === "stop") conn.send({ v: 1, id: req.id, progress: { queued: "3" } });
      return { type: req.type };
    });
    const client = await LocalClient.connect(path);
    cleanups.push(() => client.close());
    const progress: unknown[] = [];
    const [a, b] = await Promise.all([client.request("hello"), client.request("stop", {}, { onProgress: (p) => progress.push(p) })]);
    expect(a).toEqual({ type: "hello" });
    expect(b).toEqual({ type: "stop" });
    expect(progress).toEqual([{ queued: "3" }]);
  });

  it("turns a LocalError into an error answer with its code", async () => {
    const { path } = await server(async () => {
      throw new LocalError("finalized", "sealed");
    });
    const client = await LocalClient.connect(path);
    cleanups.push(() => client.close());
    const err = await client.request("note", { text: "x" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AgentRequestError);
    expect((err as AgentRequestError).code).toBe("finalized");
  });

  it("answers a malformed line without closing the connection", async () => {
    const { path } = await server(async () => ({}));
    expect(await rawExchange(path, "{oops\n")).toMatchObject({ ok: false, error: { code: "bad_request" } });
    expect(await rawExchange(path, '{"v":9,"id":"4","type":"hello"}\n')).toMatchObject({ id: "4", ok: false, error: { code: "unsupported_version" } });
  });

  it("replaces a dead agent's leftover socket file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "devtrace-sock-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, "agent.sock");
    writeFileSync(path, "stale");
    const s = await listenLocal(path, async () => ({ fresh: true }), logger);
    cleanups.push(() => s.close());
    const client = await LocalClient.connect(path);
    cleanups.push(() => client.close());
    expect(await client.request("hello")).toEqual({ fresh: true });
  });

  it("reports a missing agent as AgentNotRunningError", async () => {
    const err = await LocalClient.connect(join(tmpdir(), "devtrace-nothing-here.sock")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AgentNotRunningError);
  });

  it("fails pending requests when the agent goes away", async () => {
    let release!: () => void;
    const { server: s, path } = await server(() => new Promise((r) => (release = () => r({})))); 
    const client = await LocalClient.connect(path);
    cleanups.push(() => client.close());
    const pending = client.request("finalize").catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    await s.close();
    expect(await pending).toBeInstanceOf(AgentNotRunningError);
    release();
  });
});
