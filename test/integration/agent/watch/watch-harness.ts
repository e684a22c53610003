import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import type { Event } from "../../../../gen/devtrace/v1/event_pb.js";
import { startRepoWatcher } from "../../../../agent/watch/repo-watcher.js";
import type { RepoWatcher, RepoWatcherOptions } from "../../../../agent/watch/repo-watcher.js";
import { pollUntil } from "../../../helpers/poll.js";
import { tempGitRepo } from "../../../helpers/temp-git-repo.js";
import type { TempGitRepo } from "../../../helpers/temp-git-repo.js";

/** A temp repo, a running repo watcher on it, and the events it emitted. */
export interface WatchHarness extends AsyncDisposable {
  repo: TempGitRepo;
  watcher: RepoWatcher;
  events: Event[];
  errors: Error[];
  /** Waits until an event satisfies `match`; returns it. */
  waitFor(what: string, match: (e: Event) => boolean): Promise<Event>;
  /** Writes a sentinel file, waits for its event, flushes: everything earlier has been seen. */
  settle(): Promise<void>;
  /** Events minus the sentinel files' own. */
  visible(): Event[];
}

/** One-line summaries of events, for readable assertions. */
export function summarize(events: Event[]): string[] {
  return events.map((e) => {
    const k = e.kind;
    switch (k.case) {
      case "fileEdit":
        return `edit ${k.value.path}`;
      case "fileCreated":
        return `created ${k.value.path}`;
      case "fileDeleted":
        return `deleted ${k.value.path}`;
      case "fileRenamed":
        return `renamed ${k.value.oldPath} -> ${k.value.newPath}`;
      default:
        return String(k.case);
    }
  });
}

/** sha256 hex of a string's UTF-8 bytes. */
export const sha = (s: string | Buffer) => createHash("sha256").update(s).digest("hex");

/** Applies a diff with `git apply` in a scratch repo holding `before` at `path`; returns the result. */
export function applyWithGit(path: string, before: string | null, diff: string): string {
  using scratch = tempGitRepo();
  if (before !== null) scratch.write(path, before);
  writeFileSync(scratch.path("../p.diff"), diff);
  execFileSync("git", ["apply", "../p.diff"], { cwd: scratch.dir, stdio: "pipe" });
  return scratch.read(path);
}

let sentinels = 0;

/** Seeds a repo with `files`, commits them, starts a watcher on it. */
export async function watchHarness(
  files: Record<string, string | Buffer> = {},
  options: Partial<RepoWatcherOptions> = {},
): Promise<WatchHarness> {
  const repo = tempGitRepo();
  for (const [p, c] of Object.entries(files)) repo.write(p, c);
  if (Object.keys(files).length > 0) {
    repo.git("add", "-A", "-f");
    repo.git("commit", "-q", "-m", "seed");
  }
  const events: Event[] = [];
  const errors: Error[] = [];
  let watcher: RepoWatcher;
  try {
    watcher = await startRepoWatcher({ root: repo.dir, onEvent: (e) => events.push(e), onError: (e) => errors.push(e), ...options });
  } catch (err) {
    repo[Symbol.dispose]();
    throw err;
  }
  const describe = () => JSON.stringify(summarize(events));
  const waitFor = (what: string, match: (e: Event) => boolean) =>
    pollUntil(what, () => events.find(match), { describe });
  const isSentinel = (e: Event) => summarize([e])[0].includes("zz-sentinel-");
  return {
    repo,
    watcher,
    events,
    errors,
    waitFor,
    async settle() {
      const name = `zz-sentinel-${++sentinels}.txt`;
      repo.write(name, "sentinel\n");
      await waitFor(`the sentinel ${name}`, (e) => summarize([e])[0] === `created ${name}`);
      await watcher.flush();
    },
    visible: () => events.filter((e) => !isSentinel(e)),
    async [Symbol.asyncDispose]() {
      try {
        await watcher.close();
      } finally {
        repo[Symbol.dispose]();
      }
    },
  };
}
