import { describe, expect, it } from "vitest";
import type { DetectedCommand } from "../../../../agent/shell/command-detector.js";
import { isTestCommand, NotePrompter } from "../../../../agent/shell/note-prompter.js";

const command = (commandLine: string, exitCode: number, output = "x\n"): DetectedCommand => ({
  commandLine,
  cwd: "/r",
  exitCode,
  startedAt: new Date(0),
  durationMs: 1,
  output,
  outputBytes: output.length,
  outputBytesCut: 0,
  outputBytesReplaced: 0,
  fullScreen: false,
  fullScreenBytes: 0,
  shell: "bash",
});

function prompter(stretch = 5) {
  let now = 0;
  const lines: Array<[string, boolean]> = [];
  const p = new NotePrompter({ print: (l, s) => lines.push([l, s]), now: () => now, minIntervalMs: 60_000, stretch });
  return { p, lines, advance: (ms: number) => (now += ms) };
}

describe("NotePrompter", () => {
  it("says nothing until enabled (--ask-notes is opt-in)", () => {
    const { p, lines } = prompter();
    p.afterCommand(command("pytest -q", 1));
    expect(lines).toEqual([]);
  });

  it("suggests a note after a failing test command, at most once per interval", () => {
    const { p, lines, advance } = prompter();
    p.enable();
    p.afterCommand(command("pytest -q", 0));
    p.afterCommand(command("ls nope", 2));
    expect(lines).toEqual([]);
    p.afterCommand(command("pytest -q tests/test_cart.py", 1));
    p.afterCommand(command("pytest -q", 1));
    expect(lines.map(([l]) => l)).toEqual([expect.stringMatching(/^tests failed: .*devtrace note/)]);
    advance(60_000);
    p.afterCommand(command("npm test", 1, "1 failed"));
    expect(lines).toHaveLength(2);
    expect(lines[1][1]).toBe(false); // the output did not end with a newline: a line break first
  });

  it("suggests a note after a stretch of commands without one; a note starts the stretch again", () => {
    const { p, lines, advance } = prompter(3);
    p.enable();
    p.afterCommand(command("ls", 0));
    p.afterCommand(command("ls", 0));
    p.noted();
    p.afterCommand(command("ls", 0));
    p.afterCommand(command("ls", 0));
    expect(lines).toEqual([]);
    p.afterCommand(command("ls", 0));
    expect(lines.map(([l]) => l)).toEqual([expect.stringMatching(/^a while without a note/)]);
    advance(1_000);
    for (let i = 0; i < 5; i++) p.afterCommand(command("ls", 0));
    expect(lines).toHaveLength(1); // rate-limited
  });
});

describe("isTestCommand()", () => {
  it.each([
    ["pytest -q", true],
    ["python -m pytest tests", true],
    ["npm test", true],
    ["npm run test -- --watch=false", true],
    ["go test ./...", true],
    ["cargo test", true],
    ["cd web && npx vitest run", true],
    ["make test", true],
    ["echo pytest-is-great", false],
    ["git commit -m 'fix tests'", false],
    ["ls tests", false],
  ])("%s → %s", (line, expected) => {
    expect(isTestCommand(line)).toBe(expected);
  });
});
