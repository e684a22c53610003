import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (two levels above test/helpers/). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** The built CLI; `npm test` builds it with tsc before vitest runs. */
export const cliPath = join(repoRoot, "dist", "agent", "cli.js");

/** The line a server prints once it listens, with its URL. */
export const listeningLine = /devtrace server listening on (https?:\/\/[^\s"]+)/;

/** Options of spawnServer(). */
export interface SpawnServerOptions {
  /** Data directory; default a fresh temp dir, removed on dispose. */
  dataDir?: string;
  /** Extra flags after `server --listen 127.0.0.1:0 --data-dir DIR`. */
  args?: string[];
  /** Extra environment (DEVTRACE_* variables of the parent are removed first). */
  env?: Record<string, string>;
  /** How long to wait for the listening line; default 30 s. */
  startTimeoutMs?: number;
}

/** A `devtrace server` child process. */
export interface ServerProcess extends AsyncDisposable {
  url: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** The first-run tokens from DATA_DIR/credentials.json. */
  credentials(): { admin_token: string; ingest_token: string; read_token: string; developer_id: string };
  /** Sends a signal and resolves with the exit code (or the signal) once it exited. */
  stop(signal?: NodeJS.Signals): Promise<number | NodeJS.Signals>;
}

/**
 * Starts `node dist/agent/cli.js server --listen 127.0.0.1:0` and waits for its
 * listening line. Disposing kills it (SIGKILL if SIGTERM did not end it in 10 s).
 */
export async function spawnServer(o: SpawnServerOptions = {}): Promise<ServerProcess> {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run "npm run build" (npm test does) first`);
  const ownDir = o.dataDir === undefined;
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), "devtrace-proc-"));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("DEVTRACE_")));
  const child = spawn(
    process.execPath,
    [cliPath, "server", "--listen", "127.0.0.1:0", "--data-dir", dataDir, "--workers", "0", ...(o.args ?? [])],
    { env: { ...env, ...o.env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stdout!.on("data", (b: Buffer) => (out += b.toString()));
  child.stderr!.on("data", (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | NodeJS.Signals>((res) => child.once("exit", (code, sig) => res(code ?? sig!)));
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`server did not start in time:\n${out}`)), o.startTimeoutMs ?? 30_000);
    const check = () => {
      const m = listeningLine.exec(out);
      if (!m) return;
      clearTimeout(timer);
      res(m[1]);
    };
    child.stdout!.on("data", check);
    void exited.then((code) => {
      clearTimeout(timer);
      rej(new Error(`server exited (${code}) before listening:\n${out}`));
    });
  });
  const stop = async (signal: NodeJS.Signals = "SIGTERM") => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return {
    url,
    port: Number(new URL(url).port),
    dataDir,
    child,
    output: () => out,
    credentials: () => JSON.parse(readFileSync(join(dataDir, "credentials.json"), "utf8")),
    stop,
    async [Symbol.asyncDispose]() {
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await stop("SIGTERM");
      clearTimeout(timer);
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
