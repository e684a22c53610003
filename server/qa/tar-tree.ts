import { createReadStream } from "node:fs";
import { lstat, readdir, readlink } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import tar from "tar-stream";

/** How packTree writes entries. */
export interface PackOptions {
  /** Owner of every entry, so a non-root user can write in the tree. */
  uid: number;
  gid: number;
  /** Directory names put first in the archive, e.g. "repo". */
  prefix: string;
  /** Extra empty directories to create beside the tree, e.g. ["report"]. */
  extraDirs?: string[];
}

/**
 * Streams a host directory as a tar archive (for Docker's putArchive), without .git,
 * keeping file modes and symlinks; entries are owned by the given uid/gid.
 */
export function packTree(dir: string, options: PackOptions): tar.Pack {
  const pack = tar.pack();
  const owner = { uid: options.uid, gid: options.gid, mtime: new Date(0) };
  (async () => {
    for (const d of [options.prefix, ...(options.extraDirs ?? [])]) pack.entry({ name: d, type: "directory", mode: 0o755, ...owner });
    await walk(dir, options.prefix, pack, owner);
    pack.finalize();
  })().catch((err: unknown) => pack.destroy(new Error(`packing ${dir} failed`, { cause: err })));
  return pack;
}

async function walk(dir: string, name: string, pack: tar.Pack, owner: { uid: number; gid: number; mtime: Date }): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    if (name.indexOf("/") === -1 && entry.name === ".git") continue;
    const path = join(dir, entry.name);
    const entryName = `${name}/${entry.name}`;
    const st = await lstat(path);
    if (st.isDirectory()) {
      pack.entry({ name: entryName, type: "directory", mode: st.mode & 0o7777, ...owner });
      await walk(path, entryName, pack, owner);
    } else if (st.isSymbolicLink()) {
      pack.entry({ name: entryName, type: "symlink", linkname: await readlink(path), ...owner });
    } else if (st.isFile()) {
      const sink = pack.entry({ name: entryName, type: "file", size: st.size, mode: st.mode & 0o7777, ...owner });
      await pipeline(createReadStream(path), sink);
    }
  }
}
