import { readFileSync, writeFileSync } from "node:fs";

/**
 * Encoded rows as one file of (u32 length, bytes) records: the parent encodes the events
 * once and every limit process inserts exactly those bytes.
 */
export function writeRows(path: string, rows: readonly Uint8Array[]): void {
  const total = rows.reduce((n, r) => n + 4 + r.length, 0);
  const buf = Buffer.allocUnsafe(total);
  let at = 0;
  for (const r of rows) {
    buf.writeUInt32LE(r.length, at);
    buf.set(r, at + 4);
    at += 4 + r.length;
  }
  writeFileSync(path, buf);
}

/** The rows writeRows() stored, as views into one buffer. */
export function readRows(path: string): Uint8Array[] {
  const buf = readFileSync(path);
  const rows: Uint8Array[] = [];
  for (let at = 0; at < buf.length; ) {
    const n = buf.readUInt32LE(at);
    rows.push(buf.subarray(at + 4, at + 4 + n));
    at += 4 + n;
  }
  return rows;
}
