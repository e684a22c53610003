/** `devtrace note …` (also through npx or a path): already recorded as a thought by the agent. */
const DEVTRACE_NOTE = /^(?:npx\s+(?:--yes\s+)?)?(?:\S*\/)?devtrace\s+note(?:\s|$)/;

/**
 * Whether a command line typed in a recorded shell becomes a terminal_command event. Not when it
 * is empty, starts with a space (kept private, as HISTCONTROL=ignorespace keeps it out of the
 * history), or is a `devtrace note` (the note itself is the event).
 */
export function isRecordedCommandLine(commandLine: string): boolean {
  return !isNoteCommandLine(commandLine) && commandLine.trim() !== "" && !commandLine.startsWith(" ");
}

/** Whether a typed command line is a `devtrace note` (recorded by the agent as a thought). */
export function isNoteCommandLine(commandLine: string): boolean {
  return DEVTRACE_NOTE.test(commandLine);
}
