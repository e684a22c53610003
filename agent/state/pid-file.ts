import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { pidAlive } from "./pid-alive.js";

/** What takePidFile found: the file is ours now, or a live process holds it. */
export type PidFileResult = { taken: true } | { taken: false; holder: number };

/**
 * Creates `file` exclusively (0600) holding this process's pid: the lock behind the spool
 * and the server's data directory. A file left by a process that died (kill -9, or a zombie)
 * or a half-written one is taken over; one held by a live process is reported with its pid.
 */
export function takePidFile(file: string): PidFileResult {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx", 0o600);
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      return { taken: true };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw new Error(`cannot create the lock ${file}`, { cause: err });
    }
    const holder = pidFileHolder(file);
    if (holder !== undefined && holder !== process.pid && pidAlive(holder)) return { taken: false, holder };
    rmSync(file, { force: true }); // left by a process that died (or by us, before a crash)
  }
  throw new Error(`cannot take the lock ${file}: another process keeps creating it`);
}

/** The pid a lock file holds, or undefined when it is gone or half-written (both stale). */
export function pidFileHolder(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, "utf8"), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
