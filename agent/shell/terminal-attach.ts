import type { PtyExit, PtySession } from "./pty-session.js";

/** The terminal `devtrace shell` runs in. */
export interface AttachStreams {
  /** Keystrokes. Default process.stdin. */
  stdin?: NodeJS.ReadStream;
  /** The screen. Default process.stdout. */
  stdout?: NodeJS.WriteStream;
  /** Where the one-line warning of an unrecorded shell goes. Default process.stderr. */
  stderr?: NodeJS.WritableStream;
}

/** The exit code a shell's end maps to: its own, or 128 + the signal that killed it. */
export function exitCodeOf(exit: PtyExit): number {
  return exit.signal ? 128 + exit.signal : exit.exitCode;
}

/**
 * Connects `session` to this process's terminal and gets out of the way until the shell
 * exits: raw-mode passthrough of every keystroke (Ctrl-C and Ctrl-Z reach the shell's programs
 * through the pty, not devtrace), output written as it comes (reading pauses while the screen
 * is behind), window resizes forwarded, and SIGHUP/SIGTERM to devtrace closing the shell as a
 * closing terminal would. The terminal is restored on every path. Returns the shell's exit code.
 */
export async function attachTerminal(session: PtySession, streams: AttachStreams = {}): Promise<number> {
  const stdin = streams.stdin ?? process.stdin;
  const stdout = streams.stdout ?? process.stdout;
  const stderr = streams.stderr ?? process.stderr;
  if (session.warning) stderr.write(`${session.warning}\n`);
  const restore: (() => void)[] = [];
  try {
    if (stdin.isTTY) {
      const wasRaw = stdin.isRaw;
      stdin.setRawMode(true);
      restore.push(() => stdin.setRawMode(wasRaw));
    }
    forwardOutput(session, stdout, restore);
    forwardInput(session, stdin, restore);
    forwardResizes(session, stdout, restore);
    forwardSignals(session, stderr, restore);
    return exitCodeOf(await session.exited);
  } finally {
    // Last in, first out: listeners go before the tty leaves raw mode.
    for (const undo of restore.reverse()) undo();
  }
}

function forwardOutput(session: PtySession, stdout: NodeJS.WriteStream, restore: (() => void)[]): void {
  let waiting = false;
  const resume = (): void => {
    waiting = false;
    session.resume();
  };
  const sub = session.onData((data) => {
    if (stdout.write(data) || waiting) return;
    waiting = true;
    session.pause();
    stdout.once("drain", resume);
  });
  restore.push(() => {
    sub.dispose();
    stdout.off("drain", resume);
  });
}

function forwardInput(session: PtySession, stdin: NodeJS.ReadStream, restore: (() => void)[]): void {
  const onData = (data: Buffer): void => session.write(data);
  stdin.on("data", onData);
  stdin.resume();
  restore.push(() => {
    stdin.off("data", onData);
    // A paused stdin no longer holds the event loop open.
    stdin.pause();
  });
}

function forwardResizes(session: PtySession, stdout: NodeJS.WriteStream, restore: (() => void)[]): void {
  if (!stdout.isTTY) return;
  // tty.WriteStream turns SIGWINCH into "resize", with columns and rows already updated.
  const onResize = (): void => session.resize(stdout.columns, stdout.rows);
  onResize();
  stdout.on("resize", onResize);
  restore.push(() => stdout.off("resize", onResize));
}

function forwardSignals(session: PtySession, stderr: NodeJS.WritableStream, restore: (() => void)[]): void {
  // Whoever closed devtrace's terminal closes the shell's: SIGHUP, then exit, then SIGKILL.
  const close = (): void => {
    session.close().catch((error: unknown) => stderr.write(`devtrace: cannot close the shell: ${String(error)}\n`));
  };
  // Without raw mode (stdin not a tty) Ctrl-C signals devtrace; it belongs to the shell.
  const interrupt = (): void => session.write("\x03");
  process.on("SIGHUP", close);
  process.on("SIGTERM", close);
  process.on("SIGINT", interrupt);
  restore.push(() => {
    process.off("SIGHUP", close);
    process.off("SIGTERM", close);
    process.off("SIGINT", interrupt);
  });
}
