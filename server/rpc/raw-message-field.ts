import { WireType } from "@bufbuild/protobuf/wire";

/** protobuf-es's record of a field it keeps as bytes ($unknown entries). */
export interface RawField {
  no: number;
  wireType: WireType;
  data: Uint8Array;
}

/** Writes n as a protobuf varint at out[at]; returns the position after it. */
function putVarint(out: Uint8Array, at: number, n: number): number {
  while (n > 0x7f) {
    out[at++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  out[at++] = n;
  return at;
}

const varintSize = (n: number) => (n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5);

/**
 * Already-encoded messages as entries of a repeated message field, to put in `$unknown` of the
 * message that holds the field: toBinary writes them as they are, so a stored encoding reaches
 * the wire without being decoded and encoded again. A reader sees the ordinary repeated field.
 * All entries go into one buffer (one allocation per answer, not one per event): protobuf-es
 * writes an entry as its tag then its data, so the data holds the first entry's length and
 * bytes and then every further entry whole (tag, length, bytes).
 */
export function rawRepeatedField(no: number, encoded: readonly Uint8Array[]): RawField[] {
  if (encoded.length === 0) return [];
  const tag = (no << 3) | WireType.LengthDelimited;
  let size = 0;
  for (const [i, b] of encoded.entries()) size += (i > 0 ? varintSize(tag) : 0) + varintSize(b.length) + b.length;
  const data = new Uint8Array(size);
  let at = 0;
  for (const [i, b] of encoded.entries()) {
    if (i > 0) at = putVarint(data, at, tag);
    at = putVarint(data, at, b.length);
    data.set(b, at);
    at += b.length;
  }
  return [{ no, wireType: WireType.LengthDelimited, data }];
}
