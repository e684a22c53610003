import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The directory of the shell integration scripts (agent/shell/scripts in the package). Found
 * from the package root, the first directory above this module holding package.json, because
 * this module runs from dist/agent/shell after tsc while the scripts stay in the source tree.
 */
export function shellScriptsDir(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    if (existsSync(join(dir, "package.json"))) return join(dir, "agent", "shell", "scripts");
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`devtrace: no package.json above ${from}; cannot find the shell integration scripts`);
    dir = parent;
  }
}
