import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { describe } from "vitest";

/** Outside services some tests need; each is found or built by .ci/run. */
export type Need = "docker" | "ferretdb" | "grpcurl" | "ghz" | "zsh" | "sample-image" | "pytest";

/** Where .ci/run caches the Go tools it builds (ferretdb, grpcurl, ghz). */
export const toolsDir = process.env.DEVTRACE_TOOLS_DIR ?? join(homedir(), ".cache", "devtrace-ci", "bin");

/** The Docker image built from sample_repo/ by .ci/build-sample-image.sh. */
export const sampleImage = "devtrace/sample-python:1";

/** Absolute path of a tool binary, or undefined when it is nowhere to be found. */
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

function works(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: "ignore", timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

const checks: Record<Need, () => boolean> = {
  docker: () => works("docker", ["info"]),
  "sample-image": () => works("docker", ["image", "inspect", sampleImage]),
  ferretdb: () => findTool("ferretdb") !== undefined,
  grpcurl: () => findTool("grpcurl") !== undefined,
  ghz: () => findTool("ghz") !== undefined,
  zsh: () => findTool("zsh") !== undefined,
  pytest: () => works("python3", ["-m", "pytest", "--version"]),
};

const memo = new Map<Need, boolean>();

/** True when the need is met; memoized per process. */
export function has(need: Need): boolean {
  let ok = memo.get(need);
  if (ok === undefined) memo.set(need, (ok = checks[need]()));
  return ok;
}

/**
 * describe() for tests that need outside services. On a laptop without them the
 * suite is skipped with a loud warning; in CI (CI=true) a missing piece fails the run.
 */
export function describeWith(needs: Need[], name: string, fn: () => void): void {
  const missing = needs.filter((n) => !has(n));
  if (missing.length === 0) {
    describe(name, fn);
    return;
  }
  const why = `${name}: needs ${missing.join(", ")} (run .ci/run or see README "Tests")`;
  if (process.env.CI === "true") {
    describe(name, () => {
      throw new Error(`CI is missing ${missing.join(", ")}: ${why}`);
    });
    return;
  }
  console.warn(`\n  ⚠ SKIPPED ${why}\n`);
  describe.skipIf(true)(name, fn);
}
