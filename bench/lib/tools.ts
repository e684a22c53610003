import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

// The same places test/helpers/infra.ts looks (that module pulls in vitest, so the bench
// keeps its own copy of the lookup rather than importing it).
const toolDirs = [process.env.DEVTRACE_TOOLS_DIR ?? join(homedir(), ".cache", "devtrace-ci", "bin"), join(homedir(), "go", "bin")];

/** Absolute path of a tool (ghz, grpcurl, ferretdb): the CI tools cache, ~/go/bin, then PATH. */
export function findTool(name: string): string | undefined {
  for (const dir of toolDirs) {
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

/** First line of `cmd args`, or "?" when it fails: for the versions in RESULTS.md. */
export function versionOf(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", timeout: 10_000, stdio: ["ignore", "pipe", "pipe"] }).trim().split("\n")[0];
  } catch {
    return "?";
  }
}
