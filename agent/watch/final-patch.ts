import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { runGit } from "./run-git.js";

/** Options of finalPatch(). */
export interface FinalPatchOptions {
  /** Root of the repository's working tree. */
  root: string;
  /** The commit the trace started from (any revision git resolves to a commit). */
  base: string;
  /** Largest patch accepted, in bytes; beyond it finalPatch() rejects. Default 64 MiB. */
  maxBytes?: number;
  /**
   * Paths (relative to the top level, files or directories) kept out of the patch even when not
   * ignored, e.g. the agent's own data directory; they stay as they are at base. Default none.
   */
  exclude?: readonly string[];
}

/** Flags that pin diff output whatever the user's git config says (prefixes, colour, drivers). */
const diffFlags = [
  "--binary",
  "--no-color",
  "--no-ext-diff",
  "--no-textconv",
  "--no-renames",
  "--src-prefix=a/",
  "--dst-prefix=b/",
];

/**
 * The working tree against `base` as one patch for `git apply`: tracked edits, deletions and
 * untracked files that .gitignore does not exclude, binary files in git's binary format.
 * "" when the tree equals base. The user's index, refs and object store are left untouched:
 * git works on a temporary index and writes new blobs to a temporary object directory.
 */
export async function finalPatch(options: FinalPatchOptions): Promise<string> {
  // From the top level, so that a root given as a subdirectory still yields the whole tree.
  const root = (await runGit(["rev-parse", "--show-toplevel"], { cwd: options.root })).stdout.trim();
  const commit = await resolveCommit(root, options.base);
  const objects = resolve(root, (await runGit(["rev-parse", "--git-path", "objects"], { cwd: root })).stdout.trim());
  const scratch = await mkdtemp(join(tmpdir(), "devtrace-patch-"));
  try {
    await mkdir(join(scratch, "objects"));
    const env = {
      GIT_INDEX_FILE: join(scratch, "index"),
      GIT_OBJECT_DIRECTORY: join(scratch, "objects"),
      GIT_ALTERNATE_OBJECT_DIRECTORIES: objects,
    };
    await runGit(["read-tree", commit], { cwd: root, env });
    const excluded = (options.exclude ?? []).map((p) => `:(exclude,literal)${p}`);
    await runGit(["add", "--all", "--", ".", ...excluded], { cwd: root, env });
    const diff = await runGit(["diff", "--cached", ...diffFlags, commit, "--"], {
      cwd: root,
      env,
      maxBytes: options.maxBytes,
    });
    return diff.stdout;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The full sha of `rev` as a commit; rejects naming the revision when git does not know it. */
async function resolveCommit(root: string, rev: string): Promise<string> {
  try {
    const out = await runGit(["rev-parse", "--verify", "--end-of-options", `${rev}^{commit}`], { cwd: root });
    return out.stdout.trim();
  } catch (cause) {
    throw new Error(`final patch: base "${rev}" is not a commit of ${root}`, { cause });
  }
}
