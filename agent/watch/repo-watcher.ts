import { realpathSync, statSync } from "node:fs";
import type { Stats } from "node:fs";
import { relative, resolve, sep } from "node:path";
import { basename, dirname } from "node:path/posix";
import { watch } from "chokidar";
import type { FSWatcher } from "chokidar";
import { pino } from "pino";
import type { Logger } from "pino";
import type { Event } from "../../gen/devtrace/v1/event_pb.js";
import { changeEvent } from "./change-event.js";
import { isEditorScratch } from "./editor-scratch.js";
import { FileLedger } from "./file-ledger.js";
import type { LedgerChange } from "./file-ledger.js";
import { GitignoreRules } from "./gitignore-rules.js";
import { mapLimit } from "./map-limit.js";
import { QuietBatcher } from "./quiet-batcher.js";
import { readFileState } from "./read-file-state.js";
import type { FileState } from "./read-file-state.js";
import { revealedFiles } from "./revealed-files.js";
import { defaultWatchSessionId } from "./watch-event.js";

/** Options of startRepoWatcher(). */
export interface RepoWatcherOptions {
  /** Root of the repository's working tree. */
  root: string;
  /** Receives every event, in order, without seq (the agent assigns it). */
  onEvent: (event: Event) => void;
  /** Receives failures (unreadable file, watcher error, onEvent throwing); default: logged. */
  onError?: (err: Error) => void;
  /** Parent logger; default silent. */
  logger?: Logger;
  /** session_id of the events; default "watcher". */
  sessionId?: string;
  /** Files larger than this (bytes) are skipped and counted; default 1 MiB. */
  maxFileBytes?: number;
  /** A path's changes are read once it has been quiet this long (ms); default 120, at least 60. */
  quietMs?: number;
  /** …or at the latest this long (ms) after its first change; default 1000. */
  maxWaitMs?: number;
  /** A delete and a create of the same content this close (ms) make a rename; default 300. */
  renameWindowMs?: number;
  /** Diffs larger than this (bytes) are left out of their event; default 768 KiB. */
  maxDiffBytes?: number;
  /** Time budget of one line diff (ms); default 2000. */
  diffTimeoutMs?: number;
  /** Extra patterns (.gitignore syntax) never captured, e.g. the agent's own files; default none. */
  exclude?: readonly string[];
}

/** Counters a user can check to see what capture left out. */
export interface RepoWatcherStats {
  /** Text files whose content capture holds (the snapshot diffs are made against). */
  filesTracked: number;
  eventsEmitted: number;
  /** Distinct paths found binary (NUL byte or not UTF-8) and left out. */
  skippedBinary: number;
  /** Distinct paths over maxFileBytes and left out. */
  skippedLarge: number;
  /** Paths (a whole ignored directory counts once) left out by .gitignore rules or `exclude`. */
  skippedIgnored: number;
  /** Events sent without their diff because it exceeded maxDiffBytes. */
  diffsOmitted: number;
}

/** A running capture of one working tree's files. */
export interface RepoWatcher extends AsyncDisposable {
  /** Counters so far. */
  stats(): RepoWatcherStats;
  /** Reads every path changed so far and emits its events now, held deletions included. */
  flush(): Promise<void>;
  /** Flushes, then stops watching; idempotent. */
  close(): Promise<void>;
}

/** Chokidar's own change throttle is 50 ms: a quiet period shorter than that could miss a save. */
const minQuietMs = 60;
/** Unstable reads (file changed while read) retried before the bytes are taken as they are. */
const stableTries = 5;

/**
 * Watches a repository's working tree and emits file_edit / file_created / file_deleted /
 * file_renamed events. Resolves once the initial snapshot is taken; the snapshot itself emits
 * nothing.
 */
export async function startRepoWatcher(options: RepoWatcherOptions): Promise<RepoWatcher> {
  const watcher = new ChokidarRepoWatcher(options);
  try {
    await watcher.start();
  } catch (err) {
    await watcher.close();
    throw err;
  }
  return watcher;
}

class ChokidarRepoWatcher implements RepoWatcher {
  private readonly root: string;
  private readonly log: Logger;
  private readonly rules: GitignoreRules;
  private readonly ledger: FileLedger;
  private readonly batcher: QuietBatcher;
  private readonly ignored = new Map<string, boolean>();
  private readonly tries = new Map<string, number>();
  private fsw: FSWatcher | undefined;
  private initial: Set<string> | undefined = new Set();
  private seeded: Promise<void> = new Promise(() => {});
  private background: Promise<void> = Promise.resolve();
  private deleteTimer: NodeJS.Timeout | undefined;
  private eventsEmitted = 0;
  private diffsOmitted = 0;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: RepoWatcherOptions) {
    this.root = realRoot(options.root);
    this.log = (options.logger ?? pino({ level: "silent" })).child({ component: "repo-watcher" });
    this.rules = new GitignoreRules({ root: this.root, exclude: options.exclude });
    this.ledger = new FileLedger(options.renameWindowMs ?? 300);
    this.batcher = new QuietBatcher({
      quietMs: Math.max(minQuietMs, options.quietMs ?? 120),
      maxWaitMs: options.maxWaitMs ?? 1000,
      run: (paths) => this.processBatch(paths),
      onError: (err) => this.report(err),
    });
  }

  async start(): Promise<void> {
    const started = Date.now();
    let seededDone!: () => void;
    this.seeded = new Promise((res) => (seededDone = res));
    const fsw = watch(this.root, {
      ignored: (path: string, stats?: Stats) => this.filter(path, stats),
      ignoreInitial: false,
      followSymlinks: false,
      atomic: false,
      ignorePermissionErrors: true,
    });
    this.fsw = fsw;
    fsw.on("all", (event, path) => this.onFsEvent(event, path));
    fsw.on("error", (err) => this.report(err));
    await new Promise<void>((res) => fsw.once("ready", res));
    const paths = [...(this.initial ?? [])].sort();
    this.initial = undefined;
    try {
      await mapLimit(paths, 16, (rel) => this.seed(rel));
    } finally {
      seededDone();
    }
    this.log.info({ root: this.root, files: this.ledger.textFiles, ms: Date.now() - started }, "snapshot taken");
  }

  stats(): RepoWatcherStats {
    return {
      filesTracked: this.ledger.textFiles,
      eventsEmitted: this.eventsEmitted,
      skippedBinary: this.ledger.binaryPaths.size,
      skippedLarge: this.ledger.largePaths.size,
      skippedIgnored: this.ignored.size,
      diffsOmitted: this.diffsOmitted,
    };
  }

  async flush(): Promise<void> {
    await this.background;
    await this.batcher.flush();
    this.emitAll(this.ledger.expire(Infinity));
    this.armDeleteTimer();
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        if (this.initial === undefined) await this.flush();
      } finally {
        this.batcher[Symbol.dispose]();
        clearTimeout(this.deleteTimer);
        await this.fsw?.close();
      }
    })();
    return this.closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Chokidar's `ignored`: called with and without stats; must stay synchronous and cheap. */
  private filter(abs: string, stats?: Stats): boolean {
    const rel = this.rel(abs);
    if (!rel) return false;
    if (rel.split("/").includes(".git") || isEditorScratch(basename(rel))) return true;
    if (stats?.isSymbolicLink()) return true;
    const isDir = stats?.isDirectory() ?? false;
    if (!this.rules.ignores(rel, isDir)) return false;
    this.ignored.set(rel, isDir || (this.ignored.get(rel) ?? false));
    return true;
  }

  private onFsEvent(event: string, abs: string): void {
    const rel = this.rel(abs);
    if (!rel || event === "addDir") return;
    if (this.initial) {
      if (event === "unlink") this.initial.delete(rel);
      else if (event !== "unlinkDir") this.initial.add(rel);
      return;
    }
    if (basename(rel) === ".gitignore") this.rulesChanged(dirname(rel) === "." ? "" : dirname(rel));
    if (event === "unlinkDir") {
      for (const p of this.ledger.pathsUnder(rel)) this.batcher.add(p);
      return;
    }
    if (this.filter(abs)) this.ledger.forget(rel);
    else this.batcher.add(rel);
  }

  private async seed(rel: string): Promise<void> {
    const state = await this.observe(rel, false);
    if (state) this.ledger.seed(rel, state);
  }

  /** A path's state now; undefined while unstable, null when unreadable (reported). */
  private async observe(rel: string, requireStable: boolean): Promise<FileState | undefined | null> {
    try {
      return await readFileState(resolve(this.root, rel), this.options.maxFileBytes ?? 1024 * 1024, requireStable);
    } catch (err) {
      this.report(err);
      return null;
    }
  }

  private async processBatch(paths: Set<string>): Promise<void> {
    await this.seeded;
    const list = [...paths].sort();
    const states = await mapLimit(list, 8, (rel) => this.observe(rel, (this.tries.get(rel) ?? 0) < stableTries));
    const observed = new Map<string, FileState>();
    list.forEach((rel, i) => {
      const state = states[i];
      if (state === undefined) {
        this.tries.set(rel, (this.tries.get(rel) ?? 0) + 1);
        this.batcher.add(rel);
        return;
      }
      this.tries.delete(rel);
      if (state !== null) observed.set(rel, state);
    });
    this.emitAll(this.ledger.apply(observed, Date.now()));
    this.armDeleteTimer();
    this.log.debug({ paths: list.length, changed: observed.size }, "batch read");
  }

  private emitAll(changes: LedgerChange[]): void {
    for (const change of changes) {
      try {
        const { event, diffOmitted } = changeEvent(change, {
          sessionId: this.options.sessionId ?? defaultWatchSessionId,
          maxDiffBytes: this.options.maxDiffBytes ?? 768 * 1024,
          diffTimeoutMs: this.options.diffTimeoutMs ?? 2000,
        });
        if (diffOmitted) this.diffsOmitted++;
        this.eventsEmitted++;
        this.options.onEvent(event);
      } catch (err) {
        this.report(err);
      }
    }
  }

  private armDeleteTimer(): void {
    clearTimeout(this.deleteTimer);
    const due = this.ledger.nextDeadline();
    if (due === undefined || this.closing) return;
    this.deleteTimer = setTimeout(() => {
      this.emitAll(this.ledger.expire(Date.now()));
      this.armDeleteTimer();
    }, Math.max(0, due - Date.now()));
  }

  /**
   * A .gitignore changed: paths it now excludes leave the snapshot silently; paths it no longer
   * excludes join it silently (snapshot first, then chokidar starts watching them). The edit of
   * the .gitignore itself is the event that explains both.
   */
  private rulesChanged(dirRel: string): void {
    this.rules.invalidate(dirRel);
    for (const p of this.ledger.pathsUnder(dirRel)) {
      if (this.filter(resolve(this.root, p))) this.ledger.forget(p);
    }
    const revealed = [...this.ignored].filter(
      ([p, isDir]) => (dirRel === "" || p.startsWith(`${dirRel}/`)) && !this.rules.ignores(p, isDir),
    );
    for (const [p] of revealed) this.ignored.delete(p);
    if (revealed.length === 0) return;
    this.background = this.background.then(async () => {
      for (const [p] of revealed) {
        const files = await revealedFiles(this.root, p, (rel, isDir) => this.filter(resolve(this.root, rel), isDir ? dirStats : undefined));
        await mapLimit(files, 16, (rel) => this.seed(rel));
        this.fsw?.add(resolve(this.root, p));
      }
    }).catch((err) => this.report(err));
  }

  private rel(abs: string): string | undefined {
    const rel = relative(this.root, abs);
    if (rel.startsWith("..")) return undefined;
    return sep === "/" ? rel : rel.split(sep).join("/");
  }

  private report(err: unknown): void {
    const error = err instanceof Error ? err : new Error(String(err));
    if (this.options.onError) this.options.onError(error);
    else this.log.error({ err: error }, "file capture failed");
  }
}

/** Stand-in Stats for a directory found by our own walk, for the filter's directory-only rules. */
const dirStats = { isDirectory: () => true, isSymbolicLink: () => false } as Stats;

function realRoot(root: string): string {
  const abs = realpathSync(resolve(root));
  if (!statSync(abs).isDirectory()) throw new Error(`file capture: ${abs} is not a directory`);
  return abs;
}
