import { WireType } from "@bufbuild/protobuf/wire";

/** protobuf-es's record of a field it keeps as bytes ($unknown entries). */
export interface RawField {
  no: number;
  wireType: WireType;
  data: Uint8Array;
}

/**
 * Already-encoded messages as entries of a repeated message field, to put in `$unknown` of the
 * message that holds the field: toBinary writes them as they are (tag, length, bytes), so a
 * stored encoding reaches the wire without being decoded and encoded again. A reader sees the
 * ordinary repeated field.
 */
export function rawRepeatedField(no: number, encoded: readonly Uint8Array[]): RawField[] {
  return encoded.map((bytes) => {
    const len: number[] = [];
    let n = bytes.length;
    while (n > 0x7f) {
      len.push((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    len.push(n);
    const data = new Uint8Array(len.length + bytes.length);
    data.set(len, 0);
    data.set(bytes, len.length);
    return { no, wireType: WireType.LengthDelimited, data };
  });
}
