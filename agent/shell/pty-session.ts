import { randomBytes } from "node:crypto";
import * as pty from "node-pty";
import { statSync } from "node:fs";
import { CommandDetector, type DetectedCommand } from "./command-detector.js";
import { findExecutable } from "./find-executable.js";
import { Listeners, type Subscription } from "./listeners.js";
import { OscParser, type OscToken } from "./osc-parser.js";
import { Osc633Kind } from "./osc633-message.js";
import { readPtyToItsEnd } from "./pty-drain.js";
import { shellScriptsDir } from "./scripts-dir.js";
import { shellLaunch, type IntegratedShell } from "./shell-launch.js";

/** How the shell ended. */
export interface PtyExit {
  exitCode: number;
  /** The signal that ended it, when one did. */
  signal?: number;
}

/** Options of PtySession.start(). */
export interface PtySessionOptions {
  /** The user's shell ($SHELL): a path or a name on PATH. */
  shell: string;
  /** The environment the shell starts from (the user's); DEVTRACE_SESSION_ID is added. */
  env: Record<string, string | undefined>;
  /** Working directory of the shell. */
  cwd: string;
  /** This terminal's session_id. */
  sessionId: string;
  /** Terminal size. Default 80 × 24. */
  cols?: number;
  rows?: number;
  /** Start a login shell. Default false. */
  login?: boolean;
  /** Output bytes kept per command from its start and from its end. Default 32 KiB each. */
  outputHeadBytes?: number;
  outputTailBytes?: number;
  /** Where the integration scripts are. Default shellScriptsDir(). */
  scriptsDir?: string;
}

/** Clamps a terminal dimension to what a pty accepts: a whole number ≥ 1. */
export function clampDimension(n: number | undefined, fallback: number): number {
  if (n === undefined || !Number.isFinite(n)) return fallback;
  return Math.max(1, Math.min(0xffff, Math.floor(n)));
}

/** How long output is still read after the shell exits, while something else holds its terminal. */
const EXIT_DRAIN_MS = 5_000;

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    // Missing or unreadable: reported by the caller as "no such directory".
    return false;
  }
}

/**
 * A shell in a pseudo-terminal, with its commands recorded. The pty byte stream goes through an
 * OscParser: terminal data goes to onData listeners unchanged (minus devtrace's own OSC 633
 * sequences), and a CommandDetector turns the sequences into commands for onCommand listeners.
 * Owns the shell process: dispose it (close()) on every path.
 */
export class PtySession implements AsyncDisposable {
  /** The shell's name, e.g. "bash". */
  readonly shell: string;
  /** The integration injected; undefined when this shell's commands are not recorded. */
  readonly integration: IntegratedShell | undefined;
  /** One line for the user when the terminal is not recorded. */
  readonly warning: string | undefined;
  readonly sessionId: string;
  /** Resolves when the shell has exited and every command and byte has been delivered. */
  readonly exited: Promise<PtyExit>;

  private readonly process: pty.IPty;
  private readonly parser = new OscParser();
  private readonly detector: CommandDetector;
  private readonly dataListeners = new Listeners<Uint8Array>();
  private readonly commandListeners = new Listeners<DetectedCommand>();
  private readonly exitListeners = new Listeners<PtyExit>();
  private readonly promptListeners = new Listeners<void>();
  private readonly noteListeners = new Listeners<void>();
  private exit: PtyExit | undefined;

  private constructor(options: PtySessionOptions) {
    const nonce = randomBytes(16).toString("hex");
    const launch = shellLaunch({
      shell: options.shell,
      env: options.env,
      sessionId: options.sessionId,
      nonce,
      login: options.login,
      scriptsDir: options.scriptsDir ?? shellScriptsDir(),
    });
    this.shell = launch.shell;
    this.integration = launch.integration;
    this.warning = launch.warning;
    this.sessionId = options.sessionId;
    this.detector = new CommandDetector({
      shell: launch.shell,
      nonce,
      outputHeadBytes: options.outputHeadBytes,
      outputTailBytes: options.outputTailBytes,
      onNote: () => this.noteListeners.emit(),
    });
    const file = findExecutable(launch.file, launch.env.PATH, options.cwd);
    if (!file) throw new Error(`devtrace: cannot start the shell ${options.shell}: no such executable`);
    if (!isDirectory(options.cwd)) throw new Error(`devtrace: cannot start the shell in ${options.cwd}: no such directory`);
    try {
      this.process = pty.spawn(file, launch.args, {
        name: launch.env.TERM,
        cols: clampDimension(options.cols, 80),
        rows: clampDimension(options.rows, 24),
        cwd: options.cwd,
        env: launch.env,
        encoding: null,
      });
    } catch (cause) {
      throw new Error(`devtrace: cannot start ${options.shell} in a pty`, { cause });
    }
    readPtyToItsEnd(this.process, EXIT_DRAIN_MS, (tail) => this.receive(tail));
    // node-pty's exit callback does not keep Node's event loop alive; this does, until exit.
    const keepAlive = setInterval(() => {}, 1 << 30);
    this.exited = new Promise<PtyExit>((resolve) => {
      this.process.onExit(({ exitCode, signal }) => {
        clearInterval(keepAlive);
        resolve(this.finish(signal ? { exitCode, signal } : { exitCode }));
      });
    });
    // encoding: null makes node-pty hand out Buffers, whatever its typings say.
    this.process.onData((data) => this.receive(data as unknown as Buffer));
  }

  /** Starts the shell. Throws when it cannot be spawned. */
  static start(options: PtySessionOptions): PtySession {
    return new PtySession(options);
  }

  /** The shell's process id. */
  get pid(): number {
    return this.process.pid;
  }

  /** True once the shell has exited. */
  get hasExited(): boolean {
    return this.exit !== undefined;
  }

  /** Terminal output for the user, in order. */
  onData(listener: (data: Uint8Array) => void): Subscription {
    return this.dataListeners.add(listener);
  }

  /** Each completed, recorded command. */
  onCommand(listener: (command: DetectedCommand) => void): Subscription {
    return this.commandListeners.add(listener);
  }

  /** A `devtrace note` line started in this shell (it is the agent's to record, not a command). */
  onNote(listener: () => void): Subscription {
    return this.noteListeners.add(listener);
  }

  /** The shell showed its prompt and waits for a command line (recorded shells only). */
  onPrompt(listener: () => void): Subscription {
    return this.promptListeners.add(listener);
  }

  /** The shell's exit, after its last output and commands. */
  onExit(listener: (exit: PtyExit) => void): Subscription {
    return this.exitListeners.add(listener);
  }

  /** Sends keystrokes (or any bytes) to the shell. */
  write(data: string | Uint8Array): void {
    if (this.exit) return;
    this.process.write(typeof data === "string" ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }

  /** Resizes the terminal; sizes are clamped to whole numbers ≥ 1. */
  resize(cols: number, rows: number): void {
    if (this.exit) return;
    this.process.resize(clampDimension(cols, this.process.cols), clampDimension(rows, this.process.rows));
  }

  /** Stops reading the shell's output (backpressure); resume() reads again. */
  pause(): void {
    this.process.pause();
  }

  /** Reads the shell's output again after pause(). */
  resume(): void {
    this.process.resume();
  }

  /** Sends a signal to the shell process (default SIGHUP, as a closing terminal does). */
  kill(signal: NodeJS.Signals = "SIGHUP"): void {
    if (this.exit) return;
    try {
      process.kill(this.process.pid, signal);
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== "ESRCH") throw new Error(`devtrace: cannot signal the shell`, { cause });
    }
  }

  /**
   * Ends the shell the way closing a terminal does (SIGHUP); an interactive shell that ignores
   * it gets `exit` typed at it, then SIGKILL once `graceMs` has passed.
   */
  async close(graceMs = 2_000): Promise<PtyExit> {
    if (this.exit) return this.exit;
    this.resume();
    this.kill("SIGHUP");
    if (await this.exitsWithin(graceMs / 2)) return this.exited;
    this.write("\x03\x15exit\r");
    if (await this.exitsWithin(graceMs / 2)) return this.exited;
    this.kill("SIGKILL");
    return this.exited;
  }

  /** Same as close(). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private async exitsWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    try {
      return await Promise.race([this.exited.then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private receive(chunk: Uint8Array): void {
    this.deliver(this.parser.push(chunk));
  }

  private deliver(tokens: OscToken[]): void {
    for (const token of tokens) {
      if (token.type === "data") this.dataListeners.emit(token.bytes);
      const command = this.detector.push(token);
      if (command) this.commandListeners.emit(command);
      if (token.type === "osc633" && token.message.kind === Osc633Kind.PromptEnd && !this.detector.running) this.promptListeners.emit();
    }
  }

  private finish(exit: PtyExit): PtyExit {
    this.deliver(this.parser.end());
    const last = this.detector.end();
    if (last) this.commandListeners.emit(last);
    this.exit = exit;
    this.exitListeners.emit(exit);
    return exit;
  }
}
