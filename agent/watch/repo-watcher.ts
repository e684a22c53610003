import { realpathSync, statSync } from "node:fs";
import type { Stats } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { dirname } from "node:path/posix";
import { watch } from "chokidar";
import type { FSWatcher } from "chokidar";
import { pino } from "pino";
import type { Logger } from "pino";
import { awayChanges } from "./away-changes.js";
import type { Baseline } from "./baseline.js";
import { indexBlobs } from "./baseline.js";
import { changeEvent } from "./change-event.js";
import { FileLedger } from "./file-ledger.js";
import type { LedgerChange } from "./file-ledger.js";
import { mapLimit } from "./map-limit.js";
import { QuietBatcher } from "./quiet-batcher.js";
import { readFileState } from "./read-file-state.js";
import { RepoFilter, directoryKind } from "./repo-filter.js";
import type { FileState } from "./read-file-state.js";
import { revealedFiles } from "./revealed-files.js";
import { stampNow, statSweep } from "./stat-sweep.js";
import type { Stamp } from "./stat-sweep.js";
import { resolveRepoWatcherOptions } from "./repo-watcher-options.js";
import type { RepoWatcherOptions, RepoWatcherStats, ResolvedRepoWatcherOptions } from "./repo-watcher-options.js";

export type { RepoWatcherOptions, RepoWatcherStats } from "./repo-watcher-options.js";

/** A running capture of one working tree's files. */
export interface RepoWatcher extends AsyncDisposable {
  /** Counters so far. */
  stats(): RepoWatcherStats;
  /**
   * A barrier: every change made to the disk before the call (saves, new files, deletions) has
   * been read and its events emitted when it resolves, held deletions included.
   */
  flush(): Promise<void>;
  /** Flushes, then stops watching; idempotent. */
  close(): Promise<void>;
}

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
  private readonly options: ResolvedRepoWatcherOptions;
  private readonly root: string;
  private readonly log: Logger;
  private readonly filter: RepoFilter;
  private readonly ledger: FileLedger;
  private readonly batcher: QuietBatcher;
  private readonly tries = new Map<string, number>();
  /** What each file's lstat said just before capture last read it: the flush barrier's reference. */
  private readonly stamps = new Map<string, Stamp>();
  private fsw: FSWatcher | undefined;
  private initial: Set<string> | undefined = new Set();
  private seeded: Promise<void> = new Promise(() => {});
  private background: Promise<void> = Promise.resolve();
  private deleteTimer: NodeJS.Timeout | undefined;
  private eventsEmitted = 0;
  private diffsOmitted = 0;
  private closing: Promise<void> | undefined;

  constructor(options: RepoWatcherOptions) {
    this.options = resolveRepoWatcherOptions(options);
    this.root = realRoot(options.root);
    this.log = (options.logger ?? pino({ level: "silent" })).child({ component: "repo-watcher" });
    this.filter = new RepoFilter({ root: this.root, exclude: options.exclude });
    this.ledger = new FileLedger(this.options.renameWindowMs);
    this.batcher = new QuietBatcher({
      quietMs: this.options.quietMs,
      maxWaitMs: this.options.maxWaitMs,
      run: (paths) => this.processBatch(paths),
      onError: (err) => this.report(err),
    });
  }

  async start(): Promise<void> {
    const started = Date.now();
    let seededDone!: () => void;
    this.seeded = new Promise((res) => (seededDone = res));
    const fsw = watch(this.root, {
      ignored: (path: string, stats?: Stats) => {
        const rel = this.rel(path);
        return rel !== undefined && this.filter.excludes(rel, stats);
      },
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
      if (this.options.baseline) await this.reconcile(this.options.baseline);
    } finally {
      seededDone();
    }
    this.log.info({ root: this.root, files: this.ledger.textFiles, ms: Date.now() - started }, "snapshot taken");
  }

  /**
   * Continuity across agent restarts: a fresh baseline is the snapshot; otherwise what differs
   * from the last recorded state changed while nobody watched and is emitted now, marked so.
   */
  private async reconcile(baseline: Baseline): Promise<void> {
    if (baseline.fresh) {
      const blobs = await indexBlobs(this.root);
      const entries = new Map(this.ledger.textEntries().map(([p, k]) => [p, { sha256: k.sha256, gitBlob: baseline.keep(k.sha256, k.content, blobs) }]));
      baseline.reset(entries);
      return;
    }
    const changes = await awayChanges(baseline, this.ledger.textEntries());
    baseline.reset(new Map(baseline.recorded()));
    if (changes.length > 0) this.log.info({ changes: changes.length }, "files changed while no agent watched");
    this.emitAll(changes, true);
  }

  stats(): RepoWatcherStats {
    return {
      filesTracked: this.ledger.textFiles,
      eventsEmitted: this.eventsEmitted,
      skippedBinary: this.ledger.binaryPaths.size,
      skippedLarge: this.ledger.largePaths.size,
      skippedIgnored: this.filter.ignoredCount,
      diffsOmitted: this.diffsOmitted,
    };
  }

  /**
   * Waiting for chokidar cannot make a barrier: it stats each notification asynchronously, drops
   * a change within 50 ms of the previous one and reads a new directory in the background, so
   * even a sentinel file's event arriving proves nothing about writes made before it. A stat
   * sweep does: every file whose stamp moved or is racy, or that is new or gone, is read now.
   * Its cost is a readdir per directory and an lstat per file; re-reading a file chokidar also
   * reports is harmless, since content equal to the ledger's emits nothing.
   */
  async flush(): Promise<void> {
    await this.background;
    const skip = (rel: string, isDir: boolean) => this.filter.excludes(rel, isDir ? directoryKind : undefined);
    const suspects = await statSweep({ root: this.root, known: this.stamps, skip, onError: (err) => this.report(err) });
    for (const rel of suspects) this.batcher.add(rel);
    // A file still being written comes back unstable; after stableTries it is taken as it is.
    for (let i = 0; i <= stableTries && (i === 0 || this.batcher.pending > 0); i++) await this.batcher.flush();
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

  private onFsEvent(event: string, abs: string): void {
    const rel = this.rel(abs);
    if (!rel || event === "addDir") return;
    if (this.initial) {
      if (event === "unlink") this.initial.delete(rel);
      else if (event !== "unlinkDir") this.initial.add(rel);
      return;
    }
    if (rel === ".gitignore" || rel.endsWith("/.gitignore")) this.rulesChanged(dirname(rel) === "." ? "" : dirname(rel));
    if (event === "unlinkDir") {
      for (const p of this.ledger.pathsUnder(rel)) this.batcher.add(p);
      return;
    }
    if (this.filter.excludes(rel)) this.forget(rel);
    else this.batcher.add(rel);
  }

  private async seed(rel: string): Promise<void> {
    const state = await this.observe(rel, false);
    if (state) this.ledger.seed(rel, state);
  }

  /** A path's state now; undefined while unstable, null when unreadable (reported). */
  private async observe(rel: string, requireStable: boolean): Promise<FileState | undefined | null> {
    const abs = resolve(this.root, rel);
    try {
      // Stamped before the read, so a stamp is never newer than the bytes behind it.
      const stamp = await stampNow(abs);
      const state = await readFileState(abs, this.options.maxFileBytes, requireStable);
      if (state && stamp && state.kind !== "absent") this.stamps.set(rel, stamp);
      else if (state) this.stamps.delete(rel);
      return state;
    } catch (err) {
      this.report(err);
      return null;
    }
  }

  private async processBatch(paths: Set<string>): Promise<void> {
    await this.seeded;
    // A .gitignore edit may have excluded some of them since they were queued.
    const list = [...paths].filter((rel) => !this.filter.excludes(rel)).sort();
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

  private emitAll(changes: LedgerChange[], away = false): void {
    for (const change of changes) {
      try {
        if (change.type === "edit" || change.type === "created") this.options.baseline?.keep(change.after.sha256, change.after.content);
        const { event, diffOmitted } = changeEvent(change, { ...this.options, away });
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
    const revealed = this.filter.reload(dirRel);
    for (const p of this.ledger.pathsUnder(dirRel)) {
      if (this.filter.excludes(p)) this.forget(p);
    }
    if (revealed.length === 0) return;
    const skip = (rel: string, isDir: boolean) => this.filter.excludes(rel, isDir ? directoryKind : undefined);
    this.background = this.background
      .then(async () => {
        for (const p of revealed) {
          await mapLimit(await revealedFiles(this.root, p, skip), 16, (rel) => this.seed(rel));
          this.fsw?.add(resolve(this.root, p));
        }
      })
      .catch((err) => this.report(err));
  }

  private forget(rel: string): void {
    this.ledger.forget(rel);
    this.stamps.delete(rel);
  }

  private rel(abs: string): string | undefined {
    const rel = relative(this.root, abs);
    if (rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
    return sep === "/" ? rel : rel.split(sep).join("/");
  }

  private report(err: unknown): void {
    const error = err instanceof Error ? err : new Error(String(err));
    if (this.options.onError) this.options.onError(error);
    else this.log.error({ err: error }, "file capture failed");
  }
}

function realRoot(root: string): string {
  let abs: string;
  try {
    abs = realpathSync(resolve(root));
  } catch (cause) {
    throw new Error(`file capture: cannot watch ${root}`, { cause });
  }
  if (!statSync(abs).isDirectory()) throw new Error(`file capture: ${abs} is not a directory`);
  return abs;
}
