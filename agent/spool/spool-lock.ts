import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { SpoolError } from "./spool-error.js";
import { pidAlive } from "../state/pid-alive.js";

/** Spool directories held by this process (a pid cannot tell two holders in one process apart). */
const heldHere = new Set<string>();

/** A held spool lock; release() removes it. */
export interface SpoolLock {
  release(): void;
}

/**
 * Takes the spool directory for this process: a `lock` file holding our pid, created
 * exclusively. A lock left by a dead process (kill -9) is taken over; one held by a live
 * process is refused with SpoolError("locked"). The spool has ONE writer process.
 */
export function acquireSpoolLock(dir: string): SpoolLock {
  const file = join(dir, "lock");
  if (heldHere.has(dir)) throw new SpoolError("locked", `the spool ${dir} is already open in this process`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx", 0o600);
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      heldHere.add(dir);
      return {
        release: () => {
          heldHere.delete(dir);
          rmSync(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw new Error(`cannot lock the spool ${dir}`, { cause: err });
    }
    const holder = Number.parseInt(readLock(file), 10);
    if (Number.isInteger(holder) && holder !== process.pid && pidAlive(holder)) {
      throw new SpoolError("locked", `the spool ${dir} is in use by process ${holder} (remove ${file} if no devtrace agent runs)`);
    }
    rmSync(file, { force: true }); // left by a process that died (or by us, before a crash)
  }
  throw new SpoolError("locked", `cannot take the lock ${file}: another process keeps creating it`);
}

function readLock(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return ""; // removed in between, or half-written by a process that died: both are stale
  }
}

