import { describe, expect, it } from "vitest";
import { OscParser, type OscToken } from "../../../../agent/shell/osc-parser.js";
import { Osc633Kind } from "../../../../agent/shell/osc633-message.js";
import { loadRecording, recordings } from "./osc-fixtures.js";

type Flat = { data: string } | { osc: unknown } | { invalid: true };

/** Tokens with adjacent data merged (how they are split is not observable by a terminal). */
function flatten(tokens: OscToken[]): Flat[] {
  const out: Flat[] = [];
  for (const t of tokens) {
    const last = out.at(-1);
    if (t.type === "data") {
      const text = Buffer.from(t.bytes).toString("latin1");
      if (last && "data" in last) last.data += text;
      else if (text !== "") out.push({ data: text });
    } else if (t.type === "osc633") out.push({ osc: t.message });
    else out.push({ invalid: true });
  }
  return out;
}

function parse(chunks: Uint8Array[], maxPayloadBytes?: number): Flat[] {
  const parser = new OscParser({ maxPayloadBytes });
  const tokens = chunks.flatMap((c) => parser.push(c));
  return flatten([...tokens, ...parser.end()]);
}

const latin1 = (s: string): Buffer => Buffer.from(s, "latin1");

/** Every way to cut `s` in two, and byte by byte. */
function splits(s: string): Uint8Array[][] {
  const b = latin1(s);
  const out: Uint8Array[][] = [[b], [...b].map((x) => Uint8Array.of(x))];
  for (let i = 1; i < b.length; i++) out.push([b.subarray(0, i), b.subarray(i)]);
  return out;
}

const cases: [string, string, Flat[]][] = [
  ["plain text", "hello\r\nworld", [{ data: "hello\r\nworld" }]],
  ["colours pass through", "\x1b[31mred\x1b[0m", [{ data: "\x1b[31mred\x1b[0m" }]],
  ["a prompt marker, BEL-terminated", "a\x1b]633;A\x07b", [{ data: "a" }, { osc: { kind: Osc633Kind.PromptStart } }, { data: "b" }]],
  ["ST-terminated", "\x1b]633;B\x1b\\x", [{ osc: { kind: Osc633Kind.PromptEnd } }, { data: "x" }]],
  [
    "a command line with escapes and UTF-8",
    "\x1b]633;E;echo \xc3\xa9\\x3b;n\x07",
    [{ osc: { kind: Osc633Kind.CommandLine, commandLine: "echo é;", nonce: "n" } }],
  ],
  ["other OSCs pass through", "\x1b]0;title\x07\x1b]7;file://h/x\x1b\\", [{ data: "\x1b]0;title\x07\x1b]7;file://h/x\x1b\\" }]],
  ["OSC 6330 is not ours", "\x1b]6330;A\x07", [{ data: "\x1b]6330;A\x07" }]],
  ["ESC ESC ] 633", "\x1b\x1b]633;C\x07", [{ data: "\x1b" }, { osc: { kind: Osc633Kind.OutputStart } }]],
  ["an unknown letter is dropped as invalid", "\x1b]633;Z;x\x07ok", [{ invalid: true }, { data: "ok" }]],
  ["CAN aborts: the bytes go to the terminal", "\x1b]633;E;x\x18y", [{ data: "\x1b]633;E;x\x18y" }]],
  ["ESC not followed by \\ aborts and starts anew", "\x1b]633;E;x\x1b[1mz", [{ data: "\x1b]633;E;x\x1b[1mz" }]],
  [
    "an abort right before a real sequence",
    "\x1b]633;E;x\x1b]633;A\x07",
    [{ data: "\x1b]633;E;x" }, { osc: { kind: Osc633Kind.PromptStart } }],
  ],
  ["a stream ending inside a sequence gives it back", "tail\x1b]633;E;unfinished", [{ data: "tail\x1b]633;E;unfinished" }]],
  ["a stream ending inside the prefix gives it back", "tail\x1b]63", [{ data: "tail\x1b]63" }]],
  ["a stream ending on ESC of ST", "\x1b]633;A\x1b", [{ data: "\x1b]633;A\x1b" }]],
];

describe("OscParser", () => {
  describe.each(cases)("%s", (_name, input, expected) => {
    it("gives the same tokens however the stream is cut", () => {
      for (const chunks of splits(input)) expect(parse(chunks)).toEqual(expected);
    });
  });

  it("never holds more than maxPayloadBytes of an unterminated sequence", () => {
    const parser = new OscParser({ maxPayloadBytes: 100 });
    const out: OscToken[] = [];
    out.push(...parser.push(latin1("\x1b]633;E;")));
    for (let i = 0; i < 50; i++) out.push(...parser.push(latin1("x".repeat(10))));
    const given = out.filter((t) => t.type === "data").reduce((n, t) => n + (t.type === "data" ? t.bytes.length : 0), 0);
    // Everything past the limit was handed back as terminal data, not buffered.
    expect(given).toBeGreaterThanOrEqual(6 + 2 + 500 - 100);
    expect(flatten([...out, ...parser.end()])).toEqual([{ data: `\x1b]633;E;${"x".repeat(500)}` }]);
  });

  it("parses a payload of exactly maxPayloadBytes", () => {
    expect(parse([latin1(`\x1b]633;E;${"y".repeat(98)}\x07`)], 100)).toEqual([
      { osc: { kind: Osc633Kind.CommandLine, commandLine: "y".repeat(98), nonce: undefined } },
    ]);
  });

  it("hands out data as views of the input chunk, without copying", () => {
    const chunk = latin1("abc\x1b]633;A\x07def");
    const tokens = new OscParser().push(chunk);
    const first = tokens[0];
    expect(first.type === "data" && first.bytes.buffer).toBe(chunk.buffer);
  });

  describe.each(recordings)("recorded session %s", (name) => {
    const rec = loadRecording(name);
    // An independent oracle: the recording with every BEL-terminated OSC 633 removed.
    const expectedData = rec.bytes.toString("latin1").replace(/\x1b\]633;[^\x07]*\x07/g, "");
    const dataOf = (flat: Flat[]): string => flat.map((f) => ("data" in f ? f.data : "")).join("");

    it("passes through everything but the OSC 633 sequences, chunked as recorded", () => {
      const flat = parse(rec.chunks);
      expect(dataOf(flat)).toBe(expectedData);
      expect(flat.some((f) => "invalid" in f)).toBe(false);
    });

    it("gives the same tokens fed byte by byte", () => {
      expect(parse([...rec.bytes].map((b) => Uint8Array.of(b)))).toEqual(parse([rec.bytes]));
    });

    it("gives the same tokens when cut at every offset", () => {
      const whole = parse([rec.bytes]);
      const step = name === "bash-small" ? 1 : 7;
      for (let i = 1; i < rec.bytes.length; i += step) {
        expect(parse([rec.bytes.subarray(0, i), rec.bytes.subarray(i)])).toEqual(whole);
      }
    });
  });
});
