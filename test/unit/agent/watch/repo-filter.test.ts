import { describe, expect, it } from "vitest";
import { RepoFilter, directoryKind } from "../../../../agent/watch/repo-filter.js";
import type { EntryKind } from "../../../../agent/watch/repo-filter.js";
import { tempGitRepo } from "../../../helpers/temp-git-repo.js";

const fileKind: EntryKind = { isDirectory: () => false, isSymbolicLink: () => false };
const linkKind: EntryKind = { isDirectory: () => false, isSymbolicLink: () => true };

describe("RepoFilter.excludes()", () => {
  it.each([
    [".git", directoryKind],
    [".git/index", fileKind],
    ["vendor/lib/.git/HEAD", fileKind],
    ["src/.main.c.swp", fileKind],
    ["src/main.c~", fileKind],
    ["src/4913", fileKind],
    ["src/.#main.c", fileKind],
    ["src/#main.c#", fileKind],
    ["src/main.c.___jb_tmp___", fileKind],
    ["docs/link-to-elsewhere", linkKind],
  ])("leaves out %s without counting it as ignored", (rel, kind) => {
    using repo = tempGitRepo();
    const filter = new RepoFilter({ root: repo.dir });

    expect(filter.excludes(rel, kind)).toBe(true);
    expect(filter.ignoredCount).toBe(0);
  });

  it("never excludes the root and keeps ordinary files", () => {
    using repo = tempGitRepo();
    const filter = new RepoFilter({ root: repo.dir });

    expect(filter.excludes("")).toBe(false);
    expect(filter.excludes("src/main.c", fileKind)).toBe(false);
    expect(filter.excludes("src/.gitignore", fileKind)).toBe(false);
  });

  it("counts a path left out by rules once, however often it is asked about", () => {
    using repo = tempGitRepo();
    repo.write(".gitignore", "dist/\n*.log\n");
    const filter = new RepoFilter({ root: repo.dir, exclude: [".devtrace/"] });

    for (let i = 0; i < 3; i++) {
      filter.excludes("dist");
      filter.excludes("dist", directoryKind);
      filter.excludes("a.log", fileKind);
      filter.excludes(".devtrace", directoryKind);
    }

    expect(filter.ignoredCount).toBe(3);
  });
});

describe("RepoFilter.reload()", () => {
  it("returns the paths a .gitignore edit no longer excludes, below that directory only", () => {
    using repo = tempGitRepo();
    repo.write(".gitignore", "*.tmp\n");
    repo.write("pkg/.gitignore", "out/\n");
    const filter = new RepoFilter({ root: repo.dir });
    filter.excludes("a.tmp", fileKind);
    filter.excludes("pkg/out", directoryKind);

    repo.write("pkg/.gitignore", "\n");
    repo.write(".gitignore", "\n");
    expect(filter.reload("pkg")).toEqual(["pkg/out"]);

    expect(filter.ignoredCount).toBe(1);
    expect(filter.reload("")).toEqual(["a.tmp"]);
    expect(filter.excludes("a.tmp", fileKind)).toBe(false);
  });
});
