import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { GitignoreRules } from "../../../../agent/watch/gitignore-rules.js";
import { tempGitRepo } from "../../../helpers/temp-git-repo.js";
import type { TempGitRepo } from "../../../helpers/temp-git-repo.js";

/** Paths git itself excludes, asked of `git check-ignore` (the oracle). */
function gitIgnored(repo: TempGitRepo, paths: string[]): Set<string> {
  let out = "";
  try {
    out = execFileSync("git", ["check-ignore", "--no-index", "--stdin", "-z"], {
      cwd: repo.dir,
      input: paths.join("\0"),
      encoding: "utf8",
    });
  } catch (err) {
    // exit 1 means "none of them is ignored"
    if ((err as { status?: number }).status !== 1) throw err;
  }
  return new Set(out.split("\0").filter(Boolean).map((p) => p.replace(/\/$/, "")));
}

function layout(repo: TempGitRepo): void {
  repo.write(".gitignore", ["*.log", "build/", "/top-only", "docs/*.md", "!docs/keep.md", "Cache"].join("\n"));
  repo.write("pkg/.gitignore", ["!important.log", "local/", "*.tmp"].join("\n"));
  repo.write("pkg/deep/.gitignore", "!x.tmp\n");
  repo.write(".git/info/exclude", "secret.txt\n");
  repo.write("build/.gitignore", "!out.js\n");
}

const cases: Array<[path: string, isDir: boolean]> = [
  ["a.log", false],
  ["src/a.log", false],
  ["pkg/important.log", false],
  ["pkg/other.log", false],
  ["build", true],
  ["build/out.js", false],
  ["src/build", true],
  ["src/build/x.js", false],
  ["build", false],
  ["top-only", false],
  ["src/top-only", false],
  ["docs/a.md", false],
  ["docs/keep.md", false],
  ["docs/sub/a.md", false],
  ["pkg/local", true],
  ["pkg/local/f.ts", false],
  ["pkg/x.tmp", false],
  ["pkg/deep/x.tmp", false],
  ["pkg/deep/y.tmp", false],
  ["secret.txt", false],
  ["cache", false],
  ["Cache", true],
  ["src/index.ts", false],
];

describe("GitignoreRules.ignores()", () => {
  it("agrees with git check-ignore on root, nested, negated, anchored and directory-only rules", () => {
    using repo = tempGitRepo();
    layout(repo);
    const rules = new GitignoreRules({ root: repo.dir });
    const oracle = gitIgnored(
      repo,
      cases.map(([p, isDir]) => (isDir ? `${p}/` : p)),
    );

    const ours = cases.filter(([p, isDir]) => rules.ignores(p, isDir)).map(([p]) => p);

    expect(new Set(ours)).toEqual(oracle);
    expect(oracle.size).toBeGreaterThan(8);
  });

  it("applies an `exclude` pattern even when no .gitignore mentions it", () => {
    using repo = tempGitRepo();
    const rules = new GitignoreRules({ root: repo.dir, exclude: [".devtrace/"] });

    expect(rules.ignores(".devtrace", true)).toBe(true);
    expect(rules.ignores(".devtrace/spool/0001.log", false)).toBe(true);
    expect(rules.ignores("src/a.ts", false)).toBe(false);
  });

  it("follows a .gitignore edit once invalidated, and not before", () => {
    using repo = tempGitRepo();
    repo.write("pkg/.gitignore", "*.gen.ts\n");
    const rules = new GitignoreRules({ root: repo.dir });
    expect(rules.ignores("pkg/a.gen.ts", false)).toBe(true);

    repo.write("pkg/.gitignore", "dist/\n");
    expect(rules.ignores("pkg/a.gen.ts", false)).toBe(true);
    rules.invalidate("pkg");

    expect(rules.ignores("pkg/a.gen.ts", false)).toBe(false);
    expect(rules.ignores("pkg/dist", true)).toBe(true);
  });
});
