import { describe, expect, it } from "vitest";
import { describeWith } from "../../../helpers/infra.js";
import { shellScriptsDir } from "../../../../agent/shell/scripts-dir.js";
import { bashrc, startShell, zshrc } from "./shell-driver.js";

/** What differs between the shells in these tests. */
interface ShellUnderTest {
  shell: string;
  rc: (extra?: string) => Record<string, string>;
  /** How the shell reports a multi-line command typed as three lines. */
  multiLine: string;
  /** The line that loads the integration a second time from the user's own startup file. */
  sourceAgain: string;
}

const scripts = shellScriptsDir();
const FIVE_MB = 5_000_000;
// 63 characters and a newline: a 5 MB stream of whole 64-byte lines.
const LINE = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_";

function recordedShellSuite(t: ShellUnderTest): void {
  it("records a passing command: line, cwd, exit code, output, shell", async () => {
    await using sh = startShell(t.shell, { files: t.rc() });
    await sh.prompt(1);
    sh.type("echo hello world");
    const [c] = await sh.commandCount(1);
    expect(c).toMatchObject({ commandLine: "echo hello world", cwd: sh.home, exitCode: 0, output: "hello world\n", outputBytes: 12, outputBytesCut: 0, shell: t.shell });
    expect(c.durationMs).toBeGreaterThanOrEqual(0);
    expect(c.startedAt.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it("records a failing command with its exit code", async () => {
    await using sh = startShell(t.shell, { files: t.rc() });
    await sh.prompt(1);
    sh.type("sh -c 'echo boom >&2; exit 3'");
    const [c] = await sh.commandCount(1);
    expect(c).toMatchObject({ commandLine: "sh -c 'echo boom >&2; exit 3'", exitCode: 3, output: "boom\n" });
  });

  it("records cd, and the next command runs in the new directory", async () => {
    await using sh = startShell(t.shell, { files: t.rc() });
    await sh.prompt(1);
    sh.type("cd /tmp");
    sh.type("pwd");
    const [cd, pwd] = await sh.commandCount(2);
    expect(cd).toMatchObject({ commandLine: "cd /tmp", cwd: sh.home, exitCode: 0 });
    expect(pwd).toMatchObject({ commandLine: "pwd", cwd: "/tmp", output: "/tmp\n" });
  });

  it("records a multi-line command once, with all its output", async () => {
    await using sh = startShell(t.shell, { files: t.rc() });
    await sh.prompt(1);
    sh.type("for i in 1 2 3");
    sh.type("do echo n$i");
    sh.type("done");
    const [c] = await sh.commandCount(1);
    expect(c).toMatchObject({ commandLine: t.multiLine, exitCode: 0, output: "n1\nn2\nn3\n" });
  });

  it("bounds 5 MB of output to head and tail and counts the bytes cut", async () => {
    await using sh = startShell(t.shell, { files: t.rc() });
    await sh.prompt(1);
    sh.type(`yes ${LINE} | head -c ${FIVE_MB}`);
    const [c] = await sh.commandCount(1, 120_000);
    expect(c.exitCode).toBe(0);
    // The pty turns every \n into \r\n; the stripped output is what the program wrote.
    expect(c.outputBytes).toBe(FIVE_MB);
    expect(c.outputBytesCut).toBe(FIVE_MB - 64 * 1024);
    const stream = `${LINE}\n`.repeat(Math.ceil(FIVE_MB / 64)).slice(0, FIVE_MB);
    const [head, tail] = c.output.split(`\n[devtrace: ${c.outputBytesCut} bytes cut]\n`);
    expect(head).toBe(stream.slice(0, 32 * 1024));
    expect(tail).toBe(stream.slice(-32 * 1024));
  });

  it("does not record a command typed with a leading space", async () => {
    await using sh = startShell(t.shell, { files: t.rc() });
    await sh.prompt(1);
    sh.type(" echo the-secret");
    await sh.prompt(2);
    sh.type("echo visible");
    const commands = await sh.commandCount(1);
    await sh.prompt(3);
    expect(commands.map((c) => c.commandLine)).toEqual(["echo visible"]);
    expect(JSON.stringify(commands)).not.toContain("the-secret");
    // The command still ran for the user.
    expect(sh.screen).toMatch(/^the-secret$/m);
  });

  it("does not record `devtrace note` typed in the shell", async () => {
    await using sh = startShell(t.shell, { files: t.rc("devtrace() { echo noted; }") });
    await sh.prompt(1);
    sh.type("devtrace note the cache was stale");
    await sh.prompt(2);
    sh.type("echo after");
    await sh.commandCount(1);
    expect(sh.commands.map((c) => c.commandLine)).toEqual(["echo after"]);
  });

  it("keeps aliases unexpanded in the command line", async () => {
    await using sh = startShell(t.shell, { files: t.rc("alias greet='echo hello from alias'") });
    await sh.prompt(1);
    sh.type("greet");
    const [c] = await sh.commandCount(1);
    expect(c).toMatchObject({ commandLine: "greet", output: "hello from alias\n" });
  });

  it("keeps `\\`, `;` and quotes in the command line as typed", async () => {
    await using sh = startShell(t.shell, { files: t.rc() });
    await sh.prompt(1);
    const line = `printf '%s;%s\\n' "a\\\\b" 'c;d'; true`;
    sh.type(line);
    const [c] = await sh.commandCount(1);
    expect(c.commandLine).toBe(line);
    expect(c.output).toBe("a\\b;c;d\n");
  });

  it("is not fooled by a program printing OSC 633 sequences", async () => {
    await using sh = startShell(t.shell, { files: t.rc() });
    await sh.prompt(1);
    await sh.run(`printf '\\033]633;E;rm -rf /;guess\\007\\033]633;C\\007\\033]633;D;0\\007\\033]633;D;0;guess\\007tail\\n'; sh -c 'exit 4'`);
    sh.type("echo next");
    const commands = await sh.commandCount(2);
    expect(commands.map((c) => [c.commandLine.slice(0, 6), c.exitCode, c.output])).toEqual([
      ["printf", 4, "tail\n"],
      ["echo n", 0, "next\n"],
    ]);
  });

  it("records replayed recordings as the single command that printed them", async () => {
    await using sh = startShell(t.shell, { files: t.rc() });
    await sh.prompt(1);
    sh.type(`cat ${scripts}/../../../test/fixtures/osc/bash-session.bin; echo; echo done`);
    const [c] = await sh.commandCount(1);
    await sh.prompt(2);
    expect(sh.commands).toHaveLength(1);
    expect(c.exitCode).toBe(0);
    expect(c.output).toMatch(/done\n$/);
  });

  it("guards against being loaded twice", async () => {
    await using sh = startShell(t.shell, { files: t.rc(t.sourceAgain), env: { DT_SCRIPTS: scripts } });
    await sh.prompt(1);
    sh.type(t.sourceAgain);
    sh.type("echo once; false");
    const commands = await sh.commandCount(2);
    await sh.prompt(3);
    expect(commands.map((c) => [c.commandLine, c.exitCode])).toEqual([
      [t.sourceAgain, 0],
      ["echo once; false", 1],
    ]);
    expect(commands[1].output).toBe("once\n");
    expect(sh.prompts).toBe(3);
  });

  it("keeps the nonce out of the environment programs see", async () => {
    await using sh = startShell(t.shell, { files: t.rc() });
    await sh.prompt(1);
    sh.type("env | grep ^DEVTRACE_ | sort");
    const [c] = await sh.commandCount(1);
    expect(c.output).toBe("DEVTRACE_SESSION_ID=test-session\n");
  });

  it("passes Ctrl-C to the running program", async () => {
    await using sh = startShell(t.shell, { files: t.rc() });
    await sh.prompt(1);
    // One process prints and sleeps, so Ctrl-C cannot land between two commands of a list.
    sh.type("sh -c 'echo started; exec sleep 60'");
    await sh.until("the command to start", () => /^started$/m.test(sh.screen));
    sh.session.write("\x03");
    const [c] = await sh.commandCount(1);
    expect(c).toMatchObject({ commandLine: "sh -c 'echo started; exec sleep 60'", exitCode: 130 });
  });

  it("records nothing for Ctrl-C at the prompt", async () => {
    await using sh = startShell(t.shell, { files: t.rc() });
    await sh.prompt(1);
    sh.session.write("half typed");
    await sh.until("the echo", () => sh.screen.includes("half typed"));
    // Typed ahead while zsh still runs its precmd hooks, the line is echoed by the tty and a
    // lone ^C can land before the line editor reads input; a user presses it again.
    for (let i = 0; i < 5 && sh.prompts < 2; i++) {
      sh.session.write("\x03");
      await sh.until("prompt #2", () => sh.prompts >= 2, 3_000).catch(() => undefined);
    }
    await sh.prompt(2);
    sh.type("echo after");
    const commands = await sh.commandCount(1);
    expect(commands.map((c) => c.commandLine)).toEqual(["echo after"]);
  });

  it("runs full-screen programs: less shows the file and quits on q", async () => {
    await using sh = startShell(t.shell, { files: { ...t.rc(), "notes.txt": "first line of the notes\n" } });
    await sh.prompt(1);
    sh.type("less notes.txt");
    await sh.until("less to show the file", () => sh.screen.includes("first line of the notes"));
    sh.session.write("q");
    const [c] = await sh.commandCount(1);
    expect(c).toMatchObject({ commandLine: "less notes.txt", exitCode: 0 });
  });

  it("runs vim: typed text is saved", async () => {
    await using sh = startShell(t.shell, { files: t.rc(), env: { EDITOR: "vim" } });
    await sh.prompt(1);
    sh.type("vim -u NONE -N out.txt");
    // vim reads all pending input, so nothing is typed ahead of it.
    await sh.until("vim to start", () => sh.screen.includes("[New]"));
    sh.session.write("iwritten in vim\x1b:wq\r");
    await sh.prompt(2);
    sh.type("cat out.txt");
    const [vim, cat] = await sh.commandCount(2);
    expect(vim).toMatchObject({ commandLine: "vim -u NONE -N out.txt", exitCode: 0 });
    expect(cat.output).toBe("written in vim\n");
  });

  it("ends with the shell's own exit code", async () => {
    await using sh = startShell(t.shell, { files: t.rc() });
    await sh.prompt(1);
    sh.type("echo bye");
    sh.type("exit 7");
    const exit = await sh.session.exited;
    expect(exit.exitCode).toBe(7);
    // `exit` itself ran while the shell ended: it has no exit code of its own.
    expect(sh.commands.map((c) => [c.commandLine, c.exitCode])).toEqual([
      ["echo bye", 0],
      ["exit 7", undefined],
    ]);
  });
}

describe("a recorded bash (PtySession)", () => {
  recordedShellSuite({
    shell: "bash",
    rc: bashrc,
    // bash's history keeps a multi-line command as one line (unless lithist is set).
    multiLine: "for i in 1 2 3; do echo n$i; done",
    sourceAgain: 'source "$DT_SCRIPTS/devtrace.bash"',
  });
});

describeWith(["zsh"], "a recorded zsh (PtySession)", () => {
  recordedShellSuite({
    shell: "zsh",
    rc: zshrc,
    multiLine: "for i in 1 2 3\ndo echo n$i\ndone",
    sourceAgain: 'source "$DT_SCRIPTS/devtrace.zsh"',
  });
});
