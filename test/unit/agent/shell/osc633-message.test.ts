import { describe, expect, it } from "vitest";
import { decodeOsc633, escapeValue, Osc633Kind, unescapeValue } from "../../../../agent/shell/osc633-message.js";

const bytes = (s: string): Uint8Array => Buffer.from(s, "utf8");

describe("decodeOsc633()", () => {
  it.each([
    ["A", { kind: Osc633Kind.PromptStart }],
    ["B", { kind: Osc633Kind.PromptEnd }],
    ["C", { kind: Osc633Kind.OutputStart }],
    ["F", { kind: Osc633Kind.ContinuationStart }],
    ["G", { kind: Osc633Kind.ContinuationEnd }],
    ["D", { kind: Osc633Kind.CommandFinished, exitCode: undefined, nonce: undefined }],
    ["D;0", { kind: Osc633Kind.CommandFinished, exitCode: 0, nonce: undefined }],
    ["D;130;n1", { kind: Osc633Kind.CommandFinished, exitCode: 130, nonce: "n1" }],
    ["D;-1", { kind: Osc633Kind.CommandFinished, exitCode: -1, nonce: undefined }],
    ["E;ls -la;n1", { kind: Osc633Kind.CommandLine, commandLine: "ls -la", nonce: "n1" }],
    ["E;echo a\\x3bb\\\\c;n1", { kind: Osc633Kind.CommandLine, commandLine: "echo a;b\\c", nonce: "n1" }],
    ["E;for i\\x0ado x\\x0adone", { kind: Osc633Kind.CommandLine, commandLine: "for i\ndo x\ndone", nonce: undefined }],
    ["E;", { kind: Osc633Kind.CommandLine, commandLine: "", nonce: undefined }],
    ["E;héllo ✓;n", { kind: Osc633Kind.CommandLine, commandLine: "héllo ✓", nonce: "n" }],
    ["P;Cwd=/home/a b", { kind: Osc633Kind.Property, name: "Cwd", value: "/home/a b" }],
    ["P;Cwd=/tmp/x\\x3by=z", { kind: Osc633Kind.Property, name: "Cwd", value: "/tmp/x;y=z" }],
  ])("decodes %j", (payload, message) => {
    expect(decodeOsc633(bytes(payload))).toEqual({ value: message });
  });

  it.each([
    ["Z", /unknown/],
    ["", /unknown/],
    ["D;%?;n1", /not an integer/],
    ["D;12x", /not an integer/],
    ["P;Cwd", /name=value/],
    ["P;=x", /name=value/],
  ])("refuses %j", (payload, error) => {
    const decoded = decodeOsc633(bytes(payload));
    expect("error" in decoded && decoded.error).toMatch(error);
  });
});

describe("unescapeValue()", () => {
  it.each([
    ["plain", "plain"],
    ["a\\\\b", "a\\b"],
    ["\\x1b[31m", "\x1b[31m"],
    ["\\X3B", ";"],
    ["lone \\ stays", "lone \\ stays"],
    ["bad \\xZZ stays", "bad \\xZZ stays"],
    ["cut \\x4", "cut \\x4"],
    // \xNN are bytes: a UTF-8 character may be written byte by byte.
    ["\\xc3\\xa9", "é"],
  ])("%j → %j", (escaped, value) => {
    expect(unescapeValue(bytes(escaped))).toBe(value);
  });
});

describe("escapeValue()", () => {
  it.each(["", "a;b\\c", "tab\there\nnewline", "\x07\x1b\\", "ünï ✓", "\\x41 is not A"])("round-trips %j", (value) => {
    const escaped = escapeValue(value);
    expect(escaped).not.toMatch(/[;\x00-\x1f]/);
    expect(unescapeValue(bytes(escaped))).toBe(value);
  });
});
