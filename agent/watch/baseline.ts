import { createHash } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Event } from "../../gen/devtrace/v1/event_pb.js";
import { writeFileAtomic } from "../state/atomic-write.js";
import { runGit } from "./run-git.js";

/** What the trace last recorded of a path: its hash, and where its bytes can be read back. */
export interface BaselineEntry {
  sha256: string;
  /** The git blob id when the repository's object store holds the same bytes (no copy kept). */
  gitBlob?: string;
}

/** One line of the journal: a path's new recorded state, or its removal (s null). */
interface JournalLine {
  p: string;
  s: string | null;
  g?: string;
  /** The spool seq of the event this line records (absent in a compacted journal). */
  q?: string;
}

/**
 * The last recorded state of every captured file, kept on disk across agent restarts so a new
 * agent can tell what changed while none was watching. A journal of path → sha256 lines
 * (replayed at open, compacted at every start) and a content-addressed copy of the bytes, kept
 * only for files whose bytes are not already a blob in git's index. The agent appends to it
 * only after an event is in the spool, so the baseline never runs ahead of the trace.
 */
export class Baseline {
  private readonly entries = new Map<string, BaselineEntry>();
  private seq = 0n;
  private readonly objects: string;
  private readonly journal: string;

  private constructor(
    private readonly dir: string,
    private readonly root: string,
    /** True when no earlier agent left a baseline: the first snapshot becomes it silently. */
    readonly fresh: boolean,
  ) {
    this.objects = join(dir, "objects");
    this.journal = join(dir, "journal.jsonl");
  }

  /** Opens (or starts) the baseline kept in `dir` for the working tree at `root`. */
  static open(dir: string, root: string): Baseline {
    mkdirSync(join(dir, "objects"), { recursive: true, mode: 0o700 });
    const journal = join(dir, "journal.jsonl");
    const baseline = new Baseline(dir, root, !existsSync(journal));
    if (!baseline.fresh) baseline.replay(readFileSync(journal, "utf8"));
    return baseline;
  }

  /** The spool seq of the last event the baseline recorded (0n when unknown). */
  get lastSeq(): bigint {
    return this.seq;
  }

  /** The recorded state of every path. */
  recorded(): ReadonlyMap<string, BaselineEntry> {
    return this.entries;
  }

  /** The recorded bytes of `path` as text, or undefined when they cannot be found any more. */
  async content(path: string): Promise<string | undefined> {
    const entry = this.entries.get(path);
    if (!entry) return undefined;
    const copy = join(this.objects, entry.sha256);
    if (existsSync(copy)) return readFileSync(copy, "utf8");
    if (!entry.gitBlob) return undefined;
    const res = await runGit(["cat-file", "blob", entry.gitBlob], { cwd: this.root }).catch(() => undefined);
    if (!res) return undefined;
    return sha256Of(res.stdout) === entry.sha256 ? res.stdout : undefined;
  }

  /** Keeps a copy of `content` (by its hash) unless git's index already holds the same bytes. */
  keep(sha256: string, content: string, gitBlobs: ReadonlySet<string> = new Set()): string | undefined {
    const blob = gitBlobId(content);
    if (gitBlobs.has(blob)) return blob;
    const copy = join(this.objects, sha256);
    if (!existsSync(copy)) {
      const tmp = `${copy}.${process.pid}.tmp`;
      writeFileSync(tmp, content, { mode: 0o600 });
      renameSync(tmp, copy);
    }
    return undefined;
  }

  /** Replaces the whole baseline with `files` (path → sha256 and git blob), compacts the journal and drops unreferenced copies. Only while nothing is being emitted (at start). */
  reset(files: ReadonlyMap<string, BaselineEntry>): void {
    this.entries.clear();
    for (const [p, e] of files) this.entries.set(p, e);
    const lines = [...files].map(([p, e]) => JSON.stringify({ p, s: e.sha256, ...(e.gitBlob ? { g: e.gitBlob } : {}) } satisfies JournalLine));
    if (this.seq > 0n) lines.push(JSON.stringify({ p: "", s: null, q: String(this.seq) } satisfies JournalLine));
    writeFileAtomic(this.journal, lines.length ? `${lines.join("\n")}\n` : "");
    // Copies of versions no path is at any more (earlier saves) are not needed again.
    const live = new Set([...this.entries.values()].map((e) => e.sha256));
    for (const name of readdirSync(this.objects)) if (!live.has(name)) rmSync(join(this.objects, name), { force: true });
  }

  /**
   * Advances the baseline by one file event now safely in the spool at `seq`; other kinds are
   * ignored. A kill between the spool append and this call is repaired at the next start by
   * catchUp(), which replays the spooled file events past lastSeq.
   */
  advance(event: Event, seq: bigint): void {
    const k = event.kind;
    const lines: JournalLine[] = [];
    if (k.case === "fileEdit") lines.push(this.line(k.value.path, k.value.afterSha256));
    else if (k.case === "fileCreated") lines.push(this.line(k.value.path, k.value.sha256));
    else if (k.case === "fileDeleted") lines.push({ p: k.value.path, s: null });
    else if (k.case === "fileRenamed") lines.push({ p: k.value.oldPath, s: null }, this.line(k.value.newPath, k.value.sha256, this.entries.get(k.value.oldPath)));
    if (lines.length === 0) return;
    lines[lines.length - 1].q = String(seq);
    for (const l of lines) this.apply(l);
    // Not fsync'd: a killed agent leaves it in the page cache; only a power cut could lose it.
    appendFileSync(this.journal, lines.map((l) => `${JSON.stringify(l)}\n`).join(""), { mode: 0o600 });
  }

  /** Applies the file events the spool holds past lastSeq (spooled, but the agent died before advance()). */
  async catchUp(events: AsyncIterable<Event>): Promise<number> {
    if (this.fresh) return 0;
    let n = 0;
    for await (const e of events) {
      if (e.seq <= this.seq) continue;
      this.advance(e, e.seq);
      n++;
    }
    return n;
  }

  /** Removes the baseline (the trace was finalized; the next one starts afresh). */
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private line(p: string, s: string, from?: BaselineEntry): JournalLine {
    const known = from?.sha256 === s ? from.gitBlob : [...this.entries.values()].find((e) => e.sha256 === s)?.gitBlob;
    return known && !existsSync(join(this.objects, s)) ? { p, s, g: known } : { p, s };
  }

  private apply(l: JournalLine): void {
    if (l.q !== undefined && /^\d+$/.test(l.q) && BigInt(l.q) > this.seq) this.seq = BigInt(l.q);
    if (l.p === "") return;
    if (l.s === null) this.entries.delete(l.p);
    else this.entries.set(l.p, { sha256: l.s, ...(l.g ? { gitBlob: l.g } : {}) });
  }

  private replay(text: string): void {
    for (const raw of text.split("\n")) {
      if (raw.trim() === "") continue;
      try {
        const l = JSON.parse(raw) as JournalLine;
        if (typeof l.p === "string" && (l.s === null || typeof l.s === "string")) this.apply(l);
      } catch {
        // A line torn by a crash mid-append is the last one; what it said was not recorded.
      }
    }
  }
}

/** Git's id of a blob holding `content` (UTF-8). */
export function gitBlobId(content: string): string {
  const bytes = Buffer.from(content, "utf8");
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

/** The blob ids git's index holds (stage 0), one `git ls-files` call. */
export async function indexBlobs(root: string): Promise<Set<string>> {
  const res = await runGit(["ls-files", "-s", "-z"], { cwd: root }).catch(() => undefined);
  const out = new Set<string>();
  for (const rec of res?.stdout.split("\0") ?? []) {
    const m = /^\d+ ([0-9a-f]{40,64}) 0\t/.exec(rec);
    if (m) out.add(m[1]);
  }
  return out;
}

function sha256Of(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}
