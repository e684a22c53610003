import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redactor } from "../../../../redact/index.js";
import { GitWorkspace } from "../../../../server/qa/git-workspace.js";
import { redactTouchedFiles } from "../../../../server/qa/redact-base.js";
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

  describe("a base commit that holds a secret", () => {
    // Fake, but shaped so the rules take it (an AWS secret key assigned to a secret-looking name).
    const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    const settings = (key: string) => `import os\n\nREGION = "eu-west-1"\nAWS_SECRET_ACCESS_KEY = "${key}"\nTIMEOUT = 30\n`;
    const redactor = new Redactor();
    let leaky: TempGitRepo;
    let leakyBase: string;
    let patch: string;

    beforeAll(async () => {
      leaky = tempGitRepo();
      leaky.write("settings.py", settings(secret));
      leaky.write("tests/test_settings.py", "def test_timeout():\n    assert True\n");
      leaky.git("add", ".");
      leaky.git("commit", "-qm", "base with a committed key");
      leakyBase = leaky.git("rev-parse", "HEAD");
      // The developer's fix reads the key from the environment; the patch removes the secret's line.
      leaky.write("settings.py", settings(secret).replace(`AWS_SECRET_ACCESS_KEY = "${secret}"`, 'AWS_SECRET_ACCESS_KEY = os.environ["AWS_SECRET_ACCESS_KEY"]'));
      const raw = leaky.git("diff");
      leaky.git("checkout", "-q", "--", ".");
      // What reaches QA: the patch as the server stores it.
      patch = await redactor.redact(`${raw}\n`, { diff: true });
      expect(patch).not.toContain(secret);
    });
    afterAll(() => leaky[Symbol.dispose]());

    it("applies the redacted patch to the base with the same rules applied, in both trees", async () => {
      const trees = await workspace().prepare({ repoUrl: leaky.dir, baseCommit: leakyBase }, patch);
      try {
        expect(trees.patchMethod).toBe("git-apply");
        expect(readFileSync(join(trees.patchedDir, "settings.py"), "utf8")).toContain('AWS_SECRET_ACCESS_KEY = os.environ["AWS_SECRET_ACCESS_KEY"]');
        const base = readFileSync(join(trees.baseDir, "settings.py"), "utf8");
        expect(base).not.toContain(secret);
        expect(base).toMatch(/^AWS_SECRET_ACCESS_KEY = "\[REDACTED:[a-z-]+\]"$/m);
        // Only the lines with a secret changed; the rest of the base is as committed.
        expect(base.replace(/"\[REDACTED:[a-z-]+\]"/, `"${secret}"`)).toBe(settings(secret));
        // Files the patch does not touch are not redacted.
        expect(readFileSync(join(trees.baseDir, "tests/test_settings.py"), "utf8")).toBe("def test_timeout():\n    assert True\n");
      } finally {
        await trees.dispose();
      }
      expect(readdirSync(tmp)).toEqual([]);
    });

    it("still gives PATCH_FAILED when redacting the base does not make the patch apply", async () => {
      const wrong = patch.replace('-AWS_SECRET_ACCESS_KEY = "', '-AWS_SECRET_ACCESS_KEYS = "');
      expect(wrong).not.toBe(patch);
      const err = await workspace().prepare({ repoUrl: leaky.dir, baseCommit: leakyBase }, wrong).catch((e: unknown) => e);
      expect((err as QaError).kind).toBe("patch_failed");
    });

    it("reads only files git tracks, never through a symlink or out of the tree", async () => {
      const outside = mkdtempSync(join(tmpdir(), "devtrace-outside-"));
      const tree = tempGitRepo();
      try {
        writeFileSync(join(outside, "keys.py"), settings(secret));
        symlinkSync(join(outside, "keys.py"), join(tree.dir, "linked.py"));
        tree.write("plain.py", settings(secret));
        tree.git("add", ".");
        tree.git("commit", "-qm", "a link and a file");
        const touching = ["linked.py", "plain.py", "../outside/keys.py", `${outside}/keys.py`]
          .map((p) => `diff --git a/${p} b/${p}\n--- a/${p}\n+++ b/${p}\n@@ -1 +1 @@\n-import os\n+import sys\n`)
          .join("");
        expect(await redactTouchedFiles(redactor, [tree.dir], touching)).toEqual(["plain.py"]);
        expect(readFileSync(join(outside, "keys.py"), "utf8")).toBe(settings(secret));
        expect(tree.read("plain.py")).not.toContain(secret);
      } finally {
        tree[Symbol.dispose]();
        rmSync(outside, { recursive: true, force: true });
      }
    });
  });
});
