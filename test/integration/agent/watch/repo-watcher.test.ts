import { execFileSync } from "node:child_process";
import { mkdirSync, renameSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { FileCreated, FileEdit } from "../../../../gen/devtrace/v1/event_pb.js";
import { startRepoWatcher } from "../../../../agent/watch/repo-watcher.js";
import { findTool } from "../../../helpers/infra.js";
import { pollUntil } from "../../../helpers/poll.js";
import { tempGitRepo } from "../../../helpers/temp-git-repo.js";
import { applyWithGit, sha, summarize, watchHarness } from "./watch-harness.js";

const twentyLines = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join("\n") + "\n";

describe("startRepoWatcher()", () => {
  it("takes a snapshot of the files present at start without emitting events for it", async () => {
    await using h = await watchHarness({ "a.txt": "a\n", "src/b.ts": "export const b = 1;\n" });

    expect(h.watcher.stats().filesTracked).toBe(2);
    await h.settle();
    expect(summarize(h.visible())).toEqual([]);
  });

  it("turns a save into one file_edit whose diff git applies onto the old content", async () => {
    await using h = await watchHarness({ "src/app.py": twentyLines });
    const after = twentyLines.replace("line 7\n", "line seven\nline 7.5\n");

    h.repo.write("src/app.py", after);

    const event = await h.waitFor("the edit", (e) => e.kind.case === "fileEdit");
    const edit = event.kind.value as FileEdit;
    expect(edit.path).toBe("src/app.py");
    expect(edit.beforeSha256).toBe(sha(twentyLines));
    expect(edit.afterSha256).toBe(sha(after));
    expect([edit.linesAdded, edit.linesRemoved]).toEqual([2, 1]);
    expect(event.sessionId).toBe("watcher");
    expect(event.seq).toBe(0n);
    expect(event.time).toBeDefined();
    expect(applyWithGit("src/app.py", twentyLines, edit.unifiedDiff)).toBe(after);
    await h.settle();
    expect(summarize(h.visible())).toEqual(["edit src/app.py"]);
  });

  it("coalesces 20 rapid saves into a few edits that chain to the final content", async () => {
    await using h = await watchHarness({ "notes.md": "v0\n" });
    let content = "v0\n";

    for (let i = 1; i <= 20; i++) {
      content += `save ${i}\n`;
      writeFileSync(h.repo.path("notes.md"), content);
      await new Promise((r) => setImmediate(r));
    }

    await h.waitFor("the final content", (e) => e.kind.case === "fileEdit" && e.kind.value.afterSha256 === sha(content));
    await h.settle();
    const edits = h.visible().map((e) => e.kind.value as FileEdit);
    expect(edits.length).toBeGreaterThan(0);
    expect(edits.length).toBeLessThanOrEqual(5);
    let replayed = "v0\n";
    for (const edit of edits) {
      expect(edit.beforeSha256).toBe(sha(replayed));
      replayed = applyWithGit("notes.md", replayed, edit.unifiedDiff);
    }
    expect(replayed).toBe(content);
  });

  it("reports a created file with its content as a diff from /dev/null, and a deletion", async () => {
    await using h = await watchHarness({ "keep.txt": "k\n", "old.txt": "going away\n" });

    h.repo.write("pkg/new.ts", "export {};\n");
    const created = await h.waitFor("the creation", (e) => e.kind.case === "fileCreated");
    h.repo.remove("old.txt");
    await h.waitFor("the deletion", (e) => e.kind.case === "fileDeleted");
    await h.settle();

    const c = created.kind.value as FileCreated;
    expect([c.path, c.sha256, c.sizeBytes]).toEqual(["pkg/new.ts", sha("export {};\n"), 11n]);
    expect(applyWithGit("pkg/new.ts", null, c.unifiedDiff)).toBe("export {};\n");
    expect(summarize(h.visible())).toEqual(["created pkg/new.ts", "deleted old.txt"]);
    const deleted = h.visible()[1].kind;
    expect(deleted.case === "fileDeleted" && deleted.value.beforeSha256).toBe(sha("going away\n"));
  });

  it("reports a moved file as one file_renamed, also for a whole directory", async () => {
    await using h = await watchHarness({ "a.txt": "alpha\n", "src/x.ts": "x\n", "src/y.ts": "y\n" });

    renameSync(h.repo.path("a.txt"), h.repo.path("b.txt"));
    renameSync(h.repo.path("src"), h.repo.path("lib"));
    await h.waitFor("the directory move", (e) => summarize([e])[0] === "renamed src/y.ts -> lib/y.ts");
    await h.settle();

    expect(summarize(h.visible()).sort()).toEqual(["renamed a.txt -> b.txt", "renamed src/x.ts -> lib/x.ts", "renamed src/y.ts -> lib/y.ts"]);
  });

  it("turns an editor's save-by-rename (backup, temp file) into exactly one edit per save", async () => {
    await using h = await watchHarness({ "main.c": "int main() { return 1; }\n" });

    // vim with backupcopy=no: move the original to a backup, write anew, drop the backup.
    renameSync(h.repo.path("main.c"), h.repo.path("main.c~"));
    writeFileSync(h.repo.path("main.c"), "int main() { return 0; }\n");
    unlinkSync(h.repo.path("main.c~"));
    await h.waitFor("the first save", (e) => e.kind.case === "fileEdit");
    // Write-to-temp-then-rename, as atomic-save editors and many tools do.
    writeFileSync(h.repo.path("main.c.tmp.4242"), "int main() { return 2; }\n");
    renameSync(h.repo.path("main.c.tmp.4242"), h.repo.path("main.c"));
    await h.waitFor("the second save", (e) => e.kind.case === "fileEdit" && e.kind.value.afterSha256 === sha("int main() { return 2; }\n"));
    await h.settle();

    expect(summarize(h.visible())).toEqual(["edit main.c", "edit main.c"]);
  });

  it.runIf(findTool("vim") !== undefined)("records a real vim save (swap file, backup) as one edit", async () => {
    await using h = await watchHarness({ "story.txt": "once upon a time\n" });

    execFileSync("vim", ["-u", "NONE", "-i", "NONE", "-N", "-es", "-c", "set backupcopy=no writebackup", "-c", "%s/once/twice/", "-c", "wq", "story.txt"], {
      cwd: h.repo.dir,
      stdio: "ignore",
      timeout: 20_000,
    });
    await h.waitFor("vim's save", (e) => e.kind.case === "fileEdit");
    await h.settle();

    expect(h.repo.read("story.txt")).toBe("twice upon a time\n");
    expect(summarize(h.visible())).toEqual(["edit story.txt"]);
  });

  it("skips .git, gitignored, binary and oversize files, counting each kind", async () => {
    await using h = await watchHarness(
      { ".gitignore": "*.log\nbuild/\nnode_modules/\n", "node_modules/dep/index.js": "x\n", "sub/.gitignore": "*.gen\n" },
      { maxFileBytes: 1000 },
    );
    const ignoredAtStart = h.watcher.stats().skippedIgnored;

    h.repo.write("build/out.js", "compiled\n");
    h.repo.write("debug.log", "noise\n");
    h.repo.write("sub/code.gen", "generated\n");
    h.repo.write("code.gen", "not ignored at the root\n");
    h.repo.write("node_modules/dep/index.js", "changed\n");
    writeFileSync(h.repo.path(".git/devtrace-probe"), "inside .git\n");
    h.repo.write("logo.png", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13]));
    h.repo.write("latin1.txt", Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    h.repo.write("huge.txt", "x".repeat(5000));
    await h.settle();

    expect(ignoredAtStart).toBe(1);
    expect(summarize(h.visible())).toEqual(["created code.gen"]);
    expect(h.watcher.stats()).toMatchObject({ skippedBinary: 2, skippedLarge: 1, skippedIgnored: 4 });
  });

  it("follows .gitignore edits: newly ignored paths go quiet, newly visible ones are snapshotted", async () => {
    await using h = await watchHarness({ ".gitignore": "*.tmp\n", "cache.tmp": "v1\n", "src/a.ts": "a\n" });

    h.repo.write(".gitignore", "src/\n");
    await h.waitFor("the .gitignore edit", (e) => e.kind.case === "fileEdit");
    await h.watcher.flush();
    h.repo.write("src/a.ts", "now ignored\n");
    h.repo.write("cache.tmp", "v2\n");
    await h.waitFor("the edit of the revealed file", (e) => summarize([e])[0] === "edit cache.tmp");
    await h.settle();

    expect(summarize(h.visible())).toEqual(["edit .gitignore", "edit cache.tmp"]);
    const edit = h.visible()[1].kind.value as FileEdit;
    expect(applyWithGit("cache.tmp", "v1\n", edit.unifiedDiff)).toBe("v2\n");
  });

  it("reports each file of a deleted directory", async () => {
    await using h = await watchHarness({ "dir/a.txt": "a\n", "dir/deep/b.txt": "b\n", "other.txt": "o\n" });

    rmSync(h.repo.path("dir"), { recursive: true });
    await h.waitFor("the deletions", (e) => summarize([e])[0] === "deleted dir/deep/b.txt");
    await h.settle();

    expect(summarize(h.visible()).sort()).toEqual(["deleted dir/a.txt", "deleted dir/deep/b.txt"]);
  });

  it("emits nothing after close() and can be closed twice", async () => {
    const h = await watchHarness({ "a.txt": "a\n" });
    try {
      h.repo.write("a.txt", "b\n");
      await h.waitFor("the edit", (e) => e.kind.case === "fileEdit");
      await h.watcher.close();
      const count = h.events.length;
      h.repo.write("a.txt", "c\n");
      mkdirSync(h.repo.path("later"));
      h.repo.write("later/x.txt", "x\n");
      await new Promise((r) => setTimeout(r, 500));

      expect(h.events.length).toBe(count);
      await h.watcher.close();
      expect(h.errors).toEqual([]);
    } finally {
      await h[Symbol.asyncDispose]();
    }
  });

  it("sends an edit whose diff is too large without the diff, keeping hashes, and counts it", async () => {
    await using h = await watchHarness({ "data.csv": "a,b\n" }, { maxDiffBytes: 2000 });
    const big = Array.from({ length: 200 }, (_, i) => `${i},${i * i}`).join("\n") + "\n";

    h.repo.write("data.csv", big);
    const event = await h.waitFor("the edit", (e) => e.kind.case === "fileEdit");

    const edit = event.kind.value as FileEdit;
    expect([edit.unifiedDiff, edit.afterSha256, edit.linesAdded, edit.wholeFile]).toEqual(["", sha(big), 200, true]);
    expect(h.watcher.stats().diffsOmitted).toBe(1);
  });

  it("reports a throwing onEvent to onError and goes on delivering", async () => {
    const repo = tempGitRepo();
    const seen: string[] = [];
    const errors: Error[] = [];
    try {
      await using watcher = await startRepoWatcher({
        root: repo.dir,
        onEvent: (e) => {
          seen.push(summarize([e])[0]);
          if (seen.length === 1) throw new Error("spool full");
        },
        onError: (e) => errors.push(e),
      });
      repo.write("one.txt", "1\n");
      await pollUntil("the first event", () => seen.length === 1);
      repo.write("two.txt", "2\n");
      await pollUntil("the second event", () => seen.length === 2);
      await watcher.flush();

      expect(seen).toEqual(["created one.txt", "created two.txt"]);
      expect(errors.map((e) => e.message)).toEqual(["spool full"]);
    } finally {
      repo[Symbol.dispose]();
    }
  });

  it("rejects a root that does not exist, naming it", async () => {
    await expect(startRepoWatcher({ root: "/nonexistent/devtrace-repo", onEvent: () => {} })).rejects.toThrow(
      "file capture: cannot watch /nonexistent/devtrace-repo",
    );
  });
});
