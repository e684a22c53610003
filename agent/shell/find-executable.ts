import { accessSync, constants, statSync } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    // Not there, or not executable: the caller tries the next candidate or reports it.
    return false;
  }
}

/**
 * The executable `file` names: itself when it holds a slash, else the first match on `path`
 * (a PATH value). Undefined when there is none, so a missing shell is reported before a pty
 * is opened rather than as an exec failure inside it.
 */
export function findExecutable(file: string, path: string | undefined, cwd: string): string | undefined {
  if (file.includes("/")) {
    const full = isAbsolute(file) ? file : join(cwd, file);
    return isExecutableFile(full) ? full : undefined;
  }
  for (const dir of (path ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, file);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}
