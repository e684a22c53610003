import { timestampDate } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import type { DetectedCommand } from "../../../../agent/shell/command-detector.js";
import {
  MAX_COMMAND_LINE_BYTES,
  terminalCommandEvent,
  tildePath,
  toTerminalCommand,
  truncateUtf8,
} from "../../../../agent/shell/terminal-command.js";

const detected: DetectedCommand = {
  commandLine: "pytest -x",
  cwd: "/home/ada/repo/src",
  exitCode: 1,
  startedAt: new Date("2024-05-06T07:08:09.123Z"),
  durationMs: 4321,
  output: "1 failed\n",
  outputBytes: 5_000_123,
  outputBytesCut: 4_934_587,
  outputBytesReplaced: 3,
  fullScreen: true,
  fullScreenBytes: 70_000,
  shell: "zsh",
};

describe("toTerminalCommand()", () => {
  it("carries every field, with protobuf types", () => {
    const m = toTerminalCommand(detected, { homeDir: "/home/ada" });
    expect(m.commandLine).toBe("pytest -x");
    expect(m.cwd).toBe("~/repo/src");
    expect(m.exitCode).toBe(1);
    expect(m.startedAt && timestampDate(m.startedAt).toISOString()).toBe("2024-05-06T07:08:09.123Z");
    expect(m.durationMs).toBe(4321n);
    expect(m.output).toBe("1 failed\n");
    expect(m.outputBytes).toBe(5_000_123n);
    expect(m.outputBytesCut).toBe(4_934_587n);
    expect(m.outputBytesReplaced).toBe(3n);
    expect([m.fullScreen, m.fullScreenBytes]).toEqual([true, 70_000n]);
    expect(m.shell).toBe("zsh");
  });

  it("leaves exit_code unset when the shell reported none", () => {
    const { exitCode: _, ...noExit } = detected;
    expect(toTerminalCommand(noExit).exitCode).toBeUndefined();
  });

  it("keeps exit code 0 (set, not absent)", () => {
    expect(toTerminalCommand({ ...detected, exitCode: 0 }).exitCode).toBe(0);
  });

  it("cuts a pasted command line to the server's 64 KiB limit", () => {
    const m = toTerminalCommand({ ...detected, commandLine: `echo ${"é".repeat(40_000)}` });
    expect(Buffer.byteLength(m.commandLine)).toBeLessThanOrEqual(MAX_COMMAND_LINE_BYTES);
    expect(m.commandLine.endsWith("é")).toBe(true);
  });
});

describe("terminalCommandEvent()", () => {
  it("is a terminal_command event of the session, timed at the command's start (its duration gives the end)", () => {
    const e = terminalCommandEvent(detected, "term-1");
    expect(e.sessionId).toBe("term-1");
    expect(e.kind.case).toBe("terminalCommand");
    expect(e.time && timestampDate(e.time).getTime()).toBe(detected.startedAt.getTime());
  });
});

describe("tildePath()", () => {
  it.each([
    ["/home/ada", "/home/ada", "~"],
    ["/home/ada/x", "/home/ada", "~/x"],
    ["/home/ada/x", "/home/ada/", "~/x"],
    ["/home/adam/x", "/home/ada", "/home/adam/x"],
    ["/tmp", "/home/ada", "/tmp"],
    ["/x", undefined, "/x"],
    ["/x", "/", "/x"],
  ])("%s with home %s → %s", (cwd, home, expected) => {
    expect(tildePath(cwd, home)).toBe(expected);
  });
});

describe("truncateUtf8()", () => {
  it.each([
    ["abc", 5, "abc"],
    ["abcdef", 3, "abc"],
    ["aé", 2, "a"],
    ["€€", 4, "€"],
    ["😀", 3, ""],
  ])("%j to %d bytes → %j", (text, max, expected) => {
    expect(truncateUtf8(text, max)).toBe(expected);
  });
});
