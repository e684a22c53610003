import { mkdirSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { sha, summarize, watchHarness } from "./watch-harness.js";

const rounds = 50;
const tag = (i: number) => String(i).padStart(3, "0");

describe("RepoWatcher.flush()", () => {
  it("has emitted the edit of a save made just before it, every time (saves of the same size)", async () => {
    await using h = await watchHarness({ "src/app.ts": "v000\n" });

    for (let i = 1; i <= rounds; i++) {
      // Same length every round: only mtime/ctime (coarse) and the bytes tell the saves apart.
      const content = `v${tag(i)}\n`;
      writeFileSync(h.repo.path("src/app.ts"), content);
      await h.watcher.flush();

      const last = h.events.at(-1)?.kind;
      expect(last?.case === "fileEdit" && last.value.path).toBe("src/app.ts");
      expect(last?.case === "fileEdit" && last.value.afterSha256).toBe(sha(content));
    }
    expect(h.errors).toEqual([]);
  });

  it("has emitted a file created just before it, also in a directory created with it", async () => {
    await using h = await watchHarness({ "README.md": "r\n" });

    for (let i = 1; i <= rounds; i++) {
      const path = i % 2 === 0 ? `new-${tag(i)}.txt` : `deep/d${tag(i)}/x/new.txt`;
      h.repo.write(path, `created ${i}\n`);
      await h.watcher.flush();

      expect(summarize(h.events.slice(-1))).toEqual([`created ${path}`]);
    }
    expect(h.events).toHaveLength(rounds);
  });

  it("has emitted a deletion made just before it, without waiting for the rename window", async () => {
    const files = Object.fromEntries(Array.from({ length: rounds }, (_, i) => [`f/${tag(i)}.txt`, `file ${i}\n`]));
    await using h = await watchHarness(files, { renameWindowMs: 60_000 });

    for (let i = 0; i < rounds; i++) {
      unlinkSync(h.repo.path(`f/${tag(i)}.txt`));
      await h.watcher.flush();

      expect(summarize(h.events.slice(-1))).toEqual([`deleted f/${tag(i)}.txt`]);
    }
    expect(h.events).toHaveLength(rounds);
  });

  it("has emitted a rename made just before it as one file_renamed", async () => {
    await using h = await watchHarness({ "old/name.ts": "export const n = 1;\n" });

    mkdirSync(h.repo.path("new"));
    renameSync(h.repo.path("old/name.ts"), h.repo.path("new/name.ts"));
    await h.watcher.flush();

    expect(summarize(h.events)).toEqual(["renamed old/name.ts -> new/name.ts"]);
  });

  it("reads nothing that capture leaves out: ignored paths, .git, editor scratch files", async () => {
    await using h = await watchHarness({ ".gitignore": "dist/\n*.log\n", "a.txt": "a\n" });

    h.repo.write("dist/bundle.js", "out\n");
    h.repo.write("run.log", "noise\n");
    h.repo.write(".a.txt.swp", "swap\n");
    writeFileSync(h.repo.path(".git/devtrace-probe"), "inside .git\n");
    h.repo.write("a.txt", "b\n");
    await h.watcher.flush();

    expect(summarize(h.events)).toEqual(["edit a.txt"]);
  });

  it("emits nothing when nothing changed, however often it is called", async () => {
    await using h = await watchHarness({ "a.txt": "a\n", "b/c.txt": "c\n" });

    for (let i = 0; i < 5; i++) await h.watcher.flush();
    await h.settle();

    expect(summarize(h.visible())).toEqual([]);
  });
});
