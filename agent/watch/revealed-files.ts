import { lstat, readdir } from "node:fs/promises";
import { join } from "node:path";

/**
 * Regular files at or below `rel` ("/"-separated, relative to root) that `skip` lets through,
 * found by walking the disk: what an ignore-rule change brings into view. Symlinks are not
 * followed; a path that vanished mid-walk is left out.
 */
export async function revealedFiles(
  root: string,
  rel: string,
  skip: (rel: string, isDir: boolean) => boolean,
): Promise<string[]> {
  const out: string[] = [];
  const visit = async (p: string): Promise<void> => {
    let st;
    try {
      st = await lstat(join(root, p));
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === "ENOENT") return;
      throw new Error(`file capture: cannot stat ${p}`, { cause });
    }
    if (st.isFile()) {
      if (!skip(p, false)) out.push(p);
    } else if (st.isDirectory() && !skip(p, true)) {
      for (const name of (await readdir(join(root, p))).sort()) await visit(`${p}/${name}`);
    }
  };
  await visit(rel);
  return out;
}
