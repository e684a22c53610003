import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { EventSchema, TerminalCommandSchema, type Event, type TerminalCommand } from "../../gen/devtrace/v1/event_pb.js";
import type { DetectedCommand } from "./command-detector.js";

/** Limits of the server's TerminalCommand validation (proto/devtrace/v1/event.proto). */
export const MAX_COMMAND_LINE_BYTES = 64 * 1024;
export const MAX_CWD_BYTES = 4 * 1024;

/** Options of toTerminalCommand(). */
export interface TerminalCommandOptions {
  /** The user's home directory, written as "~" at the start of cwd. Default: none. */
  homeDir?: string;
}

/** `text` cut to at most `maxBytes` of UTF-8, never inside a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  // Back off continuation bytes so the cut falls between characters.
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString("utf8");
}

/** `cwd` with the home directory written as "~". */
export function tildePath(cwd: string, homeDir: string | undefined): string {
  if (!homeDir || homeDir === "/") return cwd;
  const home = homeDir.replace(/\/+$/, "");
  if (cwd === home) return "~";
  return cwd.startsWith(`${home}/`) ? `~${cwd.slice(home.length)}` : cwd;
}

/**
 * The protobuf TerminalCommand of a detected command: times as google.protobuf.Timestamp,
 * counts as uint64, the command line and cwd cut to the server's limits.
 */
export function toTerminalCommand(command: DetectedCommand, options: TerminalCommandOptions = {}): TerminalCommand {
  return create(TerminalCommandSchema, {
    commandLine: truncateUtf8(command.commandLine, MAX_COMMAND_LINE_BYTES),
    cwd: truncateUtf8(tildePath(command.cwd, options.homeDir), MAX_CWD_BYTES),
    exitCode: command.exitCode,
    startedAt: timestampFromDate(command.startedAt),
    durationMs: BigInt(Math.max(0, Math.round(command.durationMs))),
    output: command.output,
    outputBytes: BigInt(command.outputBytes),
    outputBytesCut: BigInt(command.outputBytesCut),
    outputBytesReplaced: BigInt(command.outputBytesReplaced),
    fullScreen: command.fullScreen,
    fullScreenBytes: BigInt(command.fullScreenBytes),
    shell: command.shell,
  });
}

/**
 * A terminal_command Event of `sessionId` (seq left 0 for the spool to assign), timed when the
 * command started, as every event is timed when it happened: a `git commit` comes before the
 * commit_made it caused, though it reaches the spool (and gets its seq) only when it ends.
 */
export function terminalCommandEvent(command: DetectedCommand, sessionId: string, options: TerminalCommandOptions = {}): Event {
  return create(EventSchema, {
    sessionId,
    time: timestampFromDate(command.startedAt),
    kind: { case: "terminalCommand", value: toTerminalCommand(command, options) },
  });
}
