import { execFile } from "node:child_process";
import { isAbsolute, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A git repository as the agent sees it. */
export interface GitRepo {
  /** Absolute path of the working tree's top level. */
  root: string;
  /** Absolute path of this working tree's git directory (.git, or .git/worktrees/<name>). */
  gitDir: string;
}

/** Runs git in `cwd` and returns trimmed stdout; throws Error with git's stderr. */
export async function git(cwd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run("git", args, { cwd, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" });
    return stdout.trim();
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new Error(`git ${args.join(" ")} failed in ${cwd}${stderr ? `: ${stderr}` : ""}`, { cause: err });
  }
}

/** The repository that contains `dir`; throws a readable Error outside a git working tree. */
export async function findRepo(dir: string): Promise<GitRepo> {
  let out: string;
  try {
    out = await git(dir, ["rev-parse", "--show-toplevel", "--git-dir"]);
  } catch (err) {
    throw new Error(`${dir} is not inside a git repository (devtrace records one repository per agent)`, { cause: err });
  }
  const [root, gitDir] = out.split("\n");
  if (!root || !gitDir) throw new Error(`git rev-parse gave no top level for ${dir}`);
  return { root, gitDir: isAbsolute(gitDir) ? gitDir : resolve(dir, gitDir) };
}

/** The commit HEAD points at; throws a readable Error in a repository without commits. */
export async function headCommit(root: string): Promise<string> {
  try {
    return await git(root, ["rev-parse", "--verify", "HEAD^{commit}"]);
  } catch (err) {
    throw new Error(`${root} has no commit yet: commit the code the bug lives in first`, { cause: err });
  }
}

/** The current branch name, or "" on a detached HEAD. */
export async function currentBranch(root: string): Promise<string> {
  // symbolic-ref fails exactly when HEAD is detached, which is a state, not an error.
  return git(root, ["symbolic-ref", "--quiet", "--short", "HEAD"]).catch(() => "");
}

/** The URL the server can fetch the repository from: origin's URL, else the local path. */
export async function repoUrl(root: string): Promise<string> {
  // No "origin" remote is common for a local checkout; the server can read the path itself.
  const origin = await git(root, ["remote", "get-url", "origin"]).catch(() => "");
  return origin || root;
}
