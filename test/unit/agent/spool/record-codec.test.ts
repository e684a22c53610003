import { randomBytes } from "node:crypto";
import * as zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { tableCrc32 } from "../../../../agent/spool/crc32.js";
import { decodeRecord, encodeRecord, encodeSegmentHeader, parseSegmentHeader } from "../../../../agent/spool/record-codec.js";

describe("encodeRecord() / decodeRecord()", () => {
  it("round-trips seq and payload", () => {
    const payload = randomBytes(300);
    const rec = encodeRecord(123456789012n, payload);
    const back = decodeRecord(Buffer.concat([Buffer.alloc(5), rec]), 5);
    expect(back).toMatchObject({ ok: true, seq: 123456789012n, end: 5 + rec.length });
    expect(back.ok && Buffer.compare(back.payload, payload)).toBe(0);
  });

  it("detects every single flipped bit of a record", () => {
    const rec = encodeRecord(42n, randomBytes(64));
    for (let bit = 0; bit < rec.length * 8; bit++) {
      const bad = Buffer.from(rec);
      bad[bit >> 3] = (bad[bit >> 3] ?? 0) ^ (1 << (bit & 7));
      expect(decodeRecord(bad, 0).ok, `bit ${bit}`).toBe(false);
    }
  });

  it("says a record cut anywhere is short", () => {
    const rec = encodeRecord(7n, randomBytes(40));
    for (let n = 0; n < rec.length; n++) expect(decodeRecord(rec.subarray(0, n), 0)).toEqual({ ok: false, reason: "short" });
  });
});

describe("encodeSegmentHeader()", () => {
  it("is read back by parseSegmentHeader() and refused when damaged", () => {
    const h = encodeSegmentHeader(99n);
    expect(parseSegmentHeader(h)).toBe(99n);
    h[0] = 0;
    expect(parseSegmentHeader(h)).toBeUndefined();
  });
});

describe("tableCrc32()", () => {
  it("agrees with zlib, also when continued from a previous value", () => {
    const native = (zlib as unknown as { crc32?: (d: Uint8Array, v?: number) => number }).crc32;
    if (!native) return expect(tableCrc32(Buffer.from("123456789"))).toBe(0xcbf43926);
    for (let i = 0; i < 50; i++) {
      const a = randomBytes(i * 7);
      const b = randomBytes(13);
      expect(tableCrc32(b, tableCrc32(a))).toBe(native(b, native(a)));
    }
    expect(tableCrc32(Buffer.from("123456789"))).toBe(0xcbf43926);
  });
});
