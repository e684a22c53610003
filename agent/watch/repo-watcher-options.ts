import type { Logger } from "pino";
import type { Event } from "../../gen/devtrace/v1/event_pb.js";
import type { Baseline } from "./baseline.js";
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
  /** Time budget of one line diff (ms), bounding how long one save keeps the agent busy; past it the edit is a whole-file change (FileEdit.whole_file). Default 250. */
  diffTimeoutMs?: number;
  /** Extra patterns (.gitignore syntax) never captured, e.g. the agent's own files; default none. */
  exclude?: readonly string[];
  /**
   * The last recorded state kept across restarts. When given, the snapshot is compared with it
   * and what changed while nobody watched is emitted first, marked recorded_while_away (a fresh
   * baseline is set from the snapshot silently); the content of every emitted change is kept
   * in it. The caller advances it once each event is safely stored. Default none.
   */
  baseline?: Baseline;
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

/** Chokidar's own change throttle is 50 ms: a quiet period shorter than that could miss a save. */
const minQuietMs = 60;

/** RepoWatcherOptions with every default filled in. */
export type ResolvedRepoWatcherOptions = Required<Omit<RepoWatcherOptions, "onError" | "logger" | "baseline">> &
  Pick<RepoWatcherOptions, "onError" | "logger" | "baseline">;

/** Fills in the documented defaults. */
export function resolveRepoWatcherOptions(options: RepoWatcherOptions): ResolvedRepoWatcherOptions {
  return {
    ...options,
    sessionId: options.sessionId ?? defaultWatchSessionId,
    maxFileBytes: options.maxFileBytes ?? 1024 * 1024,
    quietMs: Math.max(minQuietMs, options.quietMs ?? 120),
    maxWaitMs: options.maxWaitMs ?? 1000,
    renameWindowMs: options.renameWindowMs ?? 300,
    maxDiffBytes: options.maxDiffBytes ?? 768 * 1024,
    diffTimeoutMs: options.diffTimeoutMs ?? 250,
    exclude: options.exclude ?? [],
  };
}
