import { createHash } from "node:crypto";
import { lstat, readFile } from "node:fs/promises";

/** What a path holds, as far as file capture cares. */
export type FileState =
  /** UTF-8 text within the size limit: diffable. */
  | { kind: "text"; content: string; sha256: string; size: number; executable: boolean }
  /** Has a NUL byte in its first 8000 bytes, or is not valid UTF-8. */
  | { kind: "binary"; sha256: string; size: number }
  /** Larger than the size limit: neither read nor hashed. */
  | { kind: "large"; size: number }
  /** Nothing there, or not a regular file (directory, symlink, socket). */
  | { kind: "absent" };

/** Git's own heuristic: a NUL byte within the first 8000 bytes means binary. */
const sniffBytes = 8000;

/** Lower-case hex SHA-256 of bytes or a string (hashed as UTF-8). */
export function sha256Hex(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Classifies bytes already read: text (decoded, BOM kept) or binary. */
export function classifyBytes(buf: Buffer, executable: boolean): FileState {
  const sha256 = sha256Hex(buf);
  if (buf.subarray(0, sniffBytes).includes(0)) return { kind: "binary", sha256, size: buf.length };
  try {
    // fatal: a latin-1 file decoded with replacement characters would yield diffs that no
    // longer apply to the real bytes; ignoreBOM keeps a BOM in the content and so in the diff.
    const content = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(buf);
    return { kind: "text", content, sha256, size: buf.length, executable };
  } catch {
    return { kind: "binary", sha256, size: buf.length };
  }
}

/**
 * Reads a path once it is stable: if its size or mtime moved while it was being read, the
 * result is `undefined` so the caller retries later instead of diffing a half-written file.
 * With `requireStable` false the bytes read are taken as they are.
 */
export async function readFileState(absPath: string, maxBytes: number, requireStable = true): Promise<FileState | undefined> {
  const before = await lstatOrUndefined(absPath);
  if (!before?.isFile()) return { kind: "absent" };
  if (before.size > maxBytes) return { kind: "large", size: before.size };
  let buf: Buffer;
  try {
    buf = await readFile(absPath);
  } catch (cause) {
    if (isNotFound(cause)) return requireStable ? undefined : { kind: "absent" };
    throw new Error(`file capture: cannot read ${absPath}`, { cause });
  }
  const after = await lstatOrUndefined(absPath);
  if (!after) return requireStable ? undefined : { kind: "absent" };
  if (requireStable && (after.mtimeMs !== before.mtimeMs || after.size !== buf.length || after.ino !== before.ino)) {
    return undefined;
  }
  if (buf.length > maxBytes) return { kind: "large", size: buf.length };
  return classifyBytes(buf, (after.mode & 0o111) !== 0);
}

async function lstatOrUndefined(absPath: string) {
  try {
    return await lstat(absPath);
  } catch (cause) {
    if (isNotFound(cause)) return undefined;
    throw new Error(`file capture: cannot stat ${absPath}`, { cause });
  }
}

function isNotFound(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}
