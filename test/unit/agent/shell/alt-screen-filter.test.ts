import { describe, expect, it } from "vitest";
import { AltScreenFilter } from "../../../../agent/shell/alt-screen-filter.js";

function run(stream: string, size: number) {
  const out: Buffer[] = [];
  const f = new AltScreenFilter((b) => out.push(Buffer.from(b)));
  const bytes = Buffer.from(stream, "latin1");
  for (let i = 0; i < bytes.length; i += size) f.push(bytes.subarray(i, i + size));
  f.end();
  return { out: Buffer.concat(out).toString("latin1"), drawn: f.drawnBytes, used: f.used };
}

describe("AltScreenFilter", () => {
  it.each([
    ["xterm 1049", "before\n\x1b[?1049h\x1b[H\x1b[2Jscreen\x1b[?1049lafter\n", "before\nafter\n", 29],
    ["1047 and 47", "a\x1b[?1047hX\x1b[?1047lb\x1b[?47hYY\x1b[?47lc", "abc", 8 + 1 + 8 + 6 + 2 + 6],
    ["a mode list", "a\x1b[?25;1049hZ\x1b[?1049;25lb", "ab", 11 + 1 + 11],
  ])("takes out what is drawn on the alternate screen (%s), in any chunking", (_name, stream, out, drawn) => {
    for (const size of [1, 2, 3, 5, stream.length]) expect(run(stream, size)).toEqual({ out, drawn, used: true });
  });

  it("passes other private modes and escapes through untouched", () => {
    const s = "\x1b[?25l\x1b[?2004hhi\x1b[31m!\x1b[?12;1h\x1b";
    for (const size of [1, 4, s.length]) expect(run(s, size)).toEqual({ out: s, drawn: 0, used: false });
  });

  it("counts to the end a program that never leaves the alternate screen", () => {
    expect(run("x\x1b[?1049hdrawn", 3)).toEqual({ out: "x", drawn: 13, used: true });
  });
});
