import { describe, expect, it } from "vitest";
import { isRecordedCommandLine } from "../../../../agent/shell/recorded-command-line.js";

describe("isRecordedCommandLine()", () => {
  it.each([
    ["ls -la", true],
    ["git commit -m 'fix'", true],
    ["echo devtrace note", true],
    ["devtrace status", true],
    ["devtrace notes", true],
    ["", false],
    ["   ", false],
    ["\n", false],
    [" ls", false],
    [" export AWS_SECRET_ACCESS_KEY=x", false],
    ["devtrace note the cache is stale", false],
    ["devtrace note", false],
    ["devtrace  note\tx", false],
    ["./node_modules/.bin/devtrace note x", false],
    ["/usr/local/bin/devtrace note x", false],
    ["npx devtrace note x", false],
  ])("%j → %s", (line, recorded) => {
    expect(isRecordedCommandLine(line)).toBe(recorded);
  });
});
