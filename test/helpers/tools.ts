import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

// No vitest import here: the benchmarks (bench/) use this module too.

/** Where .ci/run caches the Go tools it builds (ferretdb, grpcurl, ghz). */
export const toolsDir = process.env.DEVTRACE_TOOLS_DIR ?? join(homedir(), ".cache", "devtrace-ci", "bin");

/**
 * The Python of the export validators' venv (pyarrow, datasets, swebench): $DEVTRACE_PYTHON, as
 * .ci/run exports it, else the venv .ci/run makes under ~/.cache/devtrace-ci/pyenv.
 */
export const pythonPath = process.env.DEVTRACE_PYTHON ?? join(homedir(), ".cache", "devtrace-ci", "pyenv", "bin", "python");

/** Absolute path of a tool binary: the CI tools cache, ~/go/bin, then PATH; undefined when absent. */
export function findTool(name: string): string | undefined {
  for (const dir of [toolsDir, join(homedir(), "go", "bin")]) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  try {
    return execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** True when `cmd args` exits 0 within 10 s. */
export function works(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: "ignore", timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** Debian's chromium for the workbench's browser tests (playwright-core drives it); undefined when absent. */
export function findChromium(): string | undefined {
  return process.env.DEVTRACE_CHROMIUM ?? findTool("chromium");
}
