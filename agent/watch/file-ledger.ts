import { basename } from "node:path/posix";
import type { FileState } from "./read-file-state.js";

/** What the ledger remembers of a path. Opaque files (binary, too large) are never diffed. */
export type Known =
  | { kind: "text"; content: string; sha256: string; executable: boolean }
  | { kind: "binary"; sha256: string }
  | { kind: "large" };

/** A change the event stream must carry, before it becomes a protobuf Event. */
export type LedgerChange =
  | { type: "edit"; path: string; before: Known & { kind: "text" }; after: FileState & { kind: "text" } }
  | { type: "created"; path: string; after: FileState & { kind: "text" } }
  | { type: "deleted"; path: string; sha256: string }
  | { type: "renamed"; from: string; to: string; sha256: string };

interface PendingDelete {
  known: Known & { kind: "text" };
  at: number;
}

type TextState = FileState & { kind: "text" };

/**
 * The last known content of every captured path, and the rules that turn fresh observations
 * into changes. Replaying the changes it returns from its seed reproduces the set of text files
 * within the size limit: a file that turns binary or too large leaves that set (deleted), one
 * that turns text joins it (created). A deletion is held back for `renameWindowMs` so that a
 * creation of the same content, even in a later batch, reads as a rename.
 */
export class FileLedger {
  private readonly files = new Map<string, Known>();
  private readonly pendingDeletes = new Map<string, PendingDelete>();
  /** Distinct paths ever found binary / over the size limit. */
  readonly binaryPaths = new Set<string>();
  readonly largePaths = new Set<string>();

  constructor(private readonly renameWindowMs: number) {}

  /** Number of text files the ledger holds content for. */
  get textFiles(): number {
    let n = 0;
    for (const k of this.files.values()) if (k.kind === "text") n++;
    return n;
  }

  /** Records a path's state silently (initial snapshot, paths revealed by an ignore-rule change). */
  seed(path: string, state: FileState): void {
    const known = this.remember(path, state);
    if (known) this.files.set(path, known);
    else this.files.delete(path);
  }

  /** Drops a path silently (it became ignored). */
  forget(path: string): void {
    this.files.delete(path);
    this.pendingDeletes.delete(path);
  }

  /** Every text file the ledger holds, with its content. */
  textEntries(): Array<[string, Known & { kind: "text" }]> {
    return [...this.files].filter((e): e is [string, Known & { kind: "text" }] => e[1].kind === "text");
  }

  /** Captured paths at or below a directory ("" for all). */
  pathsUnder(dir: string): string[] {
    const prefix = dir === "" ? "" : `${dir}/`;
    return [...this.files.keys()].filter((p) => p.startsWith(prefix));
  }

  /** Turns one batch of observations into changes; unpaired deletions become pending. */
  apply(observed: ReadonlyMap<string, FileState>, now: number): LedgerChange[] {
    const changes: LedgerChange[] = [];
    const deletes = new Map<string, Known & { kind: "text" }>();
    const creates: Array<[string, TextState]> = [];
    for (const path of [...observed.keys()].sort()) {
      const state = observed.get(path)!;
      const pending = this.pendingDeletes.get(path);
      this.pendingDeletes.delete(path);
      const before = this.files.get(path) ?? pending?.known;
      const after = this.remember(path, state);
      if (after) this.files.set(path, after);
      else this.files.delete(path);
      if (before?.kind === "text") {
        if (state.kind === "text") {
          if (state.sha256 !== before.sha256) changes.push({ type: "edit", path, before, after: state });
        } else if (state.kind === "absent" && !pending) deletes.set(path, before);
        else if (state.kind !== "absent") changes.push({ type: "deleted", path, sha256: before.sha256 });
        else this.pendingDeletes.set(path, pending!);
      } else if (state.kind === "text") creates.push([path, state]);
    }
    for (const [path, after] of creates) {
      const from = this.pairDelete(path, after.sha256, deletes);
      changes.push(from === undefined ? { type: "created", path, after } : { type: "renamed", from, to: path, sha256: after.sha256 });
    }
    for (const [path, known] of deletes) this.pendingDeletes.set(path, { known, at: now });
    return changes;
  }

  /** Deletions whose rename window has passed by `now` (Infinity: all of them). */
  expire(now: number): LedgerChange[] {
    const out: LedgerChange[] = [];
    for (const [path, p] of [...this.pendingDeletes].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (p.at + this.renameWindowMs <= now) {
        this.pendingDeletes.delete(path);
        out.push({ type: "deleted", path, sha256: p.known.sha256 });
      }
    }
    return out;
  }

  /** When the earliest pending deletion falls due, if any is pending. */
  nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const p of this.pendingDeletes.values()) {
      const due = p.at + this.renameWindowMs;
      if (next === undefined || due < next) next = due;
    }
    return next;
  }

  /** A deletion with the same content, from this batch or still pending; same file name first. */
  private pairDelete(path: string, sha256: string, batch: Map<string, Known & { kind: "text" }>): string | undefined {
    const candidates: string[] = [];
    for (const [p, k] of batch) if (k.sha256 === sha256) candidates.push(p);
    for (const [p, d] of this.pendingDeletes) if (d.known.sha256 === sha256) candidates.push(p);
    if (candidates.length === 0) return undefined;
    const name = basename(path);
    const from = candidates.find((c) => basename(c) === name) ?? candidates[0];
    batch.delete(from);
    this.pendingDeletes.delete(from);
    return from;
  }

  private remember(path: string, state: FileState): Known | undefined {
    switch (state.kind) {
      case "text":
        return { kind: "text", content: state.content, sha256: state.sha256, executable: state.executable };
      case "binary":
        this.binaryPaths.add(path);
        return { kind: "binary", sha256: state.sha256 };
      case "large":
        this.largePaths.add(path);
        return { kind: "large" };
      case "absent":
        return undefined;
    }
  }
}
