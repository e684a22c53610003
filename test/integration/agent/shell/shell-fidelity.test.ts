import { timestampDate } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { terminalCommandEvent } from "../../../../agent/shell/terminal-command.js";
import { describeWith } from "../../../helpers/infra.js";
import { bashrc, startShell, zshrc } from "./shell-driver.js";

/** Gaps a scripted 30-step tmux session found (issue 12); each asserts on the recorded command. */
function fidelitySuite(shell: string, rc: (extra?: string) => Record<string, string>): void {
  it("stores a backslash continuation exactly as typed", async () => {
    await using sh = startShell(shell, { files: rc("PS2='> '") });
    await sh.prompt(1);
    sh.type("echo one two \\");
    sh.type("three four \\");
    sh.type("  five");
    const [c] = await sh.commandCount(1);
    expect(c).toMatchObject({ commandLine: "echo one two \\\nthree four \\\n  five", output: "one two three four five\n", exitCode: 0 });
  });

  it("keeps an escaped backslash at the end of a quoted continuation as it was", async () => {
    await using sh = startShell(shell, { files: rc("PS2='> '") });
    await sh.prompt(1);
    sh.type("echo 'a\\");
    sh.type("b' c\\\\");
    const [c] = await sh.commandCount(1);
    expect(c.commandLine).toBe("echo 'a\\\nb' c\\\\");
    expect(c.output).toBe("a\\\nb c\\\n");
  });

  it("records a full-screen program as full-screen with the bytes it drew, not the bytes", async () => {
    const notes = Array.from({ length: 200 }, (_, i) => `note line ${i}`).join("\n");
    await using sh = startShell(shell, { files: { ...rc(), "notes.txt": `${notes}\n` }, env: { LESS: "" } });
    await sh.prompt(1);
    sh.type("echo before; less notes.txt; echo after");
    await sh.until("less to show the file", () => sh.screen.includes("note line 30"));
    sh.session.write("G"); // to the end: more drawing
    await sh.until("the end of the file", () => sh.screen.includes("note line 199"));
    sh.session.write("q");
    const [c] = await sh.commandCount(1);
    expect(c.output).toBe("before\nafter\n");
    expect(c.fullScreen).toBe(true);
    expect(c.fullScreenBytes).toBeGreaterThan(1_000);
    expect(c.outputBytes).toBe("before\nafter\n".length);
  });

  it("keeps the final state of progress bars redrawn with CR, CSI 1G or CSI 2K", async () => {
    await using sh = startShell(shell, { files: rc() });
    await sh.prompt(1);
    sh.type("printf 'get 10%%\\rget 50%%\\rget 100%%\\nbuild 1/3\\033[1Gbuild 3/3\\nsync 1\\033[2K\\rsync done\\n'");
    const [c] = await sh.commandCount(1);
    expect(c.output).toBe("get 100%\nbuild 3/3\nsync done\n");
    expect(c.fullScreen).toBe(false);
  });

  it("makes output valid UTF-8 and counts the bytes it replaced", async () => {
    await using sh = startShell(shell, { files: rc() });
    await sh.prompt(1);
    sh.type("printf 'ok \\377\\376 caf\\303\\251 \\342\\202 end\\n'");
    const [c] = await sh.commandCount(1);
    expect(c.output).toBe("ok \uFFFD\uFFFD café \uFFFD end\n");
    expect(c.outputBytesReplaced).toBe(4);
  });

  it("times a command's event at its start, so it sorts before what the command caused", async () => {
    await using sh = startShell(shell, { files: rc() });
    await sh.prompt(1);
    const typed = Date.now();
    sh.type("sleep 1.5");
    const [c] = await sh.commandCount(1);
    expect(c.startedAt.getTime()).toBeGreaterThanOrEqual(typed - 50);
    expect(c.startedAt.getTime()).toBeLessThan(typed + 1_000);
    expect(c.durationMs).toBeGreaterThanOrEqual(1_400);
    const event = terminalCommandEvent(c, "s1");
    expect(timestampDate(event.time!).getTime()).toBe(c.startedAt.getTime());
    expect(timestampDate(event.time!).getTime()).toBeLessThan(typed + 1_000);
  });
}

describe("shell fidelity: bash", () => fidelitySuite("bash", bashrc));
describeWith(["zsh"], "shell fidelity: zsh", () => fidelitySuite("zsh", zshrc));
