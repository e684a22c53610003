import { lstatSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { racyMs, stampNow, stampOf, statSweep } from "../../../../agent/watch/stat-sweep.js";
import type { Stamp } from "../../../../agent/watch/stat-sweep.js";
import { tempGitRepo } from "../../../helpers/temp-git-repo.js";
import type { TempGitRepo } from "../../../helpers/temp-git-repo.js";

/** The stamp of a file as if read `afterMs` after its last change. */
function settledStamp(repo: TempGitRepo, rel: string, afterMs = racyMs): Stamp {
  const stats = lstatSync(repo.path(rel));
  return stampOf(stats, Math.max(stats.mtimeMs, stats.ctimeMs) + afterMs);
}

const skipGit = (rel: string) => rel === ".git";

function sweep(repo: TempGitRepo, known: Map<string, Stamp>, skip: (rel: string, isDir: boolean) => boolean = skipGit) {
  const errors: Error[] = [];
  return statSweep({ root: repo.dir, known, skip, onError: (e) => errors.push(e) }).then((paths) => ({ paths, errors }));
}

describe("statSweep()", () => {
  it("reports new, changed and vanished files, and not the ones read since their last change", async () => {
    using repo = tempGitRepo();
    repo.write("same.txt", "s\n");
    repo.write("dir/edited.txt", "before\n");
    repo.write("gone.txt", "g\n");
    const known = new Map([
      ["same.txt", settledStamp(repo, "same.txt")],
      ["dir/edited.txt", settledStamp(repo, "dir/edited.txt")],
      ["gone.txt", settledStamp(repo, "gone.txt")],
    ]);

    repo.write("dir/edited.txt", "after, longer\n");
    repo.remove("gone.txt");
    repo.write("dir/sub/new.txt", "n\n");

    expect(await sweep(repo, known)).toEqual({ paths: ["dir/edited.txt", "dir/sub/new.txt", "gone.txt"], errors: [] });
  });

  it("reports a file whose stamp was taken too soon after its last change to prove anything", async () => {
    using repo = tempGitRepo();
    repo.write("racy.txt", "r\n");
    repo.write("settled.txt", "s\n");
    const known = new Map([
      ["racy.txt", settledStamp(repo, "racy.txt", racyMs - 1)],
      ["settled.txt", settledStamp(repo, "settled.txt", racyMs)],
    ]);

    expect((await sweep(repo, known)).paths).toEqual(["racy.txt"]);
  });

  it("reports a file replaced by another of the same size (new inode)", async () => {
    using repo = tempGitRepo();
    repo.write("a.txt", "one\n");
    const known = new Map([["a.txt", settledStamp(repo, "a.txt")]]);

    repo.remove("a.txt");
    repo.write("b.tmp", "two\n");
    repo.write("a.txt", "two\n");

    expect((await sweep(repo, known, (rel) => skipGit(rel) || rel.endsWith(".tmp"))).paths).toEqual(["a.txt"]);
  });

  it("neither descends into skipped directories nor follows symlinks", async () => {
    using repo = tempGitRepo();
    repo.write("build/out.js", "x\n");
    repo.write("src/a.ts", "a\n");
    mkdirSync(repo.path("elsewhere"));
    writeFileSync(repo.path("elsewhere/secret.txt"), "s\n");
    symlinkSync(repo.path("elsewhere"), repo.path("src/link"));
    symlinkSync(repo.path("src/a.ts"), repo.path("a-link.ts"));
    const seen: string[] = [];
    const skip = (rel: string) => {
      seen.push(rel);
      return rel === ".git" || rel === "build" || rel === "elsewhere";
    };

    const { paths } = await sweep(repo, new Map(), skip);

    expect(paths).toEqual(["src/a.ts"]);
    expect(seen.filter((p) => p.startsWith(".git/") || p.startsWith("build/"))).toEqual([]);
  });
});

describe("stampNow()", () => {
  it("stamps a regular file and nothing else", async () => {
    using repo = tempGitRepo();
    repo.write("f.txt", "f\n");
    mkdirSync(repo.path("d"));

    expect(await stampNow(repo.path("f.txt"))).toMatchObject({ size: 2, ino: lstatSync(repo.path("f.txt")).ino });
    expect(await stampNow(repo.path("d"))).toBeUndefined();
    expect(await stampNow(repo.path("missing.txt"))).toBeUndefined();
  });
});
