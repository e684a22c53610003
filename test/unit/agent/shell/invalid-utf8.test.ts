import { describe, expect, it } from "vitest";
import { invalidUtf8Bytes } from "../../../../agent/shell/invalid-utf8.js";
import { seededRandom } from "../../../helpers/seeded-random.js";

describe("invalidUtf8Bytes()", () => {
  it.each([
    ["ASCII", [0x61, 0x62], 0],
    ["é and a 4-byte character", [0xc3, 0xa9, 0xf0, 0x9d, 0x84, 0x9e], 0],
    ["a lone continuation byte", [0x80], 1],
    ["0xff 0xfe", [0xff, 0xfe], 2],
    ["a truncated 3-byte character", [0xe2, 0x82, 0x61], 2],
    ["an overlong encoding", [0xc0, 0xaf], 2],
    ["a surrogate", [0xed, 0xa0, 0x80], 3],
    ["beyond U+10FFFF", [0xf4, 0x90, 0x80, 0x80], 4],
    ["a character cut at the end", [0x61, 0xf0, 0x9d], 2],
  ])("%s → %d", (_name, bytes, expected) => {
    expect(invalidUtf8Bytes(Uint8Array.from(bytes))).toBe(expected);
  });

  it("agrees with the decoder on random bytes: every replaced byte becomes part of a U+FFFD", () => {
    const random = seededRandom(9);
    for (let round = 0; round < 300; round++) {
      const bytes = Buffer.from(Array.from({ length: 1 + Math.floor(random() * 40) }, () => (random() < 0.5 ? 0x80 + Math.floor(random() * 128) : Math.floor(random() * 128))));
      const text = bytes.toString("utf8");
      const replacements = [...text].filter((c) => c === "\uFFFD").length;
      const bad = invalidUtf8Bytes(bytes);
      // The valid bytes re-encode to themselves; each replaced run becomes one 3-byte U+FFFD.
      expect(Buffer.byteLength(text)).toBe(bytes.length - bad + 3 * replacements);
      expect(bad === 0).toBe(replacements === 0);
    }
  });
});
