import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { pidAlive } from "./pid-alive.js";

/** Held while this process is the repository's one agent; released on exit by the OS. */
export interface InstanceLock {
  release(): Promise<void>;
}

/**
 * Takes the one-agent-per-repository lock, or returns undefined when a live agent holds it.
 *
 * On Linux the lock is a listening socket in the abstract namespace: the kernel frees it
 * the instant its owner dies (kill -9 included), so there is no stale lock to clean and no
 * race between two starters that both found a stale one. Elsewhere an O_EXCL lock file with
 * a liveness check of the pid inside does the same job, best effort.
 */
export async function acquireInstanceLock(name: string, lockFile: string): Promise<InstanceLock | undefined> {
  return process.platform === "linux" ? abstractSocketLock(name) : pidFileLock(lockFile);
}

function abstractSocketLock(name: string): Promise<InstanceLock | undefined> {
  return new Promise((resolvePromise, reject) => {
    const server: Server = createServer((conn) => conn.destroy());
    server.once("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EADDRINUSE") resolvePromise(undefined);
      else reject(new Error(`cannot take the agent lock @${name}`, { cause: err }));
    });
    server.listen(`\0${name}`, () => {
      server.unref();
      resolvePromise({ release: () => new Promise<void>((done) => server.close(() => done())) });
    });
  });
}

async function pidFileLock(lockFile: string): Promise<InstanceLock | undefined> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(lockFile, "wx", 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return { release: async () => rmSync(lockFile, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw new Error(`cannot create ${lockFile}`, { cause: err });
    }
    const holder = Number.parseInt(readFileSync(lockFile, "utf8").trim(), 10);
    if (Number.isFinite(holder) && pidAlive(holder)) return undefined;
    rmSync(lockFile, { force: true });
  }
  return undefined;
}
