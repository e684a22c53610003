import { describe, expect, it } from "vitest";
import { BoundedOutput, cutMarker } from "../../../../agent/shell/bounded-output.js";

function run(chunks: string[], headBytes: number, tailBytes: number) {
  const out = new BoundedOutput({ headBytes, tailBytes });
  for (const c of chunks) out.push(Buffer.from(c, "utf8"));
  return out.finish();
}

describe("BoundedOutput", () => {
  it.each([
    ["nothing", [], 4, 4, { text: "", bytes: 0, bytesCut: 0, bytesReplaced: 0 }],
    ["short output whole", ["hello"], 4, 4, { text: "hello", bytes: 5, bytesCut: 0, bytesReplaced: 0 }],
    ["exactly head + tail, no cut", ["abcd", "efgh"], 4, 4, { text: "abcdefgh", bytes: 8, bytesCut: 0, bytesReplaced: 0 }],
    ["head and tail of a long stream", ["0123456789", "abcdefghij"], 4, 4, { text: `0123${cutMarker(12)}ghij`, bytes: 20, bytesCut: 12, bytesReplaced: 0 }],
    ["a tail chunk bigger than the ring", ["ab", "cdefghijklmnop"], 2, 3, { text: `ab${cutMarker(11)}nop`, bytes: 16, bytesCut: 11, bytesReplaced: 0 }],
    ["many small chunks wrap the ring", "abcdefghijklmnopqrstuvwxyz".split(""), 3, 5, { text: `abc${cutMarker(18)}vwxyz`, bytes: 26, bytesCut: 18, bytesReplaced: 0 }],
    ["head only", ["abcdefgh"], 3, 0, { text: `abc${cutMarker(5)}`, bytes: 8, bytesCut: 5, bytesReplaced: 0 }],
    ["tail only", ["abcdefgh"], 0, 3, { text: `${cutMarker(5)}fgh`, bytes: 8, bytesCut: 5, bytesReplaced: 0 }],
  ])("%s", (_name, chunks, head, tail, expected) => {
    expect(run(chunks as string[], head, tail)).toEqual(expected);
  });

  it("never cuts inside a UTF-8 character, counting the pieces as cut", () => {
    // "é" is 2 bytes, "€" 3: a 5-byte head ends inside the 3rd "é", a 4-byte tail starts inside a "€".
    const kept = run(["ééé", "xx", "€€"], 5, 4);
    expect(kept.text).toBe(`éé${cutMarker(7)}€`);
    expect(kept.bytes).toBe(14);
    expect(Buffer.byteLength(kept.text) - Buffer.byteLength(cutMarker(7)) + kept.bytesCut).toBe(kept.bytes);
  });

  it("keeps head + tail bytes of a 5 MB stream and counts the rest", () => {
    const out = new BoundedOutput({ headBytes: 32 * 1024, tailBytes: 32 * 1024 });
    const line = Buffer.from("0123456789abcdef".repeat(4) + "\n"); // 65 bytes
    let total = 0;
    for (let i = 0; i < 80_000; i++) {
      out.push(line);
      total += line.length;
    }
    const kept = out.finish();
    expect(kept.bytes).toBe(total);
    expect(kept.bytesCut).toBe(total - 64 * 1024);
    const [head, tail] = kept.text.split(cutMarker(kept.bytesCut));
    expect(Buffer.byteLength(head)).toBe(32 * 1024);
    expect(Buffer.byteLength(tail)).toBe(32 * 1024);
    expect(tail.endsWith("abcdef\n")).toBe(true);
  });
});
