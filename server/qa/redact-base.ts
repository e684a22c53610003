import { lstat, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Redactor } from "../../redact/index.js";
import { runGit } from "./run-git.js";
import { filePatches } from "./split-patch.js";

/** Files larger than this are left as they are (a patch to them keeps its own context). */
const MAX_FILE_BYTES = 8 * 1024 * 1024;

/**
 * The final patch reaches QA redacted line by line (by the agent and again by the server), so
 * where the base commit holds a secret on a line the patch keeps as context or removes, the
 * patch reads `[REDACTED:<rule>]` there and applies only to the base redacted by the same rules.
 * This redacts, in every tree given, the files the patch touches, each read as a diff of context
 * lines so it goes through exactly the rules the patch's own lines went through. Only files git
 * tracks at the base commit are read, never through a symlink: paths come from the trace.
 * Returns the paths it changed.
 */
export async function redactTouchedFiles(redactor: Redactor, trees: readonly string[], patch: string): Promise<string[]> {
  const [first] = trees;
  const tracked = new Set((await runGit(["ls-files", "-z"], { cwd: first })).stdout.split("\0"));
  const changed: string[] = [];
  for (const path of new Set(filePatches(patch).map((f) => f.path))) {
    if (!tracked.has(path)) continue;
    const file = join(first, path);
    const info = await lstat(file).catch(() => undefined);
    if (!info?.isFile() || info.size > MAX_FILE_BYTES) continue;
    const text = await readFile(file, "utf8");
    if (text.includes("\0")) continue;
    const asContext = text.split(/(?<=\n)/).map((line) => ` ${line}`).join("");
    const redacted = (await redactor.redact(asContext, { diff: true, keepHome: true }))
      .split(/(?<=\n)/)
      .map((line) => line.slice(1))
      .join("");
    if (redacted === text) continue;
    for (const tree of trees) await writeFile(join(tree, path), redacted);
    changed.push(path);
  }
  return changed;
}
