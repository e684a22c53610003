import { crc32 } from "./crc32.js";

/**
 * On-disk layout (little-endian). A segment file is a header and records:
 *
 *   segment header (16 B): magic "DTSPOOL1" (8) | first seq u64 (8)
 *   record:                payload length u32 (4) | crc32 u32 (4) | seq u64 (8) | payload
 *
 * The CRC covers the length field, the seq and the payload, so a torn or flipped byte
 * anywhere in a record is detected. The payload is an encoded devtrace.v1.Event.
 */
export const segmentHeaderBytes = 16;
/** Bytes before a record's payload. */
export const recordHeaderBytes = 16;
/** A length beyond this is garbage, not a record (the server's event limit is 1 MiB). */
export const maxPayloadBytes = 64 * 1024 * 1024;

const magic = Buffer.from("DTSPOOL1", "latin1");

/** The header of a new segment whose first record will have `firstSeq`. */
export function encodeSegmentHeader(firstSeq: bigint): Buffer {
  const b = Buffer.alloc(segmentHeaderBytes);
  magic.copy(b, 0);
  b.writeBigUInt64LE(firstSeq, 8);
  return b;
}

/** The first seq recorded in a segment header, or undefined when the header is not ours. */
export function parseSegmentHeader(b: Buffer): bigint | undefined {
  if (b.length < segmentHeaderBytes || !b.subarray(0, 8).equals(magic)) return undefined;
  return b.readBigUInt64LE(8);
}

/** One record, ready to be written. */
export function encodeRecord(seq: bigint, payload: Uint8Array): Buffer {
  const b = Buffer.allocUnsafe(recordHeaderBytes + payload.length);
  b.writeUInt32LE(payload.length, 0);
  b.writeBigUInt64LE(seq, 8);
  b.set(payload, recordHeaderBytes);
  b.writeUInt32LE(recordCrc(b, payload.length), 4);
  return b;
}

function recordCrc(b: Buffer, length: number, at = 0): number {
  return crc32(b.subarray(at + 8, at + recordHeaderBytes + length), crc32(b.subarray(at, at + 4)));
}

/** What decodeRecord() found at an offset. */
export type DecodedRecord =
  | { ok: true; seq: bigint; payload: Buffer; end: number }
  | { ok: false; reason: "short" | "length" | "crc" };

/** Parses the record at `at`; never throws (the bytes may be torn or garbage). */
export function decodeRecord(b: Buffer, at: number): DecodedRecord {
  if (b.length - at < recordHeaderBytes) return { ok: false, reason: "short" };
  const length = b.readUInt32LE(at);
  if (length > maxPayloadBytes) return { ok: false, reason: "length" };
  const end = at + recordHeaderBytes + length;
  if (end > b.length) return { ok: false, reason: "short" };
  if (recordCrc(b, length, at) !== b.readUInt32LE(at + 4)) return { ok: false, reason: "crc" };
  return { ok: true, seq: b.readBigUInt64LE(at + 8), payload: b.subarray(at + recordHeaderBytes, end), end };
}
