import { lstatSync, readdirSync } from "node:fs";
import type { Dirent, Stats } from "node:fs";
import { lstat } from "node:fs/promises";
import { join } from "node:path";

/** What lstat said of a file just before capture read it, and when capture asked. */
export interface Stamp {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  /** Wall clock (ms) just before the lstat. */
  takenAt: number;
}

/**
 * A file changed within this long (ms) before its stamp was taken may change again without its
 * stamp moving: file timestamps tick coarsely (a kernel tick on ext4, 1 s on ext3/HFS+, 2 s on
 * FAT), so such a "racy" stamp (git's term) proves nothing and its file is always re-read.
 */
export const racyMs = 2_000;

/** The stamp of `stats`, taken at `takenAt`. */
export function stampOf(stats: Stats, takenAt: number): Stamp {
  return { size: stats.size, mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs, ino: stats.ino, takenAt };
}

/** Options of statSweep(). */
export interface StatSweepOptions {
  /** Absolute root of the tree. */
  root: string;
  /** Stamps of the files capture has read ("/"-separated relative paths). */
  known: ReadonlyMap<string, Stamp>;
  /** True for a path capture never looks at (same rules as the live watcher). */
  skip: (rel: string, isDir: boolean) => boolean;
  /** Receives an unexpected failure to list or stat a path; the sweep goes on. */
  onError: (err: Error) => void;
}

/** Synchronous lstat calls between two yields to the event loop. */
const statsPerSlice = 256;

/**
 * The paths whose content may differ from what capture last read: files it never read, files
 * whose stamp moved or is racy, and known files no longer found. Only metadata is read. The
 * calls are synchronous (several times faster than a trip through libuv's pool each), in
 * slices of at most one directory or statsPerSlice lstats, yielding to the event loop between
 * slices. Paths vanishing or unreadable mid-walk are left out, as chokidar's
 * ignorePermissionErrors does; a known file no longer found is reported (it is gone).
 */
export async function statSweep(options: StatSweepOptions): Promise<string[]> {
  const { root, known, skip, onError } = options;
  const seen = new Set<string>();
  const suspects: string[] = [];
  const dirs = [""];
  let budget = statsPerSlice;
  for (let dirRel = dirs.pop(); dirRel !== undefined; dirRel = dirs.pop()) {
    for (const entry of listDir(join(root, dirRel), onError)) {
      const rel = dirRel === "" ? entry.name : `${dirRel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!skip(rel, true)) dirs.push(rel);
        continue;
      }
      if (!entry.isFile() || skip(rel, false)) continue;
      if (--budget <= 0) {
        await new Promise((r) => setImmediate(r));
        budget = statsPerSlice;
      }
      const stats = lstatOrUndefined(join(root, rel), onError);
      if (!stats?.isFile()) continue;
      seen.add(rel);
      const stamp = known.get(rel);
      if (!stamp || moved(stamp, stats) || racy(stamp)) suspects.push(rel);
    }
    await new Promise((r) => setImmediate(r));
  }
  for (const rel of known.keys()) if (!seen.has(rel)) suspects.push(rel);
  return suspects.sort();
}

function moved(stamp: Stamp, stats: Stats): boolean {
  return stamp.size !== stats.size || stamp.mtimeMs !== stats.mtimeMs || stamp.ctimeMs !== stats.ctimeMs || stamp.ino !== stats.ino;
}

/** ctime counts too: it cannot be set back by tools (`touch -d`, `cp -p`) the way mtime can. */
function racy(stamp: Stamp): boolean {
  return stamp.takenAt - Math.max(stamp.mtimeMs, stamp.ctimeMs) < racyMs;
}

function listDir(abs: string, onError: (err: Error) => void): Dirent[] {
  try {
    return readdirSync(abs, { withFileTypes: true });
  } catch (cause) {
    if (!isGoneOrDenied(cause)) onError(new Error(`file capture: cannot list ${abs}`, { cause }));
    return [];
  }
}

function lstatOrUndefined(abs: string, onError: (err: Error) => void): Stats | undefined {
  try {
    return lstatSync(abs);
  } catch (cause) {
    if (!isGoneOrDenied(cause)) onError(new Error(`file capture: cannot stat ${abs}`, { cause }));
    return undefined;
  }
}

function isGoneOrDenied(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === "ENOENT" || code === "ENOTDIR" || code === "EACCES" || code === "EPERM";
}

/** The stamp of a regular file at `abs` now; undefined when nothing (or no regular file) is there. */
export async function stampNow(abs: string): Promise<Stamp | undefined> {
  const takenAt = Date.now();
  try {
    const stats = await lstat(abs);
    return stats.isFile() ? stampOf(stats, takenAt) : undefined;
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw new Error(`file capture: cannot stat ${abs}`, { cause });
  }
}
