import { readdir, realpath } from "node:fs/promises";
import type { Stats } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { watch } from "chokidar";
import type { FSWatcher } from "chokidar";
import { pino } from "pino";
import type { Logger } from "pino";
import type { Event } from "../../gen/devtrace/v1/event_pb.js";
import { readCommit } from "./read-commit.js";
import { classifyReflog, isNullSha, parseReflogLine } from "./reflog-line.js";
import type { ReflogEntry } from "./reflog-line.js";
import { ReflogTail } from "./reflog-tail.js";
import { runGit } from "./run-git.js";
import { defaultWatchSessionId, watchEvent } from "./watch-event.js";

/** Options of startGitWatcher(). */
export interface GitWatcherOptions {
  /** Root of the repository's working tree (worktrees and submodules included). */
  root: string;
  /** Receives every event, in order, without seq (the agent assigns it). */
  onEvent: (event: Event) => void;
  /** Receives failures; default: logged. */
  onError?: (err: Error) => void;
  /** Parent logger; default silent. */
  logger?: Logger;
  /** session_id of the events; default "watcher". */
  sessionId?: string;
}

/** Counts of the git events emitted so far. */
export interface GitWatcherStats {
  commits: number;
  branchSwitches: number;
  pushes: number;
}

/** A running capture of one repository's commits, branch switches and pushes. */
export interface GitWatcher extends AsyncDisposable {
  stats(): GitWatcherStats;
  /** Resolves once every reflog change seen so far has been turned into events. */
  flush(): Promise<void>;
  /** Stops watching; idempotent. */
  close(): Promise<void>;
}

/** Delay of the second read after a reflog change; beyond chokidar's 50 ms change throttle. */
const trailingReadMs = 75;

/**
 * Watches the reflogs git appends to on every HEAD move (logs/HEAD) and remote-tracking update
 * (logs/refs/remotes/…): commit_made, branch_switched and push_remote, each exactly once since
 * every reflog line is read once. Needs core.logAllRefUpdates (git's default in a work tree).
 * A push to a URL with no remote-tracking ref leaves no trace and is not reported.
 */
export async function startGitWatcher(options: GitWatcherOptions): Promise<GitWatcher> {
  const watcher = new ReflogGitWatcher(options);
  try {
    await watcher.start();
  } catch (err) {
    await watcher.close();
    throw new Error(`git capture: cannot watch ${options.root}`, { cause: err });
  }
  return watcher;
}

class ReflogGitWatcher implements GitWatcher {
  private readonly log: Logger;
  private readonly tail = new ReflogTail();
  private readonly counts: GitWatcherStats = { commits: 0, branchSwitches: 0, pushes: 0 };
  private root = "";
  private headLog = "";
  private remotesLogs = "";
  private branch = "";
  private queue: Promise<void> = Promise.resolve();
  private readonly trailing = new Map<string, NodeJS.Timeout>();
  private fsw: FSWatcher | undefined;
  private closed = false;

  constructor(private readonly options: GitWatcherOptions) {
    this.log = (options.logger ?? pino({ level: "silent" })).child({ component: "git-watcher" });
  }

  async start(): Promise<void> {
    this.root = await realpath(resolve(this.options.root));
    const git = async (...args: string[]) => (await runGit(args, { cwd: this.root })).stdout.trim();
    const gitDir = await realpath(await git("rev-parse", "--absolute-git-dir"));
    const commonDir = await realpath(resolve(this.root, await git("rev-parse", "--git-common-dir")));
    this.headLog = join(gitDir, "logs", "HEAD");
    this.remotesLogs = join(commonDir, "logs", "refs", "remotes");
    this.branch = (await runGit(["symbolic-ref", "-q", "--short", "HEAD"], { cwd: this.root, okCodes: [1] })).stdout.trim();
    if ((await runGit(["config", "--get", "core.logAllRefUpdates"], { cwd: this.root, okCodes: [1] })).stdout.trim() === "false") {
      this.log.warn({ root: this.root }, "core.logAllRefUpdates is false: commits and pushes cannot be seen");
    }
    await this.tail.skipToEnd(this.headLog);
    for (const file of await filesUnder(this.remotesLogs)) await this.tail.skipToEnd(file);
    const roots = [...new Set([gitDir, commonDir])];
    const fsw = watch(roots, {
      ignored: (path: string, stats?: Stats) => !roots.some((r) => this.wanted(relative(r, path), stats)),
      ignoreInitial: true,
      followSymlinks: false,
      atomic: false,
    });
    this.fsw = fsw;
    fsw.on("all", (event, path) => this.onFsEvent(event, path));
    fsw.on("error", (err) => this.report(err));
    await new Promise<void>((res) => fsw.once("ready", res));
    this.log.info({ root: this.root, branch: this.branch }, "watching git");
  }

  stats(): GitWatcherStats {
    return { ...this.counts };
  }

  async flush(): Promise<void> {
    for (const [path, timer] of this.trailing) {
      clearTimeout(timer);
      this.trailing.delete(path);
      this.enqueueRead(path);
    }
    await this.queue;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.fsw?.close();
    for (const timer of this.trailing.values()) clearTimeout(timer);
    this.trailing.clear();
    await this.queue;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Only logs/HEAD and logs/refs/remotes/** (and the directories leading to them) are watched. */
  private wanted(rel: string, stats?: Stats): boolean {
    const p = sep === "/" ? rel : rel.split(sep).join("/");
    if (p === "" || p === "logs" || p === "logs/refs" || p === "logs/refs/remotes") return true;
    if (p === "logs/HEAD") return !stats?.isDirectory();
    return p.startsWith("logs/refs/remotes/");
  }

  private onFsEvent(event: string, path: string): void {
    if (this.closed || (event !== "add" && event !== "change" && event !== "unlink")) return;
    if (event === "unlink") {
      this.tail.forget(path);
      return;
    }
    if (path !== this.headLog && !path.startsWith(this.remotesLogs + sep)) return;
    this.enqueueRead(path);
    // chokidar drops a file's change events for 50 ms after one it reports, so an append in
    // that window (git commands run back to back) is only seen by reading again after it.
    clearTimeout(this.trailing.get(path));
    this.trailing.set(
      path,
      setTimeout(() => {
        this.trailing.delete(path);
        this.enqueueRead(path);
      }, trailingReadMs),
    );
  }

  private enqueueRead(path: string): void {
    this.queue = this.queue
      .then(async () => {
        for (const line of await this.tail.newLines(path)) {
          const entry = parseReflogLine(line);
          if (!entry) continue;
          if (path === this.headLog) await this.onHeadEntry(entry);
          else await this.onRemoteEntry(relative(this.remotesLogs, path).split(sep).join("/"), entry);
        }
      })
      .catch((err) => this.report(err));
  }

  private async onHeadEntry(entry: ReflogEntry): Promise<void> {
    const action = classifyReflog(entry.message);
    if (action.kind === "commit") {
      const branch = await this.branchOf(entry.newSha);
      const commit = await readCommit(this.root, entry.newSha);
      const value = { sha: entry.newSha, message: commit.message, branch, parentShas: commit.parents };
      this.counts.commits++;
      this.emit({ case: "commitMade", value });
    } else if (action.kind === "checkout") {
      this.branch = (await this.isBranch(action.to)) ? action.to : "";
      if (action.from === action.to) return;
      this.counts.branchSwitches++;
      this.emit({ case: "branchSwitched", value: { fromBranch: action.from, toBranch: action.to, headSha: entry.newSha } });
    } else if (action.kind === "branch") {
      this.branch = action.branch;
    }
  }

  private async onRemoteEntry(ref: string, entry: ReflogEntry): Promise<void> {
    if (classifyReflog(entry.message).kind !== "push" || isNullSha(entry.newSha)) return;
    const remotes = (await runGit(["remote"], { cwd: this.root })).stdout.split("\n").filter(Boolean);
    // Remote names may hold "/", so the longest remote that prefixes the ref wins.
    const remote = remotes.filter((r) => ref.startsWith(`${r}/`)).sort((a, b) => b.length - a.length)[0] ?? ref.split("/")[0];
    this.counts.pushes++;
    this.emit({ case: "pushRemote", value: { remote, branch: ref.slice(remote.length + 1), headSha: entry.newSha } });
  }

  /**
   * The branch a new commit was made on. The branch HEAD was on, as the reflog tells it, unless
   * that branch does not point at the commit (e.g. a first commit after `checkout -b` on an
   * unborn branch, which leaves no reflog line) and exactly one other branch does.
   */
  private async branchOf(sha: string): Promise<string> {
    const out = await runGit(["for-each-ref", "--points-at", sha, "--format=%(refname:short)", "refs/heads/"], { cwd: this.root });
    const pointing = out.stdout.split("\n").filter(Boolean);
    if (pointing.includes(this.branch) || pointing.length !== 1) return this.branch;
    this.branch = pointing[0];
    return this.branch;
  }

  private async isBranch(name: string): Promise<boolean> {
    const out = await runGit(["show-ref", "--verify", "--quiet", `refs/heads/${name}`], { cwd: this.root, okCodes: [1] });
    return out.code === 0;
  }

  private emit(kind: Parameters<typeof watchEvent>[1]): void {
    try {
      this.options.onEvent(watchEvent(this.options.sessionId ?? defaultWatchSessionId, kind));
    } catch (err) {
      this.report(err);
    }
  }

  private report(err: unknown): void {
    const error = err instanceof Error ? err : new Error(String(err));
    if (this.options.onError) this.options.onError(error);
    else this.log.error({ err: error }, "git capture failed");
  }
}

/** Files below a directory, recursively; [] when it does not exist. */
async function filesUnder(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath ?? e.path, e.name));
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new Error(`git capture: cannot list ${dir}`, { cause });
  }
}
