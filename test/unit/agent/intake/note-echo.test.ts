import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { TerminalCommandSchema } from "../../../../gen/devtrace/v1/event_pb.js";
import { NoteEcho } from "../../../../agent/intake/note-echo.js";

const t0 = new Date("2026-01-01T10:00:00Z");
const command = (commandLine: string, startOffsetMs: number, durationMs: number) =>
  create(TerminalCommandSchema, {
    commandLine,
    startedAt: timestampFromDate(new Date(t0.getTime() + startOffsetMs)),
    durationMs: BigInt(durationMs),
  });

describe("NoteEcho", () => {
  it("recognises the shell's record of a note typed in the same session", () => {
    const echo = new NoteEcho();
    echo.noteAt("s1", new Date(t0.getTime() + 150));
    expect(echo.isEcho("s1", command('devtrace note "tier boundary is off by one"', 0, 300))).toBe(true);
  });

  it("matches a note run through npx or a path", () => {
    const echo = new NoteEcho();
    echo.noteAt("s1", new Date(t0.getTime() + 100));
    expect(echo.isEcho("s1", command("node ./dist/agent/cli.js note hi", 0, 200))).toBe(true);
  });

  it("consumes the note: a second identical command is a real command", () => {
    const echo = new NoteEcho();
    echo.noteAt("s1", new Date(t0.getTime() + 100));
    expect(echo.isEcho("s1", command("devtrace note a", 0, 200))).toBe(true);
    expect(echo.isEcho("s1", command("devtrace note a", 0, 200))).toBe(false);
  });

  it("keeps commands of other sessions and commands that ran at another time", () => {
    const echo = new NoteEcho();
    echo.noteAt("s1", new Date(t0.getTime() + 100));
    expect(echo.isEcho("s2", command("devtrace note a", 0, 200))).toBe(false);
    expect(echo.isEcho("s1", command("devtrace note a", 60_000, 200))).toBe(false);
  });

  it("keeps a command that does not name the note command", () => {
    const echo = new NoteEcho();
    echo.noteAt("s1", new Date(t0.getTime() + 100));
    expect(echo.isEcho("s1", command("pytest -q", 0, 5000))).toBe(false);
  });
});
