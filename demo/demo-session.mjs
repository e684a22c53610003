// The scripted session the demo records: reproduce the bug, read the code, reason, fix, re-run.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const gitEnv = { ...process.env, GIT_AUTHOR_NAME: "Demo Dev", GIT_AUTHOR_EMAIL: "demo@example.test", GIT_COMMITTER_NAME: "Demo Dev", GIT_COMMITTER_EMAIL: "demo@example.test" };

function git(cwd, ...args) {
  return execFileSync("git", args, { cwd, env: gitEnv, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/**
 * Copies sample_repo/ into a fresh git repository (the "developer's checkout"), commits
 * it as the base, applies the chosen fixture fix and returns the base commit and final patch.
 * @param {string} root repository root
 * @param {string} fix fixture name: fix-correct | fix-partial | fix-breaks-other
 */
export function prepareCheckout(root, fix) {
  const parent = mkdtempSync(join(tmpdir(), "devtrace-demo-repo-"));
  const dir = join(parent, "sample_repo");
  cpSync(join(root, "sample_repo"), dir, { recursive: true });
  git(dir, "init", "-q", "-b", "main");
  git(dir, "add", ".");
  git(dir, "-c", "commit.gpgsign=false", "commit", "-qm", "sample_repo as shipped (bug #142)");
  const baseCommit = git(dir, "rev-parse", "HEAD").trim();
  git(dir, "apply", join(root, "test", "fixtures", "sample_repo", `${fix}.patch`));
  // Untrimmed: a diff can end with a context line that is a single space.
  const finalPatch = git(dir, "diff", "--no-color");
  return { parent, dir, baseCommit, finalPatch };
}

let seq = 0n;
const t0 = Date.now() - 10 * 60_000;

function event(kind) {
  seq += 1n;
  const ms = t0 + Number(seq) * 45_000;
  return { seq, sessionId: "demo-term-1", time: { seconds: BigInt(Math.floor(ms / 1000)), nanos: 0 }, kind };
}

/** What the developer's last local test run printed, per fixture fix (see test/fixtures/sample_repo/README.md). */
const lastRun = {
  "fix-correct": { exitCode: 0, output: ".............\n13 passed in 0.05s" },
  "fix-partial": { exitCode: 1, output: "....F........\nFAILED tests/test_pricing.py::test_fifty_units_get_fifteen_percent_off\n1 failed, 12 passed in 0.05s" },
  "fix-breaks-other": { exitCode: 1, output: "......F......\nFAILED tests/test_pricing.py::test_discounted_line_is_rounded_once\n1 failed, 12 passed in 0.05s" },
};

/**
 * The events of the session, as the agent would have recorded them.
 * @param {string} finalPatch
 * @param {string} root
 * @param {keyof typeof lastRun} fix
 */
export function sessionEvents(finalPatch, root, fix) {
  seq = 0n;
  const pricing = readFileSync(join(root, "sample_repo", "shopcart", "pricing.py"), "utf8");
  return [
    event({ case: "thought", value: { text: "Bug #142: a customer buying exactly 10 mugs got no bulk discount. Rules say 10 or more. Reproducing first.", tags: ["plan"] } }),
    event({ case: "terminalCommand", value: { commandLine: "python3 -m pytest -q", cwd: "~/sample_repo", exitCode: 1, durationMs: 640n, output: "...F.F.F......\nFAILED tests/test_cart.py::test_ten_mugs_get_bulk_discount_in_cart_total\nFAILED tests/test_pricing.py::test_ten_units_get_ten_percent_off\nFAILED tests/test_pricing.py::test_fifty_units_get_fifteen_percent_off\n3 failed, 10 passed in 0.05s", shell: "bash" } }),
    event({ case: "fileOpened", value: { path: "shopcart/pricing.py", language: "python" } }),
    event({ case: "terminalCommand", value: { commandLine: "grep -n 'min_quantity' -r shopcart", cwd: "~/sample_repo", exitCode: 0, durationMs: 12n, output: pricing.split("\n").map((l, i) => [i + 1, l]).filter(([, l]) => l.includes("min_quantity")).map(([n, l]) => `shopcart/pricing.py:${n}:${l}`).join("\n"), shell: "bash" } }),
    event({ case: "thought", value: { text: "Both failing tiers sit exactly on a boundary (10 and 50), so the comparison is strict (>) where the rules say 'or more' (>=). Changing the comparison rather than the tier table keeps the table matching the written rules.", tags: ["hypothesis", "decision"] } }),
    event({ case: "fileEdit", value: { path: "shopcart/pricing.py", unifiedDiff: finalPatch, linesAdded: 1, linesRemoved: 1 } }),
    event({ case: "terminalCommand", value: { commandLine: "python3 -m pytest -q", cwd: "~/sample_repo", durationMs: 610n, shell: "bash", ...lastRun[fix] } }),
    event({ case: "thought", value: { text: lastRun[fix].exitCode === 0 ? "All 13 pass, including the rounding test, so totals for other tiers are unchanged. No customer data or secrets were touched." : "One test still fails; shipping anyway to meet the deadline.", tags: ["verify"] } }),
  ];
}
