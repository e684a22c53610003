import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MongoClient } from "mongodb";
import { findTool } from "./infra.js";

/** A FerretDB server on loopback with its SQLite handler in a temp dir. */
export interface FerretDb extends AsyncDisposable {
  /** mongodb://127.0.0.1:PORT/ — the same URL across stop() and start(). */
  readonly url: string;
  readonly port: number;
  /** Stops the server (SIGKILL with `crash`, else SIGTERM) and waits for it to exit. Data is kept. */
  stop(options?: { crash?: boolean }): Promise<void>;
  /** Starts it again on the same port and data after stop(); resolves once it answers a ping. */
  start(): Promise<void>;
  /** Sends a signal to the running server (SIGSTOP / SIGCONT pause and resume it). */
  signal(signal: NodeJS.Signals): void;
  /** Stops it and removes its data. Safe to call twice. */
  dispose(): Promise<void>;
  /** Its log so far, for a failing test's message. */
  log(): string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      srv.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

async function waitForPing(url: string, child: ChildProcess, deadlineMs: number, log: () => string): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`ferretdb exited (${child.exitCode ?? child.signalCode}) before answering:\n${log()}`);
    }
    const client = new MongoClient(url, { serverSelectionTimeoutMS: 500, connectTimeoutMS: 500 });
    try {
      await client.db("admin").command({ ping: 1 });
      return;
    } catch (error) {
      if (Date.now() > until) throw new Error(`ferretdb did not answer a ping at ${url} in ${deadlineMs} ms:\n${log()}`, { cause: error });
    } finally {
      await client.close();
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/**
 * Starts FerretDB (findTool("ferretdb")) on a free loopback port. Telemetry and the
 * debug HTTP listener are off so parallel instances never share a port or phone home.
 */
export async function startFerretDb(options: { startDeadlineMs?: number } = {}): Promise<FerretDb> {
  const bin = findTool("ferretdb");
  if (bin === undefined) throw new Error("ferretdb not found (run .ci/build-go-tools.sh)");
  const dir = mkdtempSync(join(tmpdir(), "devtrace-ferretdb-"));
  const logFile = join(dir, "ferretdb.log");
  const port = await freePort();
  const url = `mongodb://127.0.0.1:${port}/`;
  const deadline = options.startDeadlineMs ?? 30_000;
  let child: ChildProcess | undefined;
  let disposed = false;
  const log = () => {
    try {
      return readFileSync(logFile, "utf8");
    } catch {
      return "(no log)";
    }
  };

  const start = async () => {
    if (child !== undefined) throw new Error("ferretdb is already running");
    const fd = openSync(logFile, "a");
    try {
      child = spawn(
        bin,
        [
          "--handler=sqlite",
          `--sqlite-url=file:${dir}/`,
          `--listen-addr=127.0.0.1:${port}`,
          `--state-dir=${dir}`,
          "--debug-addr=-",
          "--telemetry=disable",
          "--log-level=warn",
        ],
        { stdio: ["ignore", fd, fd] },
      );
    } finally {
      closeSync(fd);
    }
    const started = child;
    try {
      await waitForPing(url, started, deadline, log);
    } catch (error) {
      started.kill("SIGKILL");
      await waitForExit(started);
      child = undefined;
      throw error;
    }
  };

  const stop = async (opts: { crash?: boolean } = {}) => {
    const running = child;
    if (running === undefined) return;
    child = undefined;
    running.kill(opts.crash ? "SIGKILL" : "SIGTERM");
    running.kill("SIGCONT");
    const timer = setTimeout(() => running.kill("SIGKILL"), 10_000);
    await waitForExit(running);
    clearTimeout(timer);
  };

  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    try {
      await stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  try {
    await start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const signal = (sig: NodeJS.Signals) => {
    if (child === undefined) throw new Error("ferretdb is not running");
    child.kill(sig);
  };
  return { url, port, stop, start, signal, dispose, log, [Symbol.asyncDispose]: dispose };
}
