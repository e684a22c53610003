import { open, stat } from "node:fs/promises";

interface Position {
  offset: number;
  ino: number;
}

/**
 * Reads what was appended to reflog files since the last look, complete lines only. git only
 * appends to a reflog; a file replaced (new inode: `reflog expire`, gc) or shrunk is skipped to
 * its end, since re-reading it would replay history.
 */
export class ReflogTail {
  private readonly positions = new Map<string, Position>();

  /** Starts following a file from its current end (or from its start once it appears). */
  async skipToEnd(file: string): Promise<void> {
    const st = await statOrUndefined(file);
    if (st) this.positions.set(file, { offset: st.size, ino: st.ino });
  }

  /** Stops following a file (it was deleted); a file appearing later is read from its start. */
  forget(file: string): void {
    this.positions.delete(file);
  }

  /** Complete lines appended since the last call; a torn last line waits for the next one. */
  async newLines(file: string): Promise<string[]> {
    const handle = await open(file, "r").catch((cause: NodeJS.ErrnoException) => {
      if (cause.code === "ENOENT") return undefined;
      throw new Error(`git capture: cannot open ${file}`, { cause });
    });
    if (!handle) return [];
    try {
      const st = await handle.stat();
      const known = this.positions.get(file);
      if (known && (known.ino !== st.ino || st.size < known.offset)) {
        this.positions.set(file, { offset: st.size, ino: st.ino });
        return [];
      }
      const offset = known?.offset ?? 0;
      if (st.size <= offset) return [];
      const buf = Buffer.alloc(st.size - offset);
      const { bytesRead } = await handle.read(buf, 0, buf.length, offset);
      const end = buf.subarray(0, bytesRead).lastIndexOf(0x0a) + 1;
      this.positions.set(file, { offset: offset + end, ino: st.ino });
      return buf.subarray(0, end).toString("utf8").split("\n").filter(Boolean);
    } finally {
      await handle.close();
    }
  }
}

async function statOrUndefined(file: string) {
  try {
    return await stat(file);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new Error(`git capture: cannot stat ${file}`, { cause });
  }
}
