import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import * as pty from "node-pty";
import { cliPath } from "../../helpers/server-process.js";

const run = promisify(execFile);

/** The prompt every test shell prints; counting it tells when a command has finished. */
export const prompt = "READY> ";

/**
 * A HOME for the shells under test (so the user's own rc files play no part), with a prompt
 * the test can count, and a bin directory holding a `devtrace` that runs the compiled CLI.
 */
export function testHome(): { home: string; bin: string } {
  const home = mkdtempSync(join(tmpdir(), "devtrace-home-"));
  writeFileSync(join(home, ".bashrc"), `PS1='${prompt}'\nPS2='> '\n`);
  writeFileSync(join(home, ".zshrc"), `PROMPT='${prompt}'\nPROMPT2='> '\nunsetopt PROMPT_SP\n`);
  const bin = join(home, "bin");
  mkdirSync(bin);
  writeFileSync(join(bin, "devtrace"), `#!/bin/sh\nexec "${process.execPath}" "${cliPath}" "$@"\n`);
  chmodSync(join(bin, "devtrace"), 0o755);
  return { home, bin };
}

/** Runs the compiled `devtrace` CLI and returns its exit code and output (never throws on exit codes). */
export async function devtrace(args: string[], o: { cwd: string; env: Record<string, string>; timeoutMs?: number }) {
  try {
    const { stdout, stderr } = await run(process.execPath, [cliPath, ...args], { cwd: o.cwd, env: o.env, timeout: o.timeoutMs ?? 120_000, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string };
    if (typeof e.code !== "number") throw err;
    return { code: e.code, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

/** `devtrace shell` running in a real pty, as a user's terminal emulator would run it. */
export class CliTerminal {
  private output = "";
  private readonly term: pty.IPty;
  readonly exited: Promise<number>;

  constructor(o: { cwd: string; env: Record<string, string>; shell: string }) {
    this.term = pty.spawn(process.execPath, [cliPath, "shell"], {
      cwd: o.cwd,
      env: { ...o.env, SHELL: o.shell },
      cols: 120,
      rows: 40,
      name: "xterm-256color",
    });
    let carry = "";
    this.term.onData((d) => {
      this.output += d;
      // Only the recent past matters for waiting; keep memory flat while 5 MB stream through.
      if (this.output.length > 1 << 20) this.output = this.output.slice(-(1 << 19));
      // A prompt split across two chunks is still counted once: carry is too short to hold a whole one.
      const text = carry + d;
      this.prompts += countOf(text, prompt);
      carry = text.slice(-(prompt.length - 1));
    });
    this.exited = new Promise((resolve) => this.term.onExit(({ exitCode }) => resolve(exitCode)));
  }

  /** Prompts seen so far. */
  prompts = 0;

  /** What the terminal showed recently. */
  screen(): string {
    return this.output;
  }

  /** Waits for the first prompt. */
  async ready(timeoutMs = 60_000): Promise<void> {
    await this.until(() => this.prompts >= 1, timeoutMs, "the first prompt");
  }

  /** Types `line` (newlines become Enter) and waits until the shell prompts again. */
  async type(line: string, timeoutMs = 120_000): Promise<void> {
    const before = this.prompts;
    this.term.write(`${line.replace(/\n/g, "\r")}\r`);
    await this.until(() => this.prompts > before, timeoutMs, `the prompt after ${JSON.stringify(line)}`);
  }

  /** Ends the shell with Ctrl-D at the prompt (no command recorded) and waits for devtrace to exit. */
  async exit(timeoutMs = 60_000): Promise<number> {
    this.term.write("\x04");
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`devtrace shell did not exit:\n${this.output.slice(-2000)}`)), timeoutMs)));
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills the pty (cleanup on failure paths). */
  kill(): void {
    try {
      this.term.kill("SIGKILL");
    } catch {
      // already gone
    }
  }

  private async until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the terminal shows:\n${this.output.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

function countOf(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}
