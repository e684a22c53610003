import { execFileSync } from "node:child_process";

export { findTool, works } from "../../test/helpers/tools.js";

/** First line of `cmd args`, or "?" when it fails: for the versions in RESULTS.md. */
export function versionOf(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", timeout: 10_000, stdio: ["ignore", "pipe", "pipe"] }).trim().split("\n")[0];
  } catch {
    return "?";
  }
}
