import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { TerminalCommand } from "../../gen/devtrace/v1/event_pb.js";

/** How far around a command's run a note still counts as typed by it (clock granularity, slow shells). */
const slackMs = 2_000;
/** Notes older than this can no longer match a command still running. */
const keepMs = 6 * 60 * 60 * 1000;

/**
 * Recognises the terminal command that ran `devtrace note` in a recorded shell, so the
 * note is recorded once, as a thought, and not also as a command. A command is the echo
 * of a note when the note arrived from the same session while it ran and its command
 * line names the note command.
 */
export class NoteEcho {
  private readonly notes = new Map<string, number[]>();

  /** A note arrived from `sessionId`. */
  noteAt(sessionId: string, at: Date): void {
    const list = (this.notes.get(sessionId) ?? []).filter((t) => at.getTime() - t < keepMs);
    list.push(at.getTime());
    this.notes.set(sessionId, list);
  }

  /** True (and the note is consumed) when `command` is the shell's record of a note. */
  isEcho(sessionId: string, command: TerminalCommand): boolean {
    const list = this.notes.get(sessionId);
    if (!list || list.length === 0 || !command.startedAt) return false;
    if (!/(^|[\s/;&|(])(devtrace(\.js)?\s+note|note)\b/.test(command.commandLine)) return false;
    const start = timestampDate(command.startedAt).getTime() - slackMs;
    const end = start + Number(command.durationMs) + 2 * slackMs;
    const hit = list.findIndex((t) => t >= start && t <= end);
    if (hit < 0) return false;
    list.splice(hit, 1);
    return true;
  }
}
