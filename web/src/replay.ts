import { parsePatch } from "diff";
import type { Event } from "../../gen/devtrace/v1/event_pb.js";

/**
 * Replay rebuilds the repository's files from the trace alone: a file_created event
 * carries the whole new file, and each file_edit's unified diff carries the lines it
 * changed plus three lines of context on each side. Lines no event ever showed are kept
 * as gaps of known length ("12 lines not recorded") — or of unknown length at the end of
 * a file — so the page never invents content. No server storage is needed.
 */

/** A run of lines no event has shown; `count` is Infinity for "the rest of the file". */
export interface Gap {
  gap: number;
}

/** One line of a rebuilt file: its text, or a gap. */
export type Piece = string | Gap;

/** A file as the trace knows it at one moment. */
export interface ReplayFile {
  path: string;
  pieces: Piece[];
  /** Hunks whose context or removed lines disagreed with what was already known. */
  conflicts: number;
  /** Created as binary or without a text diff: content unknown. */
  binary: boolean;
}

/** The repository's touched files after some events. */
export interface ReplayState {
  files: Map<string, ReplayFile>;
  deleted: Set<string>;
}

interface Hunk {
  oldStart: number;
  oldLines: number;
  lines: string[];
}

/** A file nothing is known about yet. */
export function unknownFile(path: string): ReplayFile {
  return { path, pieces: [{ gap: Number.POSITIVE_INFINITY }], conflicts: 0, binary: false };
}

/** An empty state (the base commit, as far as the trace shows it). */
export function emptyReplay(): ReplayState {
  return { files: new Map(), deleted: new Set() };
}

/** True when every line of the file is known. */
export function isComplete(f: ReplayFile): boolean {
  return !f.binary && f.pieces.every((p) => typeof p === "string");
}

/** Ensures a piece boundary at line `at` (0-based); returns the index of the piece starting there. */
function splitAt(pieces: Piece[], at: number): { index: number; padded: boolean } {
  let pos = 0;
  for (let i = 0; i < pieces.length; i++) {
    if (pos === at) return { index: i, padded: false };
    const p = pieces[i];
    const len = typeof p === "string" ? 1 : p.gap;
    if (at < pos + len) {
      // Only a gap can contain `at` strictly inside it.
      const g = p as Gap;
      pieces.splice(i, 1, { gap: at - pos }, { gap: g.gap - (at - pos) });
      return { index: i + 1, padded: false };
    }
    pos += len;
  }
  if (pos < at) {
    // The diff speaks of lines past the end of what we know: the file had them.
    pieces.push({ gap: at - pos });
    return { index: pieces.length, padded: true };
  }
  return { index: pieces.length, padded: false };
}

function applyHunk(f: ReplayFile, h: Hunk): void {
  const oldText: string[] = [];
  const newText: string[] = [];
  for (const line of h.lines) {
    const sign = line[0];
    const text = line.slice(1);
    if (sign === " " || sign === "-") oldText.push(text);
    if (sign === " " || sign === "+") newText.push(text);
  }
  const start = h.oldLines === 0 ? h.oldStart : h.oldStart - 1;
  const a = splitAt(f.pieces, start);
  const b = splitAt(f.pieces, start + oldText.length);
  let conflict = a.padded || b.padded;
  let line = 0;
  for (const p of f.pieces.slice(a.index, b.index)) {
    if (typeof p === "string") {
      if (p !== oldText[line]) conflict = true;
      line += 1;
    } else {
      line += p.gap;
    }
  }
  if (conflict) f.conflicts += 1;
  f.pieces.splice(a.index, b.index - a.index, ...newText);
  mergeGaps(f);
}

function mergeGaps(f: ReplayFile): void {
  const out: Piece[] = [];
  for (const p of f.pieces) {
    if (typeof p !== "string" && p.gap === 0) continue;
    const last = out[out.length - 1];
    if (typeof p !== "string" && last !== undefined && typeof last !== "string") last.gap += p.gap;
    else out.push(typeof p === "string" ? p : { gap: p.gap });
  }
  f.pieces = out;
}

function hunksOf(unifiedDiff: string): Hunk[] {
  try {
    return parsePatch(unifiedDiff).flatMap((p) => p.hunks);
  } catch {
    return [];
  }
}

function fileFor(s: ReplayState, path: string): ReplayFile {
  let f = s.files.get(path);
  if (!f) s.files.set(path, (f = unknownFile(path)));
  s.deleted.delete(path);
  return f;
}

/** Applies one event to the state (in place). Events other than file changes are ignored. */
export function applyEvent(s: ReplayState, e: Event): void {
  const k = e.kind;
  switch (k.case) {
    case "fileEdit": {
      const f = fileFor(s, k.value.path);
      // Hunks refer to the old file's line numbers: apply from the bottom up.
      const hunks = hunksOf(k.value.unifiedDiff).sort((x, y) => y.oldStart - x.oldStart);
      for (const h of hunks) applyHunk(f, h);
      break;
    }
    case "fileCreated": {
      const f: ReplayFile = { path: k.value.path, pieces: [], conflicts: 0, binary: false };
      const hunks = hunksOf(k.value.unifiedDiff);
      if (hunks.length === 0 && k.value.sizeBytes > 0n) f.binary = true;
      for (const h of hunks) for (const l of h.lines) if (l[0] === "+") f.pieces.push(l.slice(1));
      s.files.set(f.path, f);
      s.deleted.delete(f.path);
      break;
    }
    case "fileDeleted":
      s.files.delete(k.value.path);
      s.deleted.add(k.value.path);
      break;
    case "fileRenamed": {
      const f = s.files.get(k.value.oldPath) ?? unknownFile(k.value.oldPath);
      s.files.delete(k.value.oldPath);
      s.deleted.add(k.value.oldPath);
      s.deleted.delete(k.value.newPath);
      s.files.set(k.value.newPath, { ...f, path: k.value.newPath });
      break;
    }
    default:
      break;
  }
}

function cloneState(s: ReplayState): ReplayState {
  const files = new Map<string, ReplayFile>();
  for (const [p, f] of s.files) files.set(p, { ...f, pieces: f.pieces.map((x) => (typeof x === "string" ? x : { gap: x.gap })) });
  return { files, deleted: new Set(s.deleted) };
}

/**
 * Replays events[0..step] (inclusive). Keeps a snapshot every `every` events so that
 * scrubbing back and forth over a long trace does not start from the beginning each time.
 */
export class Replayer {
  private readonly snapshots = new Map<number, ReplayState>();

  constructor(
    private readonly events: readonly Event[],
    private readonly every = 250,
  ) {}

  /** The files after events[0..step]; step -1 is the base commit. */
  at(step: number): ReplayState {
    const last = Math.min(step, this.events.length - 1);
    let from = Math.floor((last + 1) / this.every) * this.every;
    while (from > 0 && !this.snapshots.has(from)) from -= this.every;
    const s = from > 0 ? cloneState(this.snapshots.get(from)!) : emptyReplay();
    for (let i = from; i <= last; i++) {
      applyEvent(s, this.events[i]);
      if ((i + 1) % this.every === 0 && !this.snapshots.has(i + 1)) this.snapshots.set(i + 1, cloneState(s));
    }
    return s;
  }
}
