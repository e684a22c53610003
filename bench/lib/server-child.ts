import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "./paths.js";

/** The line `devtrace server` prints once it listens. */
const listeningLine = /devtrace server listening on (https?:\/\/[^\s"]+)/;

/** Tokens the server wrote on its first run (DATA_DIR/credentials.json). */
export interface Credentials {
  admin_token: string;
  ingest_token: string;
  read_token: string;
  developer_id: string;
}

/** Options of startServer(). */
export interface ServerChildOptions {
  /** Data directory; default a fresh temp dir, removed on dispose. */
  dataDir?: string;
  /** Extra flags after `server --listen 127.0.0.1:0 --data-dir DIR`. Default `--workers 0`. */
  args?: string[];
  /** Extra environment; DEVTRACE_* of the parent is dropped first. */
  env?: Record<string, string>;
}

/** A `devtrace server` child process, started the way users start it. */
export interface ServerChild extends AsyncDisposable {
  url: string;
  pid: number;
  dataDir: string;
  child: ChildProcess;
  credentials(): Credentials;
  output(): string;
}

/**
 * The per-token bounds are opened up (50 streams from one token, unary calls as fast as
 * the client can): the bench measures the server, not its abuse limits.
 */
export const benchServerEnv = { DEVTRACE_STREAM_LIMIT: "0", DEVTRACE_RATE_LIMIT: "0" };

/** Starts `node dist/agent/cli.js server` on 127.0.0.1:0 and waits for its listening line. */
export async function startServer(o: ServerChildOptions = {}): Promise<ServerChild> {
  const ownDir = o.dataDir === undefined;
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), "devtrace-bench-server-"));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("DEVTRACE_")));
  const args = ["server", "--listen", "127.0.0.1:0", "--data-dir", dataDir, ...(o.args ?? ["--workers", "0"])];
  const child = spawn(process.execPath, [join(repoRoot, "dist", "agent", "cli.js"), ...args], {
    env: { ...env, ...benchServerEnv, ...o.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const keep = (b: Buffer) => {
    // Only the start-up lines matter; a long run must not grow this without bound.
    if (out.length < 64 * 1024) out += b.toString();
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<void>((res) => child.once("exit", () => res()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.kill("SIGTERM");
    await exited;
    clearTimeout(timer);
  };
  try {
    const url = await waitForListening(child, () => out, exited);
    return {
      url,
      pid: child.pid!,
      dataDir,
      child,
      credentials: () => JSON.parse(readFileSync(join(dataDir, "credentials.json"), "utf8")) as Credentials,
      output: () => out,
      async [Symbol.asyncDispose]() {
        await stop();
        if (ownDir) rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stop();
    if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

function waitForListening(child: ChildProcess, out: () => string, exited: Promise<void>): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`devtrace server did not listen within 60 s:\n${out()}`)), 60_000);
    const check = () => {
      const m = listeningLine.exec(out());
      if (!m) return;
      clearTimeout(timer);
      child.stdout!.off("data", check);
      resolve(m[1]);
    };
    child.stdout!.on("data", check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`devtrace server exited before listening:\n${out()}`));
    });
  });
}
