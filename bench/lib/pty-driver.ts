import { spawn } from "node-pty";
import type { IPty } from "node-pty";

/** The prompt every bench shell prints (set in its .bashrc). */
export const prompt = "BENCH-READY> ";

/** The output's end without OSC sequences (shell integration wraps the prompt in them). */
function visible(tail: string): string {
  return tail.replace(/\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g, "").trimEnd();
}

/** A program running in a pty this process holds, as a terminal emulator would. */
export class PtyDriver implements AsyncDisposable {
  readonly #pty: IPty;
  #tail = "";
  #bytes = 0;
  #waiter: (() => void) | undefined;
  #exited: Promise<void>;

  /** `label` names the terminal in errors. */
  constructor(readonly label: string, file: string, args: string[], cwd: string, env: Record<string, string>) {
    this.#pty = spawn(file, args, { name: "xterm-256color", cols: 120, rows: 40, cwd, env, encoding: null });
    this.#pty.onData((d: Buffer | string) => {
      const b = typeof d === "string" ? Buffer.from(d) : d;
      this.#bytes += b.length;
      this.#tail = (this.#tail + b.subarray(Math.max(0, b.length - 64)).toString("latin1")).slice(-64);
      this.#waiter?.();
    });
    this.#exited = new Promise((r) => this.#pty.onExit(() => r()));
  }

  /** Resolves once the output ends with the prompt (or contains `text` when given) — at most `timeoutMs`. */
  async waitFor(test: (tail: string) => boolean, timeoutMs = 60_000): Promise<void> {
    const until = performance.now() + timeoutMs;
    while (!test(this.#tail)) {
      if (performance.now() > until) throw new Error(`${this.label}: the awaited output did not come within ${timeoutMs} ms; last bytes: ${JSON.stringify(this.#tail)}`);
      await new Promise<void>((r) => {
        this.#waiter = r;
        setTimeout(r, 50);
      });
    }
    this.#waiter = undefined;
  }

  /** Waits for the shell's prompt at the end of the output. */
  atPrompt(timeoutMs?: number): Promise<void> {
    return this.waitFor((t) => visible(t).endsWith(prompt.trimEnd()), timeoutMs);
  }

  /**
   * Runs `cat file` and resolves with the output bytes per second until the prompt is back.
   * `minBytes` (the file size) keeps a prompt-like line inside the file from ending it early.
   */
  async catRate(file: string, minBytes: number): Promise<number> {
    await this.atPrompt();
    const start = this.#bytes;
    this.#tail = "";
    const t = performance.now();
    this.#pty.write(`cat ${file}\r`);
    await this.waitFor((tail) => this.#bytes - start > minBytes && visible(tail).endsWith(prompt.trimEnd()), 300_000);
    return (this.#bytes - start) / ((performance.now() - t) / 1000);
  }

  /** Types `n` keys one at a time, each after the previous echoed; ms from key to echo. */
  async echoLatencies(n: number): Promise<number[]> {
    await this.atPrompt();
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const key = "abcdefghij"[i % 10];
      const before = this.#bytes;
      const t = performance.now();
      this.#pty.write(key);
      await this.waitFor((tail) => this.#bytes > before && visible(tail).endsWith(key), 10_000);
      out.push(performance.now() - t);
    }
    // Ctrl-C drops the typed line and prints a fresh prompt (Ctrl-U only redraws in place).
    this.#pty.write("\x03");
    await this.atPrompt();
    return out;
  }

  /** PID of the program in the pty. */
  get pid(): number {
    return this.#pty.pid;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#pty.write("exit\r");
    const timer = setTimeout(() => this.#pty.kill("SIGKILL"), 5000);
    await this.#exited;
    clearTimeout(timer);
  }
}
