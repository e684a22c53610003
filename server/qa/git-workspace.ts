import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "pino";
import { Redactor } from "../../redact/index.js";
import { applyPatch, type PatchMethod } from "./apply-patch.js";
import { maskInText, maskUrl } from "./mask-url.js";
import { QaError } from "./qa-error.js";
import { redactTouchedFiles } from "./redact-base.js";
import { checkRepoUrl, loopbackRepoPolicy, RepoRefused, type RepoPolicy } from "./repo-policy.js";
import { runGit } from "./run-git.js";
import { filePatches } from "./split-patch.js";
import type { PreparedTrees, RepoRef, TreeLayers, Workspace } from "./workspace.js";

/** Options of GitWorkspace. */
export interface GitWorkspaceOptions {
  /** Where temporary checkouts go; default the OS temp dir. */
  tmpDir?: string;
  /** Limit for cloning and fetching, default 300 000 ms. */
  fetchTimeoutMs?: number;
  /** What may be cloned, checked again right before each clone (DNS can change); default loopbackRepoPolicy. */
  policy?: RepoPolicy;
}

/** Clones with the host's git into a temp dir, what the repository policy allows only. */
export class GitWorkspace implements Workspace {
  private redactor: Redactor | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly options: GitWorkspaceOptions = {},
  ) {}

  /**
   * Clones, checks out the base commit twice (worktrees), patches the second with the final
   * patch and the first with its test part, then lays the reference tests over both.
   */
  async prepare(repo: RepoRef, finalPatch: string, layers: TreeLayers = {}): Promise<PreparedTrees> {
    const root = await mkdtemp(join(this.options.tmpDir ?? tmpdir(), "devtrace-qa-"));
    const dispose = () => rm(root, { recursive: true, force: true });
    try {
      const baseDir = join(root, "base");
      const patchedDir = join(root, "patched");
      await this.checkout(repo, baseDir);
      const wt = await runGit(["worktree", "add", "--quiet", "--detach", patchedDir, "HEAD"], { cwd: baseDir });
      if (wt.code !== 0) throw new Error(`git worktree add failed: ${wt.stderr.trim()}`);
      const patchMethod = await this.applyFinalPatch(baseDir, patchedDir, finalPatch, root);
      await layer(patchedDir, "final patch");
      if (layers.testPatch?.trim()) {
        await applyPatch(baseDir, layers.testPatch, root, "the test part of the final patch");
        await layer(baseDir, "test part");
      }
      if (layers.referencePatch?.trim()) {
        for (const dir of [baseDir, patchedDir]) await applyReference(dir, layers.referencePatch, repo.baseCommit, root);
      }
      this.logger.debug({ root, patchMethod, repo: maskUrl(repo.repoUrl) }, "workspace ready");
      return { baseDir, patchedDir, patchMethod, dispose };
    } catch (err) {
      await dispose();
      throw err;
    }
  }

  /**
   * The final patch on the raw base; when it does not apply there, on the base with the files it
   * touches redacted by the server's rules in both trees (see redact-base.ts), so a patch whose
   * context held a secret is tested rather than failed.
   */
  private async applyFinalPatch(baseDir: string, patchedDir: string, finalPatch: string, root: string): Promise<PatchMethod> {
    try {
      return await applyPatch(patchedDir, finalPatch, root);
    } catch (err) {
      if (!(err instanceof QaError && err.kind === "patch_failed")) throw err;
      this.redactor ??= new Redactor({ onWarning: (message) => this.logger.warn(message) });
      const redacted = await redactTouchedFiles(this.redactor, [patchedDir, baseDir], finalPatch);
      if (redacted.length === 0) throw err;
      for (const dir of [baseDir, patchedDir]) await layer(dir, "base with secrets redacted");
      const method = await applyPatch(patchedDir, finalPatch, root);
      this.logger.info({ files: redacted }, "the final patch applies to the base with its secrets redacted; both trees run that way");
      return method;
    }
  }

  private async checkout(repo: RepoRef, dir: string): Promise<void> {
    const shown = maskUrl(repo.repoUrl);
    const timeoutMs = this.options.fetchTimeoutMs ?? 300_000;
    const { pinned, source } = await this.allowed(repo.repoUrl, shown);
    // "--" keeps a URL starting with "-" from being read as an option.
    const clone = await runGit([...pinned, "clone", "--quiet", "--no-checkout", "--", source, dir], { timeoutMs }).catch((err: unknown) => {
      throw new QaError("repo_unavailable", `cannot fetch repository ${shown}: ${maskInText(String((err as Error).message), repo.repoUrl)}`);
    });
    if (clone.code !== 0) throw new QaError("repo_unavailable", `cannot fetch repository ${shown}: ${gitFailure(clone.stderr, repo.repoUrl)}`);
    let co = await runGit(["checkout", "--quiet", "--detach", repo.baseCommit, "--"], { cwd: dir });
    if (co.code !== 0) {
      // A commit on no branch head (e.g. a PR ref) may still be fetchable by id.
      await runGit([...pinned, "fetch", "--quiet", "origin", repo.baseCommit], { cwd: dir, timeoutMs });
      co = await runGit(["checkout", "--quiet", "--detach", repo.baseCommit, "--"], { cwd: dir });
    }
    if (co.code !== 0) throw new QaError("repo_unavailable", `base commit ${repo.baseCommit} is not in repository ${shown}: ${co.stderr.trim()}`);
  }

  /**
   * Checks the policy again and returns git options that hold the clone to what was
   * checked: only the target's transport, no HTTP redirect, and an https host pinned to
   * the addresses just resolved (no second DNS answer for git to use).
   */
  private async allowed(url: string, shown: string): Promise<{ pinned: string[]; source: string }> {
    const policy = this.options.policy ?? loopbackRepoPolicy;
    const checked = await checkRepoUrl(url, policy).catch((err: unknown) => {
      if (err instanceof RepoRefused) throw new QaError("repo_unavailable", `repository ${shown} is refused by the repository policy (rule ${err.rule}): ${err.message}`);
      throw err;
    });
    const t = checked.target;
    const only = (proto: string) => ["-c", "protocol.allow=never", "-c", `protocol.${proto}.allow=always`];
    // A local repository is cloned from the real path that was checked, not a symlink that may move.
    if (t.kind === "local") return { pinned: only("file"), source: t.path };
    const base = [...only(t.transport), "-c", "http.followRedirects=false"];
    if (t.transport !== "https" || checked.addresses.length === 0) return { pinned: base, source: url };
    const v6 = (a: string) => (a.includes(":") ? `[${a}]` : a);
    return { pinned: [...base, "-c", `http.curloptResolve=${t.host}:${t.port}:${checked.addresses.map(v6).join(",")}`], source: url };
  }
}

/**
 * git's reason for a failed fetch without anything the remote sent: "remote:" lines (the
 * server's own text) are dropped and only git's fatal line is kept, credentials masked.
 * QA output must not turn the server into a reader of other hosts' replies.
 */
export function gitFailure(stderr: string, url: string): string {
  const lines = stderr.split("\n").map((l) => l.trim()).filter((l) => l !== "" && !/^remote:/i.test(l));
  const fatal = lines.find((l) => l.startsWith("fatal:")) ?? lines[lines.length - 1] ?? "git failed";
  return maskInText(fatal.replace(/^fatal:\s*/, "").slice(0, 300), url);
}

/** Commits what a step applied, so a later step's fallback reset returns to it, not to the base commit. */
async function layer(dir: string, what: string): Promise<void> {
  for (const args of [["add", "-A"], ["-c", "user.name=devtrace-qa", "-c", "user.email=qa@devtrace.invalid", "commit", "--quiet", "--allow-empty", "--no-verify", "-m", what]]) {
    const r = await runGit(args, { cwd: dir });
    if (r.code !== 0) throw new Error(`git ${args.includes("commit") ? "commit" : "add"} failed while layering the ${what}: ${r.stderr.trim()}`);
  }
}

/**
 * SWE-bench's order: the files the reference test_patch touches go back to the base commit
 * (whatever the developer did to them), then the reference applies. The developer cannot
 * tailor the tests the researcher holds.
 */
async function applyReference(dir: string, referencePatch: string, baseCommit: string, scratch: string): Promise<void> {
  for (const { path } of filePatches(referencePatch)) {
    if (path === "") continue;
    const restored = await runGit(["checkout", baseCommit, "--", path], { cwd: dir });
    if (restored.code !== 0) await runGit(["rm", "-f", "--quiet", "--ignore-unmatch", "--", path], { cwd: dir });
  }
  await layer(dir, "reference files reset");
  await applyPatch(dir, referencePatch, scratch, "the task's reference test_patch");
  await layer(dir, "reference test_patch");
}
