import { describe, expect, it } from "vitest";
import { AnsiStripper, stripAnsi } from "../../../../agent/shell/strip-ansi.js";

const cases: [string, string, string][] = [
  ["plain text", "hello world\n", "hello world\n"],
  ["CRLF becomes LF", "a\r\nb\r\n", "a\nb\n"],
  ["SGR colours", "\x1b[1;31mred\x1b[0m\n", "red\n"],
  ["cursor moves and erases", "\x1b[2J\x1b[H\x1b[?25lx\x1b[K\x1b[10;20Hy", "xy"],
  ["OSC title with BEL", "\x1b]0;my title\x07after", "after"],
  ["OSC hyperlink with ST keeps its text", "\x1b]8;;https://x.y\x1b\\link\x1b]8;;\x1b\\", "link"],
  ["DCS string", "\x1bP1$r0m\x1b\\ok", "ok"],
  ["charset designation", "\x1b(Bplain\x1b)0", "plain"],
  ["keypad and save-cursor escapes", "\x1b=\x1b>\x1b7\x1b8done", "done"],
  ["progress bar redraws keep the last", "10%\r20%\r100%\n", "100%\n"],
  ["a redraw after erase-line", "\rworking...\x1b[K\rdone\x1b[K\n", "done\n"],
  ["a trailing CR keeps the line", "kept\r", "kept"],
  ["backspace erases a character", "abx\bc\n", "abc\n"],
  ["backspace erases a whole UTF-8 character", "né\bee\n", "nee\n"],
  ["tabs stay, other controls go", "a\tb\x07c\x00d\x7fe\n", "a\tbcde\n"],
  ["UTF-8 text is untouched", "ünïcödé ✓ 😀\n", "ünïcödé ✓ 😀\n"],
  ["a newline right after a lone ESC is kept", "x\x1b\ny", "x\ny"],
];

describe("stripAnsi()", () => {
  it.each(cases)("%s", (_name, input, expected) => {
    expect(stripAnsi(input)).toBe(expected);
  });
});

describe("AnsiStripper", () => {
  it.each(cases)("gives the same text for %s however the stream is cut", (_name, input, expected) => {
    const bytes = Buffer.from(input, "utf8");
    for (let i = 0; i <= bytes.length; i++) {
      const parts: Uint8Array[] = [];
      const s = new AnsiStripper((b) => parts.push(Buffer.from(b)));
      s.push(bytes.subarray(0, i));
      s.push(bytes.subarray(i));
      s.end();
      expect(Buffer.concat(parts).toString("utf8")).toBe(expected);
    }
  });

  it("keeps a line longer than its redraw buffer instead of holding it all", () => {
    const parts: Uint8Array[] = [];
    const s = new AnsiStripper((b) => parts.push(Buffer.from(b)));
    s.push(Buffer.from("x".repeat(100_000)));
    // Most of the line is already out before it ends.
    expect(parts.reduce((n, p) => n + p.length, 0)).toBeGreaterThan(90_000);
    s.end();
    expect(Buffer.concat(parts).length).toBe(100_000);
  });
});
