import { copyFile, mkdir, open, readdir, readFile, rm, truncate } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Logger } from "pino";
import { readAckedMark } from "./acked-mark.js";
import { fsyncDir, writeFileDurably } from "./durable-fs.js";
import { encodeSegmentHeader, segmentHeaderBytes } from "./record-codec.js";
import { listSegmentFiles, Segment, segmentFileName } from "./segment.js";
import { scanSegment, type ScannedRecord, type SegmentScan } from "./segment-scan.js";
import { SeqTracker, type LostRange } from "./seq-tracker.js";

/** What opening the spool had to repair; everything here is also logged. */
export interface RecoveryReport {
  /** Bytes of torn records cut from the end of the journal (an interrupted write). */
  truncatedBytes: number;
  /**
   * Seqs after the acked mark whose records are gone (damage, a missing file). They are
   * never reused (they may have been sent); reads return a RecordLost event in their place.
   */
  lost: LostRange[];
  /** Copies of damaged segment files, kept in `corrupt/` for inspection. */
  quarantined: string[];
}

/** The spool's state as found on disk, after repairs. */
export interface RecoveredSpool {
  segments: Segment[];
  acked: bigint;
  /** Highest seq ever taken (stored, acked, lost or named by a segment): numbering goes on after it. */
  seqFloor: bigint;
  report: RecoveryReport;
}

/**
 * Scans every segment, keeps every valid record and never refuses to start: a torn tail
 * of the last segment is cut off; any other damage gets the file copied to `corrupt/`,
 * rewritten with its valid records and logged as an error naming the lost seqs.
 */
export async function recoverSpool(dir: string, log: Logger): Promise<RecoveredSpool> {
  await removeTemporaries(dir);
  const report: RecoveryReport = { truncatedBytes: 0, lost: [], quarantined: [] };
  const files = listSegmentFiles(dir);
  const segments: Segment[] = [];
  const seen = new SeqTracker();
  let tailSeq = 0n;
  for (const [i, file] of files.entries()) {
    const isLast = i === files.length - 1;
    const buf = await readFile(file.path);
    if (isLast && buf.length < segmentHeaderBytes) {
      // Created by a run that died before the header was written: it never held a record.
      await rm(file.path, { force: true });
      log.warn({ file: file.path }, "spool: removed a segment file that was created but never written");
      continue;
    }
    const scan = scanSegment(buf, file.firstSeq);
    for (const r of scan.records) seen.add(r.seq);
    noteDamage(seen, scan, file.path, file.firstSeq, files[i + 1]?.firstSeq);
    const damaged = scan.badHeader || scan.damaged.length > 0 || scan.tailSeq !== undefined || (scan.tailAt !== undefined && !isLast);
    if (scan.tailSeq !== undefined) tailSeq = scan.tailSeq;
    if (damaged) {
      const aside = await quarantine(file.path);
      report.quarantined.push(aside);
      log.error(
        { file: file.path, copy: aside, damagedSeqs: scan.damaged.map(String), tailAt: scan.tailAt, badHeader: scan.badHeader },
        "spool segment is damaged: kept its valid records, moved a copy aside",
      );
      segments.push(await rewriteSegment(file.path, file.firstSeq, buf, scan.records));
      continue;
    }
    if (scan.tailAt !== undefined) {
      await truncateDurably(file.path, scan.tailAt);
      report.truncatedBytes += buf.length - scan.tailAt;
      log.warn({ file: file.path, bytes: buf.length - scan.tailAt }, "spool: cut a torn record from the end of the journal");
    }
    segments.push(segmentOf(file.path, file.firstSeq, scan.records));
  }
  const tail = segments.at(-1);
  if (tail && tailSeq > tail.lastSeq) {
    // The cut seq is named by no file now: an empty segment after it carries the seq floor
    // across restarts, so the seq is neither reused nor forgotten.
    segments.push(await startSegment(dir, tailSeq + 1n));
  }
  const acked = ackedOf(dir, segments, log);
  await dropUseless(dir, segments, acked, log);
  const last = segments.at(-1);
  report.lost = seen.lostAfter(acked, last && last.firstSeq - 1n > tailSeq ? last.firstSeq - 1n : tailSeq);
  if (report.lost.length > 0) {
    log.error({ lost: report.lost.map((r) => `${r.from}-${r.to}: ${r.reason}`) }, "spool: events after the acked mark are lost; RecordLost events are sent in their place");
  }
  const seqFloor = [acked, tailSeq, last ? last.lastSeq : 0n, last ? last.firstSeq - 1n : 0n].reduce((a, b) => (a > b ? a : b));
  return { segments, acked, seqFloor, report };
}

function segmentOf(path: string, firstSeq: bigint, records: readonly ScannedRecord[]): Segment {
  const seg = new Segment(path, firstSeq);
  for (const r of records) seg.add(r.seq, r.offset, r.end);
  return seg;
}

/** The acked mark, or what the files imply when it is missing or unreadable. */
function ackedOf(dir: string, segments: readonly Segment[], log: Logger): bigint {
  const mark = readAckedMark(dir);
  // Everything before the oldest segment was trimmed, which only happens after an ack.
  const implied = segments.length > 0 ? (segments[0]?.firstSeq ?? 1n) - 1n : 0n;
  if (mark.state === "unreadable") log.error({ dir, content: mark.content }, "spool: the acked mark is unreadable; resending what is on disk");
  const seq = mark.state === "ok" ? mark.seq : 0n;
  return seq > implied ? seq : implied;
}

/** Deletes fully acknowledged and empty segments, but never the last one (it carries the seq floor). */
async function dropUseless(dir: string, segments: Segment[], acked: bigint, log: Logger): Promise<void> {
  let removed = 0;
  for (let i = 0; i < segments.length - 1; ) {
    const seg = segments[i];
    if (seg && (seg.empty || seg.lastSeq <= acked)) {
      await rm(seg.path, { force: true });
      segments.splice(i, 1);
      removed++;
    } else {
      i++;
    }
  }
  if (removed > 0) {
    await fsyncDir(dir);
    log.info({ removed }, "spool: removed acknowledged segments left by an earlier run");
  }
}

/** Tells the tracker which seqs the damage in one segment file took, and how. */
function noteDamage(seen: SeqTracker, scan: SegmentScan, path: string, firstSeq: bigint, nextFileSeq: bigint | undefined): void {
  const name = basename(path);
  for (const d of scan.damaged) seen.noteDamage(d, `a damaged record in ${name}`);
  if (scan.tailSeq !== undefined) {
    seen.noteDamage({ from: scan.tailSeq, to: scan.tailSeq }, `a damaged last record in ${name} (an interrupted write or disk damage)`);
  } else if (scan.tailAt !== undefined && nextFileSeq !== undefined) {
    const after = scan.records.at(-1)?.seq ?? firstSeq - 1n;
    seen.noteDamage({ from: after + 1n, to: nextFileSeq - 1n }, `a damaged end of ${name}`);
  }
}

/** A new, empty segment file whose first record will be `firstSeq`. */
async function startSegment(dir: string, firstSeq: bigint): Promise<Segment> {
  const path = join(dir, segmentFileName(firstSeq));
  await writeFileDurably(path, encodeSegmentHeader(firstSeq));
  return new Segment(path, firstSeq);
}

async function quarantine(path: string): Promise<string> {
  const dir = join(dirname(path), "corrupt");
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const aside = join(dir, `${basename(path)}.${new Date().toISOString().replace(/[:.]/g, "-")}`);
  await copyFile(path, aside);
  await fsyncDir(dir);
  return aside;
}

/** Replaces a damaged segment by one holding only its valid records. */
async function rewriteSegment(path: string, firstSeq: bigint, buf: Buffer, records: readonly ScannedRecord[]): Promise<Segment> {
  const parts = [encodeSegmentHeader(firstSeq)];
  const moved: ScannedRecord[] = [];
  let at = segmentHeaderBytes;
  for (const r of records) {
    parts.push(buf.subarray(r.offset, r.end));
    moved.push({ seq: r.seq, offset: at, end: at + r.end - r.offset });
    at += r.end - r.offset;
  }
  await writeFileDurably(path, Buffer.concat(parts));
  return segmentOf(path, firstSeq, moved);
}

async function truncateDurably(path: string, size: number): Promise<void> {
  await truncate(path, size);
  const fh = await open(path, "r+");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Half-written temporary files of an interrupted atomic write. */
async function removeTemporaries(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (name.startsWith(".") && name.endsWith(".tmp")) await rm(join(dir, name), { force: true });
  }
}
