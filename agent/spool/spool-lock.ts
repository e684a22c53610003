import { rmSync } from "node:fs";
import { join } from "node:path";
import { SpoolError } from "./spool-error.js";
import { takePidFile } from "../state/pid-file.js";

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
  const taken = takePidFile(file);
  if (!taken.taken) {
    throw new SpoolError("locked", `the spool ${dir} is in use by process ${taken.holder} (remove ${file} if no devtrace agent runs)`);
  }
  heldHere.add(dir);
  return {
    release: () => {
      heldHere.delete(dir);
      rmSync(file, { force: true });
    },
  };
}
