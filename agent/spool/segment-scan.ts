import { decodeRecord, parseSegmentHeader, segmentHeaderBytes } from "./record-codec.js";

/** A seq range [from, to], both included. */
export interface SeqRange {
  from: bigint;
  to: bigint;
}

/** A valid record found in a segment file. */
export interface ScannedRecord {
  seq: bigint;
  offset: number;
  end: number;
}

/** What scanSegment() found in one segment file. */
export interface SegmentScan {
  /** Valid records in seq order. */
  records: ScannedRecord[];
  /** The header is missing or not ours (records are still looked for after it). */
  badHeader: boolean;
  /** Ranges of seqs whose records are damaged, between valid records. */
  damaged: SeqRange[];
  /**
   * Offset of the first byte after the last valid record when what follows is not a
   * record (a torn write, or damage with nothing valid behind it); undefined when clean.
   */
  tailAt: number | undefined;
  /**
   * The tail starts with a complete record whose checksum fails but whose seq is the one
   * expected: it was written whole once, so its seq may have been sent and must not be
   * reused. (A torn write is short, or carries no plausible seq.)
   */
  tailSeq: bigint | undefined;
}

/** How far past the expected seq a resynchronised record may be (guards against garbage). */
const maxSkip = 1n << 24n;

/** Reads every valid record of a segment, skipping over damage (never throws). */
export function scanSegment(buf: Buffer, nameFirstSeq: bigint): SegmentScan {
  const headerSeq = parseSegmentHeader(buf);
  const badHeader = headerSeq !== nameFirstSeq;
  const scan: SegmentScan = { records: [], badHeader, damaged: [], tailAt: undefined, tailSeq: undefined };
  let at = segmentHeaderBytes;
  let expected = nameFirstSeq;
  if (badHeader) {
    const next = resync(buf, 0, expected - 1n);
    if (!next) {
      scan.tailAt = Math.min(buf.length, segmentHeaderBytes);
      return scan;
    }
    if (next.seq > expected) scan.damaged.push({ from: expected, to: next.seq - 1n });
    at = next.offset;
    expected = next.seq;
  }
  while (at < buf.length) {
    const r = decodeRecord(buf, at);
    if (r.ok && r.seq === expected) {
      scan.records.push({ seq: r.seq, offset: at, end: r.end });
      at = r.end;
      expected++;
      continue;
    }
    const next = resync(buf, at + 1, expected);
    if (!next) {
      scan.tailAt = at;
      if (!r.ok && r.reason === "crc" && buf.readBigUInt64LE(at + 8) === expected) scan.tailSeq = expected;
      break;
    }
    scan.damaged.push({ from: expected, to: next.seq - 1n });
    at = next.offset;
    expected = next.seq;
  }
  return scan;
}

/** The next offset ≥ from holding a valid record with a seq after `after`. */
function resync(buf: Buffer, from: number, after: bigint): { offset: number; seq: bigint } | undefined {
  for (let i = from; i + segmentHeaderBytes <= buf.length; i++) {
    // The cheap checks first: a checksum per byte offset over garbage would be quadratic.
    const seq = buf.readBigUInt64LE(i + 8);
    if (seq <= after || seq - after >= maxSkip) continue;
    const r = decodeRecord(buf, i);
    if (r.ok && r.seq > after && r.seq - after < maxSkip) return { offset: i, seq: r.seq };
  }
  return undefined;
}
