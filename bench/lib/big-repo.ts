import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** A line-oriented body of about 1.5 KB, different per file and version. */
export function sourceBody(i: number, version: number): string {
  return Array.from({ length: 30 }, (_, l) => `export const value_${i}_${l} = ${version * 1000 + l}; // filler text for line ${l}`).join("\n") + "\n";
}

/** The path of file i inside the repository (100 files per directory). */
export function sourcePath(i: number): string {
  return join(`pkg${Math.floor(i / 100)}`, `f${i}.ts`);
}

/** A git repository of `files` text files, committed once, at `dir`. */
export function buildRepo(dir: string, files: number): void {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < files; i++) {
    if (i % 100 === 0) mkdirSync(join(dir, `pkg${i / 100}`));
    writeFileSync(join(dir, sourcePath(i)), sourceBody(i, 0));
  }
  const env = { ...process.env, GIT_AUTHOR_NAME: "Bench", GIT_AUTHOR_EMAIL: "bench@example.test", GIT_COMMITTER_NAME: "Bench", GIT_COMMITTER_EMAIL: "bench@example.test" };
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, env, stdio: "pipe" });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("-c", "commit.gpgsign=false", "commit", "-qm", "base");
}
