import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { changedLines, textDiff } from "../../../../agent/watch/unified-diff.js";
import { tempGitRepo } from "../../../helpers/temp-git-repo.js";
import type { TempGitRepo } from "../../../helpers/temp-git-repo.js";

/** Writes `before` (unless the file is new), applies the diff with git, returns what git wrote. */
function gitApply(repo: TempGitRepo, path: string, before: string | null, diff: string): string {
  if (before !== null) repo.write(path, before);
  const patchFile = repo.path("../change.patch");
  writeFileSync(patchFile, diff);
  execFileSync("git", ["apply", "--check", patchFile], { cwd: repo.dir, stdio: "pipe" });
  execFileSync("git", ["apply", patchFile], { cwd: repo.dir, stdio: "pipe" });
  return readFileSync(repo.path(path), "utf8");
}

const lines = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag} line ${i + 1}`).join("\n") + "\n";

const edits: Array<[name: string, before: string, after: string, added: number, removed: number]> = [
  ["a line changed in the middle", lines(20, "x"), lines(20, "x").replace("x line 10\n", "changed\n"), 1, 1],
  ["lines appended without a final newline", "a\nb\n", "a\nb\nc\nd", 2, 0],
  ["the final newline removed", "a\nb\n", "a\nb", 1, 1],
  ["CRLF line endings kept", "one\r\ntwo\r\n", "one\r\nTWO\r\nthree\r\n", 2, 1],
  ["a byte-order mark kept", "\uFEFFhead\nbody\n", "\uFEFFhead\nbody 2\n", 1, 1],
  ["everything deleted", "a\nb\n", "", 0, 2],
  ["non-ASCII text", "naïve café\n", "naïve café ☕\nüber\n", 2, 1],
  ["two distant hunks", lines(40, "y"), lines(40, "y").replace("y line 2\n", "two\n").replace("y line 38\n", "38!\n"), 2, 2],
];

describe("textDiff()", () => {
  it.each(edits)("yields a diff git applies: %s", (_name, before, after, added, removed) => {
    using repo = tempGitRepo();
    const d = textDiff("dir/file name.txt", before, after);

    expect(gitApply(repo, "dir/file name.txt", before, d.diff)).toBe(after);
    expect([d.linesAdded, d.linesRemoved]).toEqual([added, removed]);
  });

  it("creates a new file from /dev/null with its mode", () => {
    using repo = tempGitRepo();
    const d = textDiff("bin/run.sh", null, "#!/bin/sh\necho hi\n", { mode: "100755" });

    expect(d.diff).toMatch(/^diff --git a\/bin\/run\.sh b\/bin\/run\.sh\nnew file mode 100755\n--- \/dev\/null\n\+\+\+ b\/bin\/run\.sh\n/);
    expect(gitApply(repo, "bin/run.sh", null, d.diff)).toBe("#!/bin/sh\necho hi\n");
    expect(d.linesAdded).toBe(2);
  });

  it("creates an empty file with a header-only diff", () => {
    using repo = tempGitRepo();
    const d = textDiff("empty.txt", null, "");

    gitApply(repo, "empty.txt", null, d.diff);
    expect(existsSync(repo.path("empty.txt"))).toBe(true);
    expect(d.linesAdded).toBe(0);
  });

  it("falls back to one whole-file hunk that still applies when the line diff runs out of time", () => {
    using repo = tempGitRepo();
    const before = lines(20_000, "old");
    const after = lines(20_000, "new") + "tail without newline";

    const d = textDiff("big.txt", before, after, { timeoutMs: 1 });

    expect(d.diff.match(/^@@ /gm)).toHaveLength(1);
    expect([d.linesAdded, d.linesRemoved]).toEqual([20_001, 20_000]);
    expect(gitApply(repo, "big.txt", before, d.diff)).toBe(after);
  });
});

describe("textDiff() past its time budget", () => {
  const base = Array.from({ length: 10_000 }, (_, i) => `line ${i} of a large module`);
  // 4 000 lines changed, spread over the file: far too many for a 1 ms line diff.
  const after = base.map((l, i) => (i % 5 < 2 ? `${l} (edited)` : l));
  const before = `${base.join("\n")}\n`;
  const next = `${after.join("\n")}\n`;

  it("writes the whole file as replaced, flags it, and counts the lines that really changed", () => {
    using repo = tempGitRepo();
    const d = textDiff("big.py", before, next, { timeoutMs: 1 });
    expect(d.wholeFile).toBe(true);
    expect([d.linesAdded, d.linesRemoved]).toEqual([4000, 4000]);
    expect(gitApply(repo, "big.py", before, d.diff)).toBe(next);
  });

  it("keeps the exact diff and counts when the budget suffices", () => {
    const d = textDiff("big.py", before, before.replace("line 5000 of", "line 5000 (fixed) of"), { timeoutMs: 10_000 });
    expect(d.wholeFile).toBe(false);
    expect([d.linesAdded, d.linesRemoved]).toEqual([1, 1]);
  });
});

describe("changedLines()", () => {
  it.each([
    ["", "a\n", 1, 0],
    ["a\nb\n", "a\nb", 1, 1],
    ["a\na\nb\n", "a\nb\nb\n", 1, 1],
    ["x\ny\n", "y\nx\n", 0, 0],
  ])("counts %j → %j as +%i −%i", (before, after, added, removed) => {
    expect(changedLines(before, after)).toEqual({ linesAdded: added, linesRemoved: removed });
  });
});
