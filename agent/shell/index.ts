/**
 * Recorded terminals: what `devtrace shell` and the agent use from agent/shell.
 *
 *   const session = PtySession.start({ shell, env, cwd, sessionId, cols, rows });
 *   session.onCommand((c) => link.push(terminalCommandEvent(c, session.sessionId, { homeDir })));
 *   const code = await attachTerminal(session); // raw passthrough until the shell exits
 */
export { PtySession, clampDimension } from "./pty-session.js";
export type { PtyExit, PtySessionOptions } from "./pty-session.js";
export { attachTerminal, exitCodeOf } from "./terminal-attach.js";
export type { AttachStreams } from "./terminal-attach.js";
export { toTerminalCommand, terminalCommandEvent, tildePath, truncateUtf8 } from "./terminal-command.js";
export type { TerminalCommandOptions } from "./terminal-command.js";
export type { DetectedCommand } from "./command-detector.js";
export type { Subscription } from "./listeners.js";
export { shellName } from "./shell-launch.js";
export type { IntegratedShell } from "./shell-launch.js";
