import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "pino";
import { applyPatch } from "./apply-patch.js";
import { maskInText, maskUrl } from "./mask-url.js";
import { QaError } from "./qa-error.js";
import { runGit } from "./run-git.js";
import type { PreparedTrees, RepoRef, Workspace } from "./workspace.js";

/** Options of GitWorkspace. */
export interface GitWorkspaceOptions {
  /** Where temporary checkouts go; default the OS temp dir. */
  tmpDir?: string;
  /** Limit for cloning and fetching, default 300 000 ms. */
  fetchTimeoutMs?: number;
}

/** Clones with the host's git into a temp dir; any URL git can fetch, local paths included. */
export class GitWorkspace implements Workspace {
  constructor(
    private readonly logger: Logger,
    private readonly options: GitWorkspaceOptions = {},
  ) {}

  /** Clones, checks out the base commit twice (worktrees) and patches the second. */
  async prepare(repo: RepoRef, finalPatch: string): Promise<PreparedTrees> {
    const root = await mkdtemp(join(this.options.tmpDir ?? tmpdir(), "devtrace-qa-"));
    const dispose = () => rm(root, { recursive: true, force: true });
    try {
      const baseDir = join(root, "base");
      const patchedDir = join(root, "patched");
      await this.checkout(repo, baseDir);
      const wt = await runGit(["worktree", "add", "--quiet", "--detach", patchedDir, "HEAD"], { cwd: baseDir });
      if (wt.code !== 0) throw new Error(`git worktree add failed: ${wt.stderr.trim()}`);
      const patchMethod = await applyPatch(patchedDir, finalPatch, root);
      this.logger.debug({ root, patchMethod, repo: maskUrl(repo.repoUrl) }, "workspace ready");
      return { baseDir, patchedDir, patchMethod, dispose };
    } catch (err) {
      await dispose();
      throw err;
    }
  }

  private async checkout(repo: RepoRef, dir: string): Promise<void> {
    const shown = maskUrl(repo.repoUrl);
    const timeoutMs = this.options.fetchTimeoutMs ?? 300_000;
    // "--" keeps a URL starting with "-" from being read as an option.
    const clone = await runGit(["clone", "--quiet", "--no-checkout", "--", repo.repoUrl, dir], { timeoutMs }).catch((err: unknown) => {
      throw new QaError("repo_unavailable", `cannot fetch repository ${shown}: ${maskInText(String((err as Error).message), repo.repoUrl)}`);
    });
    if (clone.code !== 0) throw new QaError("repo_unavailable", `cannot fetch repository ${shown}: ${maskInText(clone.stderr.trim(), repo.repoUrl)}`);
    let co = await runGit(["checkout", "--quiet", "--detach", repo.baseCommit, "--"], { cwd: dir });
    if (co.code !== 0) {
      // A commit on no branch head (e.g. a PR ref) may still be fetchable by id.
      await runGit(["fetch", "--quiet", "origin", repo.baseCommit], { cwd: dir, timeoutMs });
      co = await runGit(["checkout", "--quiet", "--detach", repo.baseCommit, "--"], { cwd: dir });
    }
    if (co.code !== 0) throw new QaError("repo_unavailable", `base commit ${repo.baseCommit} is not in repository ${shown}: ${co.stderr.trim()}`);
  }
}
