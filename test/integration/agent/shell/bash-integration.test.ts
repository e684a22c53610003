import { describe, expect, it } from "vitest";
import { bashrc, startShell } from "./shell-driver.js";

/** The history list as `history` prints it, numbers removed. */
const historyLines = (output: string): string[] =>
  output
    .trimEnd()
    .split("\n")
    .map((l) => l.replace(/^\s*\d+\*?\s+/, ""));

describe("devtrace.bash", () => {
  it("keeps the user's PROMPT_COMMAND running, seeing the command's $?", async () => {
    await using sh = startShell("bash", { files: bashrc(`PROMPT_COMMAND='pc_status=$?; pc_runs=$((pc_runs+1))'`) });
    await sh.prompt(1);
    sh.type("sh -c 'exit 5'");
    sh.type('echo "pc_status=$pc_status runs=$pc_runs"');
    const [, c] = await sh.commandCount(2);
    // Runs: the first prompt, then one per command line.
    expect(c.output).toBe("pc_status=5 runs=2\n");
  });

  it("keeps a PROMPT_COMMAND array (bash ≥ 5.1) running, every element", async () => {
    await using sh = startShell("bash", { files: bashrc(`PROMPT_COMMAND=('a_runs=$((a_runs+1))' 'b_status=$?')`) });
    await sh.prompt(1);
    sh.type("false");
    sh.type('echo "a=$a_runs b=$b_status"');
    const [, c] = await sh.commandCount(2);
    expect(c.output).toBe("a=2 b=1\n");
  });

  it("keeps $? for the next command line", async () => {
    await using sh = startShell("bash", { files: bashrc() });
    await sh.prompt(1);
    sh.type("sh -c 'exit 6'");
    sh.type("echo status=$?");
    const [, c] = await sh.commandCount(2);
    expect(c.output).toBe("status=6\n");
  });

  it("keeps $? and $_ for the user's DEBUG trap, which still runs before every command", async () => {
    const rc = `trap 'dbg_status=$? dbg_last=$_; dbg_count=$((dbg_count+1))' DEBUG`;
    await using sh = startShell("bash", { files: bashrc(rc) });
    await sh.prompt(1);
    await sh.run("sh -c 'exit 7'");
    await sh.run('echo "status=$dbg_status last=$dbg_last"');
    sh.type("c0=$dbg_count; true; true; true; echo $((dbg_count - c0))");
    const [, status, count] = await sh.commandCount(3);
    // As in a plain bash: in the trap before `echo`, $? is the previous line's status and $_
    // its last word.
    expect(status.output).toBe("status=7 last=exit 7\n");
    // Before each of `true` ×3 and `echo`.
    expect(count.output).toBe("4\n");
  });

  it("adopts a DEBUG trap the user sets, and drops one the user removes", async () => {
    await using sh = startShell("bash", { files: bashrc() });
    await sh.prompt(1);
    await sh.run(`trap 'hits=$((hits+1))' DEBUG`);
    await sh.run("h0=$hits; true; echo $((hits - h0))");
    await sh.run("trap - DEBUG; h1=$hits");
    sh.type("true; echo $((hits - h1))");
    const commands = await sh.commandCount(4);
    expect(commands[1].output).toBe("2\n");
    expect(commands[3].output).toBe("0\n");
    expect(commands.map((c) => c.exitCode)).toEqual([0, 0, 0, 0]);
  });

  it("records every command whatever HISTCONTROL/HISTIGNORE say, and keeps the history as bash would", async () => {
    await using sh = startShell("bash", { files: bashrc("HISTCONTROL=ignoreboth:erasedups\nHISTIGNORE='pwd:ls'") });
    await sh.prompt(1);
    for (const line of ["echo one", "echo two", "echo one", "pwd", " echo private", "echo two", "echo $HISTCONTROL"]) await sh.run(line);
    sh.type("history");
    const commands = await sh.commandCount(7);
    expect(commands.map((c) => c.commandLine)).toEqual(["echo one", "echo two", "echo one", "pwd", "echo two", "echo $HISTCONTROL", "history"]);
    expect(commands[5].output).toBe("ignoreboth:erasedups\n");
    // erasedups kept the last of each, HISTIGNORE dropped pwd, ignorespace the private line.
    expect(historyLines(commands[6].output)).toEqual(["echo one", "echo two", "echo $HISTCONTROL", "history"]);
  });

  it("works with HISTTIMEFORMAT set (no timestamps in the command line)", async () => {
    await using sh = startShell("bash", { files: bashrc("HISTTIMEFORMAT='%F %T '") });
    await sh.prompt(1);
    sh.type("echo stamped");
    const [c] = await sh.commandCount(1);
    expect(c.commandLine).toBe("echo stamped");
  });

  it("says once that nothing is recorded while history is off", async () => {
    await using sh = startShell("bash", { files: bashrc("set +o history") });
    await sh.prompt(1);
    sh.type("echo a");
    sh.type("echo b");
    await sh.prompt(3);
    expect(sh.commands).toEqual([]);
    expect(sh.screen.match(/history is off/g)).toHaveLength(1);
  });

  it("says once that nothing is recorded while promptvars is off, and prints no PS0 text", async () => {
    await using sh = startShell("bash", { files: bashrc("shopt -u promptvars") });
    await sh.prompt(1);
    sh.type("echo a");
    sh.type("echo b");
    await sh.prompt(3);
    expect(sh.commands).toEqual([]);
    expect(sh.screen.match(/promptvars is off/g)).toHaveLength(1);
    expect(sh.screen).not.toContain("__devtrace");
  });

  it("records a subshell-only line, which DEBUG traps never see", async () => {
    await using sh = startShell("bash", { files: bashrc() });
    await sh.prompt(1);
    sh.type("(cd /tmp && exit 2)");
    const [c] = await sh.commandCount(1);
    expect(c).toMatchObject({ commandLine: "(cd /tmp && exit 2)", exitCode: 2 });
  });

  it("works for users who run with set -u", async () => {
    await using sh = startShell("bash", { files: bashrc("set -u") });
    await sh.prompt(1);
    sh.type("echo strict");
    const [c] = await sh.commandCount(1);
    expect(c).toMatchObject({ commandLine: "echo strict", output: "strict\n", exitCode: 0 });
    expect(sh.screen).not.toMatch(/unbound variable/);
  });

  it("keeps the user's PS0 and wraps a PS1 their PROMPT_COMMAND rewrites", async () => {
    await using sh = startShell("bash", { files: { ".bashrc": `PS0='ps0-ran\\n'\nPROMPT_COMMAND='PS1="dt-ready$ "'\n` } });
    await sh.prompt(1);
    sh.type("echo x");
    const [c] = await sh.commandCount(1);
    // PS0 prints after devtrace's C, so the user's PS0 output belongs to the command.
    expect(c.output).toBe("ps0-ran\nx\n");
  });

  it("reads the profile files for a login shell", async () => {
    await using sh = startShell("bash", { login: true, files: { ".bash_profile": "PS1='dt-ready$ '\nFROM_PROFILE=yes\n", ".bashrc": "FROM_BASHRC=yes\n" } });
    await sh.prompt(1);
    sh.type('echo "profile=${FROM_PROFILE-} bashrc=${FROM_BASHRC-}"');
    const [c] = await sh.commandCount(1);
    expect(c.output).toBe("profile=yes bashrc=\n");
  });
});
