import { cpSync, existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWith, sampleImage } from "../../helpers/infra.js";
import { cliPath, repoRoot, spawnServer, type ServerProcess } from "../../helpers/server-process.js";
import { tempGitRepo, type TempGitRepo } from "../../helpers/temp-git-repo.js";
import { devtrace } from "./cli-terminal.js";

let server: ServerProcess | undefined;
let repo: TempGitRepo | undefined;
let env: Record<string, string>;

beforeAll(() => {
  if (!existsSync(cliPath)) execFileSync("npx", ["tsc", "-p", "tsconfig.json"], { cwd: repoRoot, stdio: "inherit" });
});

afterAll(async () => {
  if (repo) {
    await devtrace(["agent", "stop", "--timeout", "0"], { cwd: repo.dir, env });
    repo[Symbol.dispose]();
  }
  if (server) await server[Symbol.asyncDispose]();
});

describeWith(["docker", "sample-image"], "devtrace finalize --wait", () => {
  it("seals the working tree as the final patch, follows QA and prints the scores", { timeout: 600_000 }, async () => {
    server = await spawnServer({ args: ["--workers", "1"] });
    repo = tempGitRepo();
    const r = repo;
    cpSync(join(repoRoot, "sample_repo"), r.dir, { recursive: true });
    r.git("add", "-A");
    r.git("-c", "user.name=Dev", "-c", "user.email=dev@example.test", "commit", "-qm", "shopcart with bug #142");
    env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: r.dir, DEVTRACE_SERVER: server.url, DEVTRACE_TOKEN: server.credentials().ingest_token };
    const start = await devtrace(
      ["agent", "start", "--task", "Bug #142: 10 units get no bulk discount", "--test-command", "python3 -m pytest -q", "--test-image", sampleImage],
      { cwd: r.dir, env },
    );
    expect(start.code, start.stderr).toBe(0);
    await devtrace(["note", "the rules say 10 or more; bulk_discount_rate() uses >", "--tag", "hypothesis"], { cwd: r.dir, env });
    r.git("apply", join(repoRoot, "test/fixtures/sample_repo/fix-correct.patch"));
    await devtrace(["note", "changed > to >=; the 10-unit tests should pass now", "--tag", "decision"], { cwd: r.dir, env });

    const fin = await devtrace(["finalize", "--wait"], { cwd: r.dir, env, timeoutMs: 540_000 });
    if (process.env.DEVTRACE_TEST_SHOW) console.log(fin.stdout, fin.stderr);
    expect(fin.code, `${fin.stdout}\n${fin.stderr}`).toBe(0);
    expect(fin.stdout).toMatch(/trace \S+ finalized: \d+ events, final patch \d+ bytes; QA queued/);
    expect(fin.stdout).toMatch(/trace \S+: done/);
    expect(fin.stdout).toContain("verdict: resolved");
    expect(fin.stdout).toContain("fail→pass: tests/test_cart.py::test_ten_mugs_get_bulk_discount_in_cart_total");
    expect(fin.stdout).toMatch(/problem_understanding\s+[1-5]\/5/);
    expect(fin.stdout).toMatch(/overall QA score: (0|1)\.\d{3}/);
    expect(fin.stderr).toMatch(/running_tests/);
    // Piped: one plain line per stage, with how long it took and its limit.
    expect(fin.stderr).toMatch(/running tests: \d+ s \(limit 600 s per run\) — done/);
    expect(existsSync(join(r.dir, ".git", "devtrace", "trace.json"))).toBe(false);
  });
});
