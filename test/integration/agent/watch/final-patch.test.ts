import { createHash } from "node:crypto";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { finalPatch } from "../../../../agent/watch/final-patch.js";
import { tempGitRepo } from "../../../helpers/temp-git-repo.js";
import type { TempGitRepo } from "../../../helpers/temp-git-repo.js";

/** Every non-ignored file of a working tree (tracked or not) with its content hash. */
function treeOf(repo: TempGitRepo): Record<string, string> {
  const files = repo.git("ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0").filter(Boolean);
  const out: Record<string, string> = {};
  for (const f of files.sort()) {
    try {
      out[f] = createHash("sha256").update(readFileSync(repo.path(f))).digest("hex");
    } catch {
      // listed in the index but deleted from the tree: not part of the tree
    }
  }
  return out;
}

function countObjects(gitDir: string): number {
  const objects = join(gitDir, "objects");
  return readdirSync(objects).filter((d) => /^[0-9a-f]{2}$/.test(d)).reduce((n, d) => n + readdirSync(join(objects, d)).length, 0);
}

function seedRepo(repo: TempGitRepo): string {
  repo.write(".gitignore", "*.log\nbuild/\n");
  repo.write("a.txt", "alpha\nbeta\ngamma\n");
  repo.write("b.txt", "to be deleted\n");
  repo.write("sub/c.txt", "no newline at end");
  repo.write("img.bin", Buffer.from([0, 1, 2, 3, 255, 0, 7]));
  repo.git("add", "-A");
  repo.git("commit", "-q", "-m", "base");
  return repo.git("rev-parse", "HEAD");
}

function applyOntoCloneAt(origin: TempGitRepo, base: string, patch: string): TempGitRepo {
  const clone = tempGitRepo({ cloneFrom: origin.dir });
  clone.git("checkout", "-q", "--detach", base);
  writeFileSync(join(clone.dir, "..", "final.patch"), patch);
  clone.git("apply", "--check", "../final.patch");
  clone.git("apply", "../final.patch");
  return clone;
}

describe("finalPatch()", () => {
  it("reproduces the working tree (edits, deletions, untracked and binary files) on a clone at base", async () => {
    using repo = tempGitRepo();
    const base = seedRepo(repo);
    repo.write("a.txt", "alpha\nBETA\ngamma\ndelta\n");
    repo.remove("b.txt");
    repo.write("sub/c.txt", "no newline at end, still");
    repo.write("new/untracked.txt", "fresh file\n");
    repo.write("img.bin", Buffer.from([0, 9, 9, 9, 255, 0]));
    repo.write("debug.log", "ignored\n");
    repo.write("build/out.js", "ignored too\n");

    const patch = await finalPatch({ root: repo.dir, base });

    expect(patch).toContain("diff --git a/new/untracked.txt b/new/untracked.txt");
    expect(patch).not.toContain("debug.log");
    expect(patch).not.toContain("build/out.js");
    using clone = applyOntoCloneAt(repo, base, patch);
    expect(treeOf(clone)).toEqual(treeOf(repo));
  });

  it("includes commits made since base, not only uncommitted changes", async () => {
    using repo = tempGitRepo();
    const base = seedRepo(repo);
    repo.write("a.txt", "committed change\n");
    repo.git("commit", "-q", "-am", "during the session");
    repo.write("later.txt", "after the commit\n");

    const patch = await finalPatch({ root: repo.dir, base });

    using clone = applyOntoCloneAt(repo, base, patch);
    expect(clone.read("a.txt")).toBe("committed change\n");
    expect(treeOf(clone)).toEqual(treeOf(repo));
  });

  it("leaves the user's index, status and object store as they were", async () => {
    using repo = tempGitRepo();
    const base = seedRepo(repo);
    repo.write("a.txt", "staged version\n");
    repo.git("add", "a.txt");
    repo.write("a.txt", "working version\n");
    repo.write("untracked.txt", "new\n");
    const gitDir = join(repo.dir, ".git");
    const indexBefore = readFileSync(join(gitDir, "index"));
    const statusBefore = repo.git("status", "--porcelain=v1");
    const objectsBefore = countObjects(gitDir);

    const patch = await finalPatch({ root: repo.dir, base });

    expect(patch).toContain("+working version");
    expect(readFileSync(join(gitDir, "index")).equals(indexBefore)).toBe(true);
    expect(repo.git("status", "--porcelain=v1")).toBe(statusBefore);
    expect(countObjects(gitDir)).toBe(objectsBefore);
  });

  it("keeps excluded paths (the agent's own files) out, and works from a subdirectory", async () => {
    using repo = tempGitRepo();
    const base = seedRepo(repo);
    repo.write(".devtrace/state.json", "{}\n");
    repo.write("a.txt", "edited\n");

    const patch = await finalPatch({ root: repo.path("sub"), base, exclude: [".devtrace"] });

    expect(patch).not.toContain(".devtrace");
    expect(patch).toContain("diff --git a/a.txt b/a.txt");
  });

  it("is empty when the tree equals base", async () => {
    using repo = tempGitRepo();
    const base = seedRepo(repo);
    repo.write("ignored.log", "not part of the patch\n");

    expect(await finalPatch({ root: repo.dir, base })).toBe("");
  });

  it("rejects a base that is not a commit of the repository, naming it", async () => {
    using repo = tempGitRepo();
    seedRepo(repo);

    await expect(finalPatch({ root: repo.dir, base: "0123456789abcdef0123456789abcdef01234567" })).rejects.toThrow(
      /base "0123456789abcdef0123456789abcdef01234567" is not a commit/,
    );
  });
});
