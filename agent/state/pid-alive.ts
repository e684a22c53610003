import { readFileSync } from "node:fs";

/**
 * True when a process with this pid exists on this host and has not exited (EPERM: it exists
 * but is someone else's). A zombie (exited, not yet reaped by its parent, as a killed
 * detached agent is for a moment) counts as gone: it holds no lock any more.
 */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  return !isZombie(pid);
}

/** Linux: the state letter of /proc/PID/stat is Z (or X, dead). Elsewhere: unknown, so false. */
function isZombie(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return false;
  }
  // The command name in parentheses may itself hold ") ", so the state follows the LAST ")".
  const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  return state === "Z" || state === "X";
}
