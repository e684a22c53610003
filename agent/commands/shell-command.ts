import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { constants } from "node:os";
import { inheritedEnv, readClientEnv, resolveServerOptions } from "../config.js";
import { resolveToken } from "../credentials.js";
import { locateAgent, type AgentLocation } from "../launcher/locate-agent.js";
import { ShellLink } from "../shell-link/shell-link.js";
import { PtySession } from "../shell/pty-session.js";
import { attachTerminal } from "../shell/terminal-attach.js";
import { NotePrompter } from "../shell/note-prompter.js";
import { sessionStartedEvent } from "../shell/session-started-event.js";
import { terminalCommandEvent } from "../shell/terminal-command.js";
import { commonHelp, commonOptions, parseCommandArgs } from "./command-args.js";

const usage = `usage: devtrace shell [--login] [options]

Opens your $SHELL in a recorded terminal attached to the repository's agent (started if none
runs). Every command's line, working directory, exit code, duration and output are recorded;
lines typed with a leading space are not. Open as many as you like: each is its own session.
Works as an editor's terminal profile (see the README). A recorded terminal says so in one
line when it starts; DEVTRACE_QUIET=1 hides it.

options:
  --login         start a login shell
${commonHelp}`;

/** `devtrace shell`. */
export async function runShellCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, { ...commonOptions, login: { type: "boolean" } }, usage);
  if (values.help) return (console.log(usage), 0);
  const env = readClientEnv();
  let location: AgentLocation;
  try {
    location = await locateAgent(values.repo, env);
  } catch (err) {
    // As an editor's terminal profile this must still open a terminal outside a repository.
    process.stderr.write(`devtrace: ${(err as Error).message}; this terminal is not recorded\n`);
    return plainShell(env.shell);
  }
  const server = resolveServerOptions(values, env);
  const { token } = resolveToken(server, "ingest");
  const sessionId = randomUUID();
  const stdout = process.stdout;
  const tell = (message: string) => stdout.write(`\r\n\x1b[2m[devtrace] ${message}\x1b[0m\r\n`);

  const session = PtySession.start({
    shell: env.shell,
    env: inheritedEnv({ DEVTRACE_REPO: location.repo.root }),
    cwd: process.cwd(),
    sessionId,
    cols: stdout.columns,
    rows: stdout.rows,
    login: values.login,
  });
  const prompter = new NotePrompter({ print: (line, atLineStart) => stdout.write(`${atLineStart ? "" : "\r\n"}\x1b[2m[devtrace] ${line}\x1b[0m\r\n`) });
  let announced = false;
  const link = new ShellLink({
    location,
    sessionId,
    shell: session.shell,
    pid: () => session.pid,
    startArgs: ["--server", server.url, ...(server.caFile ? ["--ca", server.caFile] : [])],
    startEnv: token ? { DEVTRACE_TOKEN: token } : {},
    tell,
    // Decided at the first attach: the agent's --ask-notes, recorded on session_started below.
    onAttached: (hello) => {
      if (hello.askNotes === true && !announced) prompter.enable();
    },
  });
  if (session.integration && !env.quiet)
    stdout.write(`\x1b[2m[devtrace] this terminal is recorded for ${location.repo.root}; devtrace note "…" adds your reasoning (DEVTRACE_QUIET=1 hides this line)\x1b[0m\r\n`);
  const started = sessionStartedEvent("shell", session.shell, session.integration !== undefined);
  const commands = session.onCommand((command) => {
    link.push(terminalCommandEvent(command, sessionId, { homeDir: env.home }));
    prompter.afterCommand(command);
  });
  const notes = session.onNote(() => prompter.noted());
  const connecting = link.start().then(() => {
    // Timed at the start; sent once the agent said whether notes are suggested here.
    const k = started.kind;
    if (k.case === "sessionStarted") k.value.askNotes = prompter.enabled;
    announced = true;
    link.push(started);
  });
  try {
    return await attachTerminal(session);
  } finally {
    commands.dispose();
    notes.dispose();
    await connecting;
    await link.close();
    if (link.pending > 0) process.stderr.write(`devtrace: ${link.pending} command records wait in ${location.state.outbox} for the agent\n`);
  }
}

/** The user's shell on this terminal, unrecorded; resolves with its exit code. */
function plainShell(shell: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(shell, [], { stdio: "inherit" });
    child.once("error", (err) => reject(new Error(`cannot start ${shell}`, { cause: err })));
    child.once("exit", (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  });
}
