import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeWith } from "../../../helpers/infra.js";
import { shellScriptsDir } from "../../../../agent/shell/scripts-dir.js";

const dir = shellScriptsDir();
const zshFiles = ["devtrace.zsh", ...readdirSync(join(dir, "zsh")).map((f) => join("zsh", f))];

/** Names a script defines or assigns at top level, outside the `__devtrace_` prefix. */
function unprefixedNames(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(/^\s*(?:typeset -g\s+)?([A-Za-z_][A-Za-z0-9_]*)(?:\(\)\s*\{|=)/gm)) names.add(m[1]);
  return [...names].filter((n) => !n.startsWith("__devtrace_"));
}

describe("bash integration scripts", () => {
  it.each(["devtrace.bash", "devtrace-hooks.bash"])("%s parses (bash -n)", (file) => {
    expect(() => execFileSync("bash", ["-n", join(dir, file)], { stdio: "pipe" })).not.toThrow();
  });

  it.each(["devtrace.bash", "devtrace-hooks.bash"])("%s only defines __devtrace_ names (and the prompt variables it wraps)", (file) => {
    const text = execFileSync("cat", [join(dir, file)], { encoding: "utf8" });
    expect(unprefixedNames(text).filter((n) => !["PROMPT_COMMAND", "PS1", "PS0", "HISTCONTROL", "HISTIGNORE", "HISTSIZE"].includes(n))).toEqual([]);
  });
});

describeWith(["zsh"], "zsh integration scripts", () => {
  it.each(zshFiles)("%s parses (zsh -n)", (file) => {
    expect(() => execFileSync("zsh", ["-n", join(dir, file)], { stdio: "pipe" })).not.toThrow();
  });

  it.each(zshFiles)("%s only defines __devtrace_ names (and the variables it wraps)", (file) => {
    const text = execFileSync("cat", [join(dir, file)], { encoding: "utf8" });
    expect(unprefixedNames(text).filter((n) => !["PS1", "PROMPT_EOL_MARK", "precmd_functions", "preexec_functions", "ZDOTDIR", "REPLY"].includes(n))).toEqual([]);
  });
});
