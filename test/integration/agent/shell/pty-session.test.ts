import { describe, expect, it } from "vitest";
import { PtySession } from "../../../../agent/shell/pty-session.js";
import { bashrc, PROMPT, startShell } from "./shell-driver.js";

describe("PtySession", () => {
  it("runs a shell it cannot record plainly, with a one-line warning", async () => {
    await using sh = startShell("/bin/sh", { env: { PS1: PROMPT } });
    expect(sh.session.integration).toBeUndefined();
    expect(sh.session.warning).toMatch(/^devtrace: sh is not bash or zsh;.*not recorded$/);
    sh.type("echo plain-$((40 + 2))");
    sh.type("exit 9");
    const exit = await sh.session.exited;
    expect(exit.exitCode).toBe(9);
    // The arithmetic shows the shell ran the line (its typed echo reads "$((40 + 2))").
    expect(sh.screen).toContain("plain-42");
    expect(sh.commands).toEqual([]);
  });

  it("runs several recorded shells at once, each with its own session_id", async () => {
    const ids = ["term-a", "term-b", "term-c"];
    const shells = ids.map((sessionId) => startShell("bash", { files: bashrc(), sessionId }));
    try {
      await Promise.all(shells.map((sh) => sh.prompt(1)));
      for (const sh of shells) sh.type('echo "I am $DEVTRACE_SESSION_ID"');
      const results = await Promise.all(shells.map((sh) => sh.commandCount(1)));
      expect(results.map((commands) => commands.map((c) => c.output))).toEqual(ids.map((id) => [`I am ${id}\n`]));
      expect(shells.map((sh) => sh.session.sessionId)).toEqual(ids);
    } finally {
      await Promise.all(shells.map((sh) => sh[Symbol.asyncDispose]()));
    }
  });

  it("close() ends a shell that ignores SIGHUP", async () => {
    await using sh = startShell("bash", { files: bashrc("trap '' HUP") });
    await sh.prompt(1);
    const exit = await sh.session.close(1_000);
    expect(sh.session.hasExited).toBe(true);
    expect(typeof exit.exitCode).toBe("number");
  });

  it("close() while a command runs reports it without an exit code", async () => {
    await using sh = startShell("bash", { files: bashrc() });
    await sh.prompt(1);
    sh.type("sh -c 'echo running; exec sleep 60'");
    await sh.until("the command to run", () => /^running$/m.test(sh.screen));
    await sh.session.close();
    expect(sh.commands).toHaveLength(1);
    expect(sh.commands[0]).toMatchObject({ commandLine: "sh -c 'echo running; exec sleep 60'", output: "running\n" });
    expect("exitCode" in sh.commands[0]).toBe(false);
  });

  it("resizes the terminal, clamping sizes a pty refuses", async () => {
    await using sh = startShell("bash", { files: bashrc() });
    await sh.prompt(1);
    sh.session.resize(132, 43);
    sh.type("stty size");
    await sh.commandCount(1);
    sh.session.resize(0, -3);
    sh.type("stty size");
    await sh.commandCount(2);
    sh.session.resize(Number.NaN, 50.7);
    sh.type("stty size");
    const commands = await sh.commandCount(3);
    expect(commands.map((c) => c.output)).toEqual(["43 132\n", "1 1\n", "50 1\n"]);
  });

  it("stops telling a listener once its subscription is disposed", async () => {
    await using sh = startShell("bash", { files: bashrc() });
    const heard: string[] = [];
    const sub = sh.session.onCommand((c) => heard.push(c.commandLine));
    await sh.prompt(1);
    sh.type("echo one");
    await sh.commandCount(1);
    sub.dispose();
    sh.type("echo two");
    await sh.commandCount(2);
    expect(heard).toEqual(["echo one"]);
  });

  it("reports commands and output before its exit, and ignores writes after it", async () => {
    await using sh = startShell("bash", { files: bashrc() });
    const order: string[] = [];
    sh.session.onCommand((c) => order.push(`command ${c.commandLine}`));
    sh.session.onExit((e) => order.push(`exit ${e.exitCode}`));
    await sh.prompt(1);
    sh.type("echo last; exit 3");
    await sh.session.exited;
    expect(order).toEqual(["command echo last; exit 3", "exit 3"]);
    expect(() => sh.session.write("ignored\r")).not.toThrow();
    expect(() => sh.session.resize(10, 10)).not.toThrow();
  });

  // node-pty drops what is unread 200 ms after the child exits, and libuv takes the pty's hang-up
  // after a short read for its end (microsoft/node-pty#72, #726): a session paused for
  // backpressure, or read as fast as it comes, would lose the end of the terminal.
  it.each([
    ["paused for a second", 1_000],
    ["read as it comes", 0],
  ])("delivers every byte and the last command when the shell exits with its output %s", async (_, pauseMs) => {
    for (let round = 0; round < 3; round++) {
      await using sh = startShell("bash", { files: bashrc() });
      await sh.prompt(1);
      if (pauseMs) sh.session.pause();
      sh.type("head -c 100000 /dev/zero | tr '\\0' x; exit 4");
      const exited = sh.session.exited;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      sh.session.resume();
      expect((await exited).exitCode).toBe(4);
      expect(sh.commands).toHaveLength(1);
      // Everything tr wrote, then bash's own "exit" as it leaves.
      const [c] = sh.commands;
      expect(c).toMatchObject({ commandLine: "head -c 100000 /dev/zero | tr '\\0' x; exit 4", outputBytes: 100_000 + "exit\n".length });
      expect(c.output.endsWith(`${"x".repeat(32 * 1024 - 5)}exit\n`)).toBe(true);
    }
  });

  it("still ends when a background job keeps the terminal open after the shell exits", async () => {
    await using sh = startShell("bash", { files: bashrc() });
    await sh.prompt(1);
    // setsid: the job is not the shell's to hang up, and it holds the pty (its stdout) for 60 s.
    sh.type("setsid sleep 60 & exit 5");
    expect((await sh.session.exited).exitCode).toBe(5);
  });

  it.each([
    ["/nonexistent/bash", "/tmp", /cannot start the shell \/nonexistent\/bash: no such executable/],
    ["no-such-shell-anywhere", "/tmp", /cannot start the shell no-such-shell-anywhere: no such executable/],
    ["bash", "/nonexistent-dir", /cannot start the shell in \/nonexistent-dir: no such directory/],
  ])("refuses to start %s in %s, saying why", (shell, cwd, error) => {
    expect(() => PtySession.start({ shell, env: { PATH: process.env.PATH }, cwd, sessionId: "x" })).toThrow(error);
  });
});
