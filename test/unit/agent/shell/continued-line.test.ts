import { describe, expect, it } from "vitest";
import { restoreContinuations } from "../../../../agent/shell/continued-line.js";

describe("restoreContinuations()", () => {
  it.each([
    ["no continuation", "echo a", [], "echo a"],
    ["one backslash-newline", "echo one two three four", ["echo one two \\"], "echo one two \\\nthree four"],
    ["two of them", "echo a b c", ["echo a \\", "echo a b \\"], "echo a \\\nb \\\nc"],
    ["a quoted newline bash kept", "echo 'a\\\nb'", ["echo 'a\\"], "echo 'a\\\nb'"],
    ["an escaped backslash", "echo a\\\\; echo b", ["echo a\\\\"], "echo a\\\\; echo b"],
    ["a for loop joined with ;", "for i in 1; do echo $i; done", ["for i in 1", "for i in 1; do echo $i"], "for i in 1; do echo $i; done"],
    ["reports from another line", "ls", ["echo x \\"], "ls"],
  ])("%s", (_name, joined, soFar, typed) => {
    expect(restoreContinuations(joined, soFar)).toBe(typed);
  });
});
