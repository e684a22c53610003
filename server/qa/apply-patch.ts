import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { QaError } from "./qa-error.js";
import { runGit, runProcess, type ProcessResult } from "./run-git.js";

/** Which step of the fallback chain applied the patch. */
export type PatchMethod = "git-apply" | "git-apply-3way" | "patch-fuzz" | "none";

/**
 * Applies a unified diff to a clean git checkout the way the SWE-bench harness does:
 * `git apply`, then `git apply --3way`, then `patch --fuzz=5`, resetting the tree
 * between tries. Throws QaError "patch_failed" with git's own message when none works.
 * `patch` runs with --forward: in --batch mode it would otherwise take a patch that is
 * already applied for a reversed one and silently undo it.
 */
export async function applyPatch(treeDir: string, patch: string, scratchDir: string, what = "the final patch"): Promise<PatchMethod> {
  if (patch.trim() === "") return "none";
  // A final hunk without its trailing newline is the most common reason a patch is refused.
  const file = join(scratchDir, "final.patch");
  await writeFile(file, patch.endsWith("\n") ? patch : `${patch}\n`);
  const tries: Array<[Exclude<PatchMethod, "none">, () => Promise<ProcessResult>]> = [
    ["git-apply", () => runGit(["apply", "-v", "--whitespace=nowarn", file], { cwd: treeDir })],
    ["git-apply-3way", () => runGit(["apply", "-v", "--3way", "--whitespace=nowarn", file], { cwd: treeDir })],
    ["patch-fuzz", () => runProcess("patch", ["--batch", "--forward", "--fuzz=5", "-p1", "--no-backup-if-mismatch", "--reject-file=-", "-i", file], { cwd: treeDir })],
  ];
  const messages: string[] = [];
  for (const [method, attempt] of tries) {
    const result = await attempt();
    if (result.code === 0) return method;
    messages.push(`${method}: ${(result.stderr || result.stdout).trim()}`);
    await resetTree(treeDir);
  }
  const reverse = await runGit(["apply", "--check", "--reverse", file], { cwd: treeDir });
  const hint = reverse.code === 0 ? " (the patch is already present in the base commit)" : "";
  throw new QaError("patch_failed", `${what} does not apply to the base commit${hint}: ${messages.join("\n")}`);
}

async function resetTree(treeDir: string): Promise<void> {
  for (const args of [["reset", "--hard", "--quiet"], ["clean", "-fdqx"]]) {
    const r = await runGit(args, { cwd: treeDir });
    if (r.code !== 0) throw new Error(`git ${args[0]} failed while resetting the tree: ${r.stderr.trim()}`);
  }
}
