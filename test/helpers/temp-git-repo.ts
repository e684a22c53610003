import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** A throw-away git repository on disk, removed on dispose. */
export interface TempGitRepo extends Disposable {
  /** Absolute, symlink-free path of the working tree. */
  readonly dir: string;
  /** Runs git in the repository and returns its trimmed stdout; throws on failure. */
  git(...args: string[]): string;
  /** Writes a file (creating parent directories) relative to the root. */
  write(rel: string, content: string | Buffer): void;
  /** Reads a file relative to the root as UTF-8. */
  read(rel: string): string;
  /** Deletes a file relative to the root. */
  remove(rel: string): void;
  /** Absolute path of a file relative to the root. */
  path(rel: string): string;
}

/** Runs git in `cwd` with a fixed identity, returning trimmed stdout. */
export function gitIn(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "Dev Tester",
      GIT_AUTHOR_EMAIL: "dev@example.test",
      GIT_COMMITTER_NAME: "Dev Tester",
      GIT_COMMITTER_EMAIL: "dev@example.test",
      GIT_CONFIG_NOSYSTEM: "1",
    },
  }).trim();
}

/** Creates an empty repository on branch main, or a clone of `cloneFrom` when given. */
export function tempGitRepo(options: { cloneFrom?: string; bare?: boolean } = {}): TempGitRepo {
  const parent = realpathSync(mkdtempSync(join(tmpdir(), "devtrace-repo-")));
  const dir = join(parent, "repo");
  if (options.cloneFrom) gitIn(parent, "clone", "-q", options.cloneFrom, dir);
  else {
    mkdirSync(dir);
    gitIn(dir, "init", "-q", "-b", "main", ...(options.bare ? ["--bare"] : []));
  }
  if (!options.bare) gitIn(dir, "config", "commit.gpgsign", "false");
  return {
    dir,
    git: (...args) => gitIn(dir, ...args),
    write(rel, content) {
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      writeFileSync(join(dir, rel), content);
    },
    read: (rel) => readFileSync(join(dir, rel), "utf8"),
    remove: (rel) => unlinkSync(join(dir, rel)),
    path: (rel) => join(dir, rel),
    [Symbol.dispose]() {
      rmSync(parent, { recursive: true, force: true });
    },
  };
}
