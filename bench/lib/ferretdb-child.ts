import { spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MongoClient } from "mongodb";

/** A FerretDB process on loopback with its SQLite handler in a temp dir. */
export interface FerretChild extends AsyncDisposable {
  /** mongodb://127.0.0.1:PORT/ */
  url: string;
  pid: number;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const a = srv.address();
      srv.close(() => (typeof a === "object" && a ? resolve(a.port) : reject(new Error("no free port"))));
    });
  });
}

/**
 * Starts `bin` the way test/helpers/ferretdb.ts does (telemetry and debug listener off)
 * and resolves once it answers a ping.
 */
export async function startFerret(bin: string): Promise<FerretChild> {
  const dir = mkdtempSync(join(tmpdir(), "devtrace-bench-ferret-"));
  const port = await freePort();
  const url = `mongodb://127.0.0.1:${port}/`;
  const logFile = join(dir, "ferretdb.log");
  const fd = openSync(logFile, "a");
  const args = ["--handler=sqlite", `--sqlite-url=file:${dir}/`, `--listen-addr=127.0.0.1:${port}`, `--state-dir=${dir}`, "--debug-addr=-", "--telemetry=disable", "--log-level=warn"];
  const child = spawn(bin, args, { stdio: ["ignore", fd, fd] });
  closeSync(fd);
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const dispose = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      child.kill("SIGTERM");
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const until = Date.now() + 30_000; ; ) {
      if (child.exitCode !== null) throw new Error(`ferretdb exited (${child.exitCode}): ${readFileSync(logFile, "utf8").slice(-500)}`);
      const client = new MongoClient(url, { serverSelectionTimeoutMS: 500, connectTimeoutMS: 500 });
      try {
        await client.db("admin").command({ ping: 1 });
        break;
      } catch (error) {
        if (Date.now() > until) throw new Error(`ferretdb did not answer at ${url} within 30 s`, { cause: error });
      } finally {
        await client.close();
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (error) {
    await dispose();
    throw error;
  }
  return { url, pid: child.pid!, [Symbol.asyncDispose]: dispose };
}
