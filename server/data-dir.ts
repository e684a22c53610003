import { chmodSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { pidFileHolder, takePidFile } from "../agent/state/pid-file.js";

/** The lock file a running server keeps in its data directory, holding its pid. */
export const dataDirLockName = "server.lock";

/** A data directory this process holds; release() gives it up. */
export interface DataDirLock {
  release(): void;
}

/** A second server on a data directory that is in use; main prints it and exits 1. */
export class DataDirInUseError extends Error {
  override name = "DataDirInUseError";
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(`the data directory ${dir} is in use by another devtrace server (pid ${pid}); stop it first, or give this one another --data-dir`);
  }
}

/**
 * Makes the data directory private to its owner, however it was created: the directory
 * 0700 and every file in it 0600 (traces, tokens and the database are nobody else's).
 */
export function securePermissions(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile()) chmodSync(join(dir, entry.name), 0o600);
  }
}

/**
 * Takes the data directory for this server process: `server.lock` holding our pid,
 * created exclusively. A lock left by a process that died (kill -9) is taken over; one
 * held by a live process throws DataDirInUseError naming its pid.
 */
export function lockDataDir(dir: string): DataDirLock {
  const file = join(dir, dataDirLockName);
  const taken = takePidFile(file);
  if (!taken.taken) throw new DataDirInUseError(resolve(dir), taken.holder);
  return { release: () => releaseIfOurs(file) };
}

function releaseIfOurs(file: string): void {
  if (pidFileHolder(file) === process.pid) rmSync(file, { force: true });
}
