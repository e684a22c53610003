import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitWorkspace } from "../../../../server/qa/git-workspace.js";
import { QaError } from "../../../../server/qa/qa-error.js";
import { tempGitRepo, type TempGitRepo } from "../../../helpers/temp-git-repo.js";

const lines = (n: number, change: Record<number, string> = {}) => Array.from({ length: n }, (_, i) => change[i + 1] ?? `line ${i + 1}`).join("\n") + "\n";

describe("GitWorkspace.prepare()", () => {
  let repo: TempGitRepo;
  let tmp: string;
  let v1: string;
  let base: string;
  const workspace = () => new GitWorkspace(pino({ level: "silent" }), { tmpDir: tmp });
  // Made against v1: changes line 5, with context lines 2..8.
  const patchV1 = "diff --git a/f.txt b/f.txt\n--- a/f.txt\n+++ b/f.txt\n@@ -2,7 +2,7 @@\n line 2\n line 3\n line 4\n-line 5\n+LINE FIVE\n line 6\n line 7\n line 8\n";

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), "devtrace-ws-test-"));
    repo = tempGitRepo();
    repo.write("f.txt", lines(12));
    repo.git("add", ".");
    repo.git("commit", "-qm", "v1");
    v1 = repo.git("rev-parse", "HEAD");
    repo.write("f.txt", lines(12, { 3: "line three (edited upstream)" }));
    repo.git("commit", "-qam", "v2");
    base = repo.git("rev-parse", "HEAD");
  });
  afterAll(() => {
    repo[Symbol.dispose]();
    rmSync(tmp, { recursive: true, force: true });
  });

  it("checks out the base commit twice and applies the patch to the second tree only", async () => {
    const trees = await workspace().prepare({ repoUrl: repo.dir, baseCommit: v1 }, patchV1);
    try {
      expect(trees.patchMethod).toBe("git-apply");
      expect(readFileSync(join(trees.baseDir, "f.txt"), "utf8")).toBe(lines(12));
      expect(readFileSync(join(trees.patchedDir, "f.txt"), "utf8")).toBe(lines(12, { 5: "LINE FIVE" }));
    } finally {
      await trees.dispose();
    }
    expect(readdirSync(tmp)).toEqual([]);
  });

  it("falls back on git apply --3way when the context moved but the patch's blob is known", async () => {
    const index = repo.git("rev-parse", `${v1}:f.txt`).slice(0, 7);
    const withIndex = patchV1.replace("--- a/f.txt", `index ${index}..0000000 100644\n--- a/f.txt`);
    const trees = await workspace().prepare({ repoUrl: repo.dir, baseCommit: base }, withIndex);
    try {
      expect(trees.patchMethod).toBe("git-apply-3way");
      expect(readFileSync(join(trees.patchedDir, "f.txt"), "utf8")).toBe(lines(12, { 3: "line three (edited upstream)", 5: "LINE FIVE" }));
    } finally {
      await trees.dispose();
    }
  });

  it("falls back on patch --fuzz when only fuzzy context matches", async () => {
    const trees = await workspace().prepare({ repoUrl: repo.dir, baseCommit: base }, patchV1);
    try {
      expect(trees.patchMethod).toBe("patch-fuzz");
      expect(readFileSync(join(trees.patchedDir, "f.txt"), "utf8")).toContain("LINE FIVE");
    } finally {
      await trees.dispose();
    }
  });

  it("applies a patch whose last line lacks its newline", async () => {
    const trees = await workspace().prepare({ repoUrl: repo.dir, baseCommit: v1 }, patchV1.slice(0, -1));
    expect(trees.patchMethod).toBe("git-apply");
    await trees.dispose();
  });

  it("runs the base tree unchanged for an empty patch", async () => {
    const trees = await workspace().prepare({ repoUrl: repo.dir, baseCommit: v1 }, "  \n");
    expect(trees.patchMethod).toBe("none");
    await trees.dispose();
  });

  it("gives PATCH_FAILED with git's message and leaves nothing on disk", async () => {
    const bad = "diff --git a/f.txt b/f.txt\n--- a/f.txt\n+++ b/f.txt\n@@ -1 +1 @@\n-no such line\n+x\n";
    const err = await workspace().prepare({ repoUrl: repo.dir, baseCommit: v1 }, bad).catch((e: unknown) => e);
    expect((err as QaError).kind).toBe("patch_failed");
    expect((err as Error).message).toContain("error: patch failed: f.txt:1");
    expect(readdirSync(tmp)).toEqual([]);
  });

  it("says when the patch is already in the base commit", async () => {
    const trees = await workspace().prepare({ repoUrl: repo.dir, baseCommit: v1 }, patchV1);
    await trees.dispose();
    const applied = tempGitRepo({ cloneFrom: repo.dir });
    try {
      applied.git("checkout", "-q", v1);
      applied.write("f.txt", lines(12, { 5: "LINE FIVE" }));
      applied.git("commit", "-qam", "fixed already");
      // patch --batch alone would "apply" it by reversing it: the fix would silently vanish.
      const err = await workspace()
        .prepare({ repoUrl: applied.dir, baseCommit: applied.git("rev-parse", "HEAD") }, patchV1)
        .then(async (t) => (await t.dispose(), new Error(`applied with ${t.patchMethod}`)), (e: unknown) => e as Error);
      expect(err.message).toContain("already present in the base commit");
    } finally {
      applied[Symbol.dispose]();
    }
  });

  it("gives REPO_UNAVAILABLE for a commit the repository does not have", async () => {
    const err = await workspace().prepare({ repoUrl: repo.dir, baseCommit: "0123456789abcdef0123456789abcdef01234567" }, patchV1).catch((e: unknown) => e);
    expect((err as QaError).kind).toBe("repo_unavailable");
    expect((err as Error).message).toMatch(/base commit 0123456789abcdef.* is not in repository/);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it("gives REPO_UNAVAILABLE naming a path that is not a repository", async () => {
    const missing = join(tmp, "..", "devtrace-no-such-repo");
    const err = await workspace().prepare({ repoUrl: missing, baseCommit: v1 }, patchV1).catch((e: unknown) => e);
    expect((err as QaError).kind).toBe("repo_unavailable");
    expect((err as Error).message).toContain(missing);
    expect(existsSync(missing)).toBe(false);
    expect(readdirSync(tmp)).toEqual([]);
  });
});
