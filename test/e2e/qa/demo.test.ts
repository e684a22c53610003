import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { describeWith } from "../../helpers/infra.js";
import { repoRoot } from "../../helpers/server-process.js";

const run = promisify(execFile);
const demo = join(repoRoot, "demo", "run-demo.mjs");

async function runDemo(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("DEVTRACE_") && !k.startsWith("OPENAI_")));
  try {
    const { stdout, stderr } = await run(process.execPath, [demo, ...args], { env: { ...clean, ...env }, timeout: 180_000 });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

describeWith(["docker", "sample-image"], "npm run demo", () => {
  it("records, finalizes and prints the scored trace of the correct fix", async () => {
    const { code, out } = await runDemo([]);
    expect(out).toContain("Verdict: RESOLVED");
    expect(out).toMatch(/Judge: heuristic \(HEURISTIC/);
    expect(out).toMatch(/Overall QA score: \d\.\d{3}/);
    expect(out).toMatch(/finalize → DONE: [\d.]+ s/);
    expect(out).toMatch(/two bare `docker run` .*: [\d.]+ s/);
    expect(code).toBe(0);
  }, 200_000);

  it("shows the regression of the fix that breaks another test", async () => {
    const { out } = await runDemo(["--fix", "fix-breaks-other"]);
    expect(out).toMatch(/test_discounted_line_is_rounded_once\s+REGRESSION/);
    expect(out).toContain("Verdict: PARTIAL");
  }, 200_000);
});

describe("npm run demo without a Docker engine", () => {
  it("says plainly that Docker is missing and how to get it", async () => {
    const { code, out } = await runDemo([], { DOCKER_HOST: "unix:///nonexistent/docker.sock" });
    expect(code).toBe(1);
    expect(out).toContain("No Docker engine answered");
    expect(out).toMatch(/install Docker Engine/);
  }, 60_000);
});
