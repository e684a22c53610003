import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { IPty } from "node-pty";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DetectedCommand } from "../../../../agent/shell/command-detector.js";
import { stripAnsi } from "../../../../agent/shell/strip-ansi.js";
import { buildAttachDriver } from "./attach-build.js";

const pty = createRequire(import.meta.url)("node-pty") as typeof import("node-pty");

let build: ReturnType<typeof buildAttachDriver>;
beforeAll(() => {
  build = buildAttachDriver();
});
afterAll(() => build?.dispose());

/**
 * `devtrace shell` running in a terminal of its own (an outer pty), as a user runs it: the
 * outer shell saves the tty mode, runs the driver, prints its exit code and the tty mode again.
 */
class OuterTerminal implements AsyncDisposable {
  readonly dir = mkdtempSync(join(tmpdir(), "devtrace-attach-"));
  readonly term: IPty;
  private out = "";
  private readonly done: Promise<void>;

  constructor(shell: string) {
    writeFileSync(join(this.dir, ".bashrc"), "PS1='inner$ '\n");
    const script = `stty -g > before; node ${build.driver} ${shell} ${join(this.dir, "commands")}; echo "rc=$?"; stty -g > after`;
    this.term = pty.spawn("/bin/sh", ["-c", script], {
      cols: 90,
      rows: 25,
      cwd: this.dir,
      env: { PATH: process.env.PATH, HOME: this.dir, TERM: "xterm-256color", LANG: "C.UTF-8" },
    });
    this.term.onData((d) => (this.out += d));
    this.done = new Promise((resolve) => this.term.onExit(() => resolve()));
  }

  get screen(): string {
    return stripAnsi(this.out);
  }

  get commands(): DetectedCommand[] {
    const file = join(this.dir, "commands");
    if (!existsSync(file)) return [];
    return readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as DetectedCommand);
  }

  get driverPid(): number {
    return Number(readFileSync(join(this.dir, "commands.pid"), "utf8"));
  }

  async until(what: string, done: () => boolean, ms = 20_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${this.screen.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  prompts(): number {
    return this.screen.split("inner$ ").length - 1;
  }

  async finished(): Promise<{ rc: number; ttyRestored: boolean }> {
    let ended = false;
    void this.done.then(() => (ended = true));
    await this.until("devtrace and the outer shell to end", () => ended);
    const rc = Number(/rc=(\d+)/.exec(this.screen)?.[1]);
    const read = (f: string): string => readFileSync(join(this.dir, f), "utf8");
    return { rc, ttyRestored: read("before") === read("after") };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.term.kill("SIGKILL");
    await Promise.race([this.done, new Promise((r) => setTimeout(r, 2_000))]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

describe("attachTerminal()", () => {
  it("passes keystrokes and output through, and ends with the shell's exit code and the tty restored", async () => {
    await using t = new OuterTerminal("bash");
    await t.until("the inner prompt", () => t.prompts() >= 1);
    t.term.write("echo $((6 * 7))\r");
    await t.until("the answer", () => /^42\r?$/m.test(t.screen));
    t.term.write("exit 5\r");
    const { rc, ttyRestored } = await t.finished();
    expect(rc).toBe(5);
    expect(ttyRestored).toBe(true);
    expect(t.commands.map((c) => [c.commandLine, c.exitCode])).toEqual([
      ["echo $((6 * 7))", 0],
      ["exit 5", undefined],
    ]);
    expect(t.commands[0].output).toBe("42\n");
  });

  it("sends Ctrl-C and Ctrl-Z to the program in the shell, not to devtrace", async () => {
    await using t = new OuterTerminal("bash");
    await t.until("the inner prompt", () => t.prompts() >= 1);
    t.term.write("sh -c 'echo started; exec sleep 60'\r");
    await t.until("the program", () => /^started\r?$/m.test(t.screen));
    t.term.write("\x03");
    await t.until("the prompt after Ctrl-C", () => t.prompts() >= 2);
    t.term.write("sh -c 'echo again; exec sleep 60'\r");
    await t.until("the program", () => /^again\r?$/m.test(t.screen));
    t.term.write("\x1a");
    await t.until("the prompt after Ctrl-Z", () => t.prompts() >= 3);
    // bash refuses to exit while a job is stopped: end the job first, on a line of its own.
    t.term.write("kill -9 %1\r");
    await t.until("the prompt after kill", () => t.prompts() >= 4);
    t.term.write("exit\r");
    const { rc } = await t.finished();
    expect(rc).toBe(0);
    expect(t.commands.slice(0, 2).map((c) => c.exitCode)).toEqual([130, 148]);
  });

  it("forwards window resizes to the shell", async () => {
    await using t = new OuterTerminal("bash");
    await t.until("the inner prompt", () => t.prompts() >= 1);
    t.term.write("stty size\r");
    await t.until("the first size", () => t.commands.length >= 1);
    t.term.resize(101, 33);
    // SIGWINCH reaches devtrace asynchronously: ask until the shell sees the new size.
    await t.until("the new size", () => {
      if (t.commands.at(-1)?.output === "33 101\n") return true;
      if (t.prompts() > t.commands.length) t.term.write("stty size\r");
      return false;
    });
    expect(t.commands[0].output).toBe("25 90\n");
    t.term.write("exit\r");
    await t.finished();
  });

  it("runs a Python REPL and vim as in a plain terminal", async () => {
    await using t = new OuterTerminal("bash");
    await t.until("the inner prompt", () => t.prompts() >= 1);
    t.term.write("python3 -q\r");
    await t.until("the REPL", () => t.screen.includes(">>> "));
    t.term.write("print(6 * 7 * 1000)\r");
    await t.until("the answer", () => t.screen.includes("42000"));
    t.term.write("\x04");
    await t.until("the prompt after python", () => t.prompts() >= 2);
    t.term.write("vim -u NONE -N note.txt\r");
    await t.until("vim", () => t.screen.includes("[New]"));
    t.term.write("ifrom vim\x1b:wq\r");
    await t.until("the prompt after vim", () => t.prompts() >= 3);
    t.term.write("exit\r");
    await t.finished();
    expect(readFileSync(join(t.dir, "note.txt"), "utf8")).toBe("from vim\n");
    expect(t.commands.slice(0, 2).map((c) => [c.commandLine, c.exitCode])).toEqual([
      ["python3 -q", 0],
      ["vim -u NONE -N note.txt", 0],
    ]);
  });

  it("closes the shell and restores the tty when devtrace gets SIGTERM", async () => {
    await using t = new OuterTerminal("bash");
    await t.until("the inner prompt", () => t.prompts() >= 1);
    process.kill(t.driverPid, "SIGTERM");
    const { rc, ttyRestored } = await t.finished();
    // bash ends on SIGHUP: 128 + 1.
    expect(rc).toBe(129);
    expect(ttyRestored).toBe(true);
  });

  it("warns once, on one line, when the shell is not recorded", async () => {
    await using t = new OuterTerminal("/bin/sh");
    await t.until("the warning", () => t.screen.includes("not recorded"));
    t.term.write("exit 3\r");
    const { rc } = await t.finished();
    expect(rc).toBe(3);
    expect(t.screen.match(/devtrace: sh is not bash or zsh[^\n]*not recorded\r?\n/g)).toHaveLength(1);
  });
});
