import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DetectedCommand } from "../../../../agent/shell/command-detector.js";
import { PtySession, type PtySessionOptions } from "../../../../agent/shell/pty-session.js";
import { stripAnsi } from "../../../../agent/shell/strip-ansi.js";

/** The prompt every test shell shows, so tests can wait for it. */
export const PROMPT = "dt-ready$ ";

/** Options of startShell(). */
export interface DriverOptions extends Partial<PtySessionOptions> {
  /** Startup file contents written into a fresh HOME, e.g. { ".bashrc": "…" }. */
  files?: Record<string, string>;
  /** Extra environment. */
  env?: Record<string, string>;
}

/** A recorded shell under test: what it printed, the commands it reported, helpers to wait. */
export class ShellDriver implements AsyncDisposable {
  readonly commands: DetectedCommand[] = [];
  private raw: Buffer[] = [];
  private promptsShown = 0;
  private waiters: (() => void)[] = [];

  constructor(
    readonly session: PtySession,
    readonly home: string,
  ) {
    session.onData((d) => {
      this.raw.push(Buffer.from(d));
      this.wake();
    });
    session.onCommand((c) => {
      this.commands.push(c);
      this.wake();
    });
    session.onPrompt(() => {
      this.promptsShown++;
      this.wake();
    });
    session.onExit(() => this.wake());
  }

  /** Everything the user's terminal received, escapes stripped. */
  get screen(): string {
    return stripAnsi(Buffer.concat(this.raw));
  }

  /** Everything the user's terminal received, as bytes. */
  get bytes(): Buffer {
    return Buffer.concat(this.raw);
  }

  /** Types a line (Enter included). */
  type(line: string): void {
    this.session.write(`${line}\r`);
  }

  /** Waits until `done()` holds; fails with `what` and the screen after `ms`. */
  async until(what: string, done: () => boolean, ms = 20_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${this.screen.slice(-3000)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /**
   * Types a line and waits for the prompt after it. Lines typed ahead of a running command are
   * echoed by the tty while it runs, so they show up in its output, as on a real screen.
   */
  async run(line: string): Promise<void> {
    const shown = this.prompts;
    this.type(line);
    await this.prompt(shown + 1);
  }

  /** Prompts the shell has shown so far (counted from its prompt-end reports). */
  get prompts(): number {
    return this.promptsShown;
  }

  /** Waits for the n-th prompt (1-based) to be on screen. */
  async prompt(n: number): Promise<void> {
    await this.until(`prompt #${n}`, () => this.prompts >= n);
  }

  /** Waits until `n` commands have been reported. */
  async commandCount(n: number, ms?: number): Promise<DetectedCommand[]> {
    await this.until(`${n} commands (have ${this.commands.length})`, () => this.commands.length >= n, ms);
    return this.commands;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    try {
      await this.session.close();
    } finally {
      rmSync(this.home, { recursive: true, force: true });
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** Starts `shell` with a fresh HOME holding `files`, in a 120 × 40 terminal. */
export function startShell(shell: string, options: DriverOptions = {}): ShellDriver {
  const home = mkdtempSync(join(tmpdir(), "devtrace-shell-"));
  for (const [name, content] of Object.entries(options.files ?? {})) writeFileSync(join(home, name), content);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    LANG: "C.UTF-8",
    TERM: "xterm-256color",
    ...options.env,
  };
  const session = PtySession.start({
    shell,
    cwd: home,
    sessionId: "test-session",
    cols: 120,
    rows: 40,
    ...options,
    env,
  });
  return new ShellDriver(session, home);
}

/** A .bashrc giving the test prompt, plus `extra`. */
export function bashrc(extra = ""): Record<string, string> {
  return { ".bashrc": `PS1='${PROMPT}'\n${extra}\n` };
}

/** A .zshrc giving the test prompt, plus `extra`. */
export function zshrc(extra = ""): Record<string, string> {
  return { ".zshrc": `PS1='${PROMPT}'\n${extra}\n` };
}
