import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { repoPath } from "../local/editor-event.js";

/**
 * The repository-relative path of a `file:` URI, or undefined for any other URI, a
 * malformed one, or a file outside the repository (those are never recorded). A path
 * reached through a symlink counts when its real path is inside.
 */
export function uriToRepoPath(uri: unknown, root: string): string | undefined {
  if (typeof uri !== "string" || !uri.startsWith("file:")) return undefined;
  let path: string;
  try {
    path = fileURLToPath(uri);
  } catch {
    return undefined;
  }
  const inside = (p: string): string | undefined => {
    try {
      return repoPath(p, root);
    } catch {
      return undefined;
    }
  };
  const direct = inside(path);
  if (direct !== undefined) return direct;
  try {
    return inside(realpathSync(path));
  } catch {
    return undefined;
  }
}
