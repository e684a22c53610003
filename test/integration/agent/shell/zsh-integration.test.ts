import { expect, it } from "vitest";
import { describeWith } from "../../../helpers/infra.js";
import { PROMPT, startShell, zshrc } from "./shell-driver.js";

describeWith(["zsh"], "devtrace.zsh and the ZDOTDIR wrapper", () => {
  it("keeps the user's precmd and preexec hooks running, precmd seeing the command's $?", async () => {
    const rc = [
      "precmd() { fn_status=$? }",
      "hook_status() { hook_status=$? }",
      "count_preexec() { pre_runs=$((pre_runs+1)) }",
      "precmd_functions+=(hook_status)",
      "preexec_functions+=(count_preexec)",
    ].join("\n");
    await using sh = startShell("zsh", { files: zshrc(rc) });
    await sh.prompt(1);
    await sh.run("sh -c 'exit 5'");
    await sh.run('echo "fn=$fn_status hook=$hook_status pre=$pre_runs"');
    sh.type("echo status=$?");
    const [, hooks] = await sh.commandCount(2);
    expect(hooks.output).toBe("fn=5 hook=5 pre=2\n");
    const [, , status] = await sh.commandCount(3);
    expect(status.output).toBe("status=0\n");
  });

  it("keeps $? for the next command line", async () => {
    await using sh = startShell("zsh", { files: zshrc() });
    await sh.prompt(1);
    sh.type("sh -c 'exit 6'");
    sh.type("echo status=$?");
    const [, c] = await sh.commandCount(2);
    expect(c.output).toBe("status=6\n");
  });

  it("keeps output that does not end in a newline, without PROMPT_SP's end-of-line mark", async () => {
    await using sh = startShell("zsh", { files: zshrc() });
    await sh.prompt(1);
    sh.type("printf 'no newline'");
    const [c] = await sh.commandCount(1);
    expect(c.output).toBe("no newline");
  });

  it("still reports exit codes with PROMPT_SP off", async () => {
    await using sh = startShell("zsh", { files: zshrc("unsetopt PROMPT_SP") });
    await sh.prompt(1);
    sh.type("sh -c 'echo out; exit 4'");
    const [c] = await sh.commandCount(1);
    expect(c).toMatchObject({ exitCode: 4, output: "out\n" });
  });

  it("records every command whatever the history options say, but a leading space", async () => {
    await using sh = startShell("zsh", { files: zshrc("setopt HIST_IGNORE_SPACE HIST_IGNORE_ALL_DUPS HIST_NO_STORE\nHISTORY_IGNORE='(pwd)'") });
    await sh.prompt(1);
    for (const line of ["echo one", "echo one", "pwd", " echo private", "history"]) sh.type(line);
    const commands = await sh.commandCount(4);
    await sh.prompt(6);
    expect(commands.map((c) => c.commandLine)).toEqual(["echo one", "echo one", "pwd", "history"]);
  });

  it("loads the user's files from their ZDOTDIR, and gives it back to them", async () => {
    await using sh = startShell("zsh", {
      files: { ".zshrc": "WRONG_FILE=1\n" },
      env: { ZDOTDIR: "/nonexistent" },
    });
    // The user's ZDOTDIR has no .zshrc: zsh's default prompt, and nothing from $HOME/.zshrc.
    await sh.until("a prompt", () => sh.screen.length > 0 && !sh.session.hasExited);
    sh.type('echo "zdotdir=$ZDOTDIR wrong=${WRONG_FILE-}"');
    const [c] = await sh.commandCount(1);
    expect(c.output).toBe("zdotdir=/nonexistent wrong=\n");
  });

  it("follows a ZDOTDIR set by the user's .zshenv, and leaves ZDOTDIR unset when the user had none", async () => {
    await using sh = startShell("zsh", {
      files: { ".zshenv": 'ZDOTDIR="$HOME/conf"; mkdir -p "$ZDOTDIR"; print -r -- "PS1=\'dt-ready$ \'; FROM_CONF=yes" > "$ZDOTDIR/.zshrc"\n' },
    });
    await sh.prompt(1);
    sh.type('echo "from=$FROM_CONF zdotdir=$ZDOTDIR"');
    const [c] = await sh.commandCount(1);
    expect(c.output).toBe(`from=yes zdotdir=${sh.home}/conf\n`);
  });

  it("leaves no ZDOTDIR behind for child shells when the user had none", async () => {
    await using sh = startShell("zsh", { files: zshrc() });
    await sh.prompt(1);
    sh.type('echo "zdotdir=${ZDOTDIR-unset}"; env | grep -c ^ZDOTDIR=');
    const [c] = await sh.commandCount(1);
    expect(c.output).toBe("zdotdir=unset\n0\n");
  });

  it("reads .zprofile and .zlogin for a login shell", async () => {
    await using sh = startShell("zsh", {
      login: true,
      files: { ".zprofile": "P=1\n", ".zshrc": `PS1='${PROMPT}'\n`, ".zlogin": "L=1\n" },
    });
    await sh.prompt(1);
    sh.type('echo "p=$P l=$L"');
    const [c] = await sh.commandCount(1);
    expect(c.output).toBe("p=1 l=1\n");
  });

  it("keeps recording under a theme that rewrites PS1 in its own precmd", async () => {
    const theme = "theme_precmd() { PS1=\"[$?] dt-ready$ \" }\nprecmd_functions+=(theme_precmd)";
    await using sh = startShell("zsh", { files: zshrc(theme) });
    await sh.prompt(1);
    sh.type("false");
    sh.type("echo themed");
    const commands = await sh.commandCount(2);
    expect(commands.map((c) => [c.commandLine, c.exitCode])).toEqual([
      ["false", 1],
      ["echo themed", 0],
    ]);
    expect(sh.screen).toContain("[1] dt-ready$ ");
  });
});
