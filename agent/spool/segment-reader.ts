import { open, type FileHandle } from "node:fs/promises";
import { decodeRecord, recordHeaderBytes } from "./record-codec.js";
import type { Segment } from "./segment.js";
import { SpoolError } from "./spool-error.js";

/** One stored record: its seq and the encoded event. */
export interface StoredRecord {
  seq: bigint;
  payload: Buffer;
}

/** Limits of one read. */
export interface ReadLimits {
  maxRecords: number;
  /** Payload bytes; the first record is returned whatever its size. */
  maxBytes: number;
}

const readChunk = 256 * 1024;

/**
 * Durable records with seq ≥ fromSeq, oldest first, within the limits. Reads only up to
 * each segment's durable size, so records still being written are never returned.
 * A segment removed by a concurrent trim is skipped (its records were acknowledged).
 */
export async function readRecords(segments: readonly Segment[], fromSeq: bigint, limits: ReadLimits): Promise<StoredRecord[]> {
  const out: StoredRecord[] = [];
  const state = { bytes: 0 };
  for (const seg of [...segments]) {
    if (seg.lastSeq < fromSeq || seg.empty) continue;
    const fh = await openIfPresent(seg.path);
    if (!fh) continue;
    try {
      const done = await readSegment(fh, seg, fromSeq, limits, out, state);
      if (done) break;
    } finally {
      await fh.close();
    }
  }
  return out;
}

/** Reads one segment into `out`; true when the limits are reached. */
async function readSegment(
  fh: FileHandle,
  seg: Segment,
  fromSeq: bigint,
  limits: ReadLimits,
  out: StoredRecord[],
  state: { bytes: number },
): Promise<boolean> {
  const size = seg.size;
  let offset = seg.offsetFor(fromSeq);
  while (offset < size) {
    const want = Math.min(size - offset, Math.max(readChunk, limits.maxBytes - state.bytes + recordHeaderBytes));
    let buf = await readAt(fh, offset, want);
    if (decodeRecord(buf, 0).ok === false && buf.length >= 4) {
      // The first record is longer than the chunk: read it whole.
      buf = await readAt(fh, offset, Math.min(size - offset, recordHeaderBytes + buf.readUInt32LE(0)));
    }
    let at = 0;
    while (at < buf.length) {
      const r = decodeRecord(buf, at);
      if (!r.ok) {
        if (r.reason === "short" && at > 0) break;
        throw new SpoolError("corrupt", `spool record at ${seg.path}:${offset + at} is damaged (${r.reason}); reopen the spool to repair it`);
      }
      at = r.end;
      if (r.seq < fromSeq) continue;
      if (out.length > 0 && state.bytes + r.payload.length > limits.maxBytes) return true;
      out.push({ seq: r.seq, payload: r.payload });
      state.bytes += r.payload.length;
      if (out.length >= limits.maxRecords) return true;
    }
    offset += at;
  }
  return false;
}

async function readAt(fh: FileHandle, offset: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, offset + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buf.subarray(0, got);
}

async function openIfPresent(path: string): Promise<FileHandle | undefined> {
  try {
    return await open(path, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new Error(`cannot read the spool segment ${path}`, { cause: err });
  }
}
