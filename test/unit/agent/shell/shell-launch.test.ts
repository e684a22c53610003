import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { shellScriptsDir } from "../../../../agent/shell/scripts-dir.js";
import { shellLaunch, shellName } from "../../../../agent/shell/shell-launch.js";

const base = { sessionId: "s-1", nonce: "abc", scriptsDir: "/pkg/agent/shell/scripts" };

describe("shellLaunch()", () => {
  it("starts bash with devtrace.bash as its rcfile, interactive", () => {
    const l = shellLaunch({ ...base, shell: "/usr/bin/bash", env: { HOME: "/h", PATH: "/bin" } });
    expect(l.integration).toBe("bash");
    expect(l.args).toEqual(["--rcfile", "/pkg/agent/shell/scripts/devtrace.bash", "-i"]);
    expect(l.env).toMatchObject({ HOME: "/h", PATH: "/bin", DEVTRACE_SESSION_ID: "s-1", DEVTRACE_NONCE: "abc" });
    expect(l.env.DEVTRACE_SHELL_LOGIN).toBeUndefined();
    expect(l.warning).toBeUndefined();
  });

  it("asks the bash script to read the profile files for a login shell", () => {
    expect(shellLaunch({ ...base, shell: "bash", env: {}, login: true }).env.DEVTRACE_SHELL_LOGIN).toBe("1");
  });

  it("points zsh at devtrace's ZDOTDIR and hands it the user's", () => {
    const l = shellLaunch({ ...base, shell: "/bin/zsh", env: { ZDOTDIR: "/h/.config/zsh" }, login: true });
    expect(l.integration).toBe("zsh");
    expect(l.args).toEqual(["-i", "-l"]);
    expect(l.env.ZDOTDIR).toBe("/pkg/agent/shell/scripts/zsh");
    expect(l.env.DEVTRACE_USER_ZDOTDIR).toBe("/h/.config/zsh");
  });

  it("tells zsh the user had no ZDOTDIR by leaving it out", () => {
    expect(shellLaunch({ ...base, shell: "zsh", env: {} }).env).not.toHaveProperty("DEVTRACE_USER_ZDOTDIR");
  });

  it("runs any other shell plain, with a one-line warning", () => {
    const l = shellLaunch({ ...base, shell: "/usr/bin/fish", env: { TERM: "screen" } });
    expect(l.integration).toBeUndefined();
    expect(l.args).toEqual([]);
    expect(l.env).not.toHaveProperty("DEVTRACE_NONCE");
    expect(l.env.TERM).toBe("screen");
    expect(l.warning).toMatch(/^devtrace: fish .*not recorded$/);
    expect(l.warning).not.toContain("\n");
  });

  it("never passes on a surrounding session's private variables", () => {
    const l = shellLaunch({ ...base, shell: "bash", env: { DEVTRACE_NONCE: "outer", DEVTRACE_USER_ZDOTDIR: "/x", DEVTRACE_SESSION_ID: "outer" } });
    expect(l.env.DEVTRACE_NONCE).toBe("abc");
    expect(l.env.DEVTRACE_SESSION_ID).toBe("s-1");
    expect(l.env).not.toHaveProperty("DEVTRACE_USER_ZDOTDIR");
  });

  it("gives the shell a TERM when the environment has none", () => {
    expect(shellLaunch({ ...base, shell: "bash", env: {} }).env.TERM).toBe("xterm-256color");
  });
});

describe("shellName()", () => {
  it.each([
    ["/bin/bash", "bash"],
    ["-zsh", "zsh"],
    ["/usr/local/bin/fish", "fish"],
    ["bash", "bash"],
  ])("%s → %s", (shell, name) => {
    expect(shellName(shell)).toBe(name);
  });
});

describe("shellScriptsDir()", () => {
  it("finds the scripts from the package root, wherever the compiled module sits", () => {
    const root = mkdtempSync(join(tmpdir(), "devtrace-pkg-"));
    try {
      writeFileSync(join(root, "package.json"), "{}");
      mkdirSync(join(root, "dist", "agent", "shell"), { recursive: true });
      expect(shellScriptsDir(join(root, "dist", "agent", "shell", "pty-session.js"))).toBe(join(root, "agent", "shell", "scripts"));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("finds this checkout's scripts by default", () => {
    expect(shellScriptsDir()).toBe(join(import.meta.dirname, "..", "..", "..", "..", "agent", "shell", "scripts"));
  });

  it("fails loudly when there is no package root", () => {
    expect(() => shellScriptsDir("/definitely/not/a/package/x.js")).toThrow(/no package.json/);
  });
});
