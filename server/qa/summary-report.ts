import { TestOutcome } from "../../gen/devtrace/v1/qa_pb.js";
import { countCases, type ParsedCase, type ParsedReport } from "./test-case-result.js";

/**
 * Reads test counts (and per-test lines where the runner prints them) from console
 * output of pytest, cargo test, go test, jest and vitest. Undefined when no runner's
 * summary is recognised: the caller then falls back on the exit code.
 */
export function parseSummary(output: string): ParsedReport | undefined {
  const text = output.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").replace(/\r\n?/g, "\n");
  return parsePytest(text) ?? parseCargo(text) ?? parseGo(text) ?? parseJest(text) ?? parseVitest(text);
}

function num(m: RegExpMatchArray | null | undefined): number {
  return m ? Number(m[1]) : 0;
}

function pick(line: string, word: string): number {
  return num(line.match(new RegExp(`(\\d+) ${word}`)));
}

const pytestOutcomes: Record<string, TestOutcome> = {
  PASSED: TestOutcome.PASSED,
  XPASS: TestOutcome.PASSED,
  FAILED: TestOutcome.FAILED,
  ERROR: TestOutcome.ERROR,
  SKIPPED: TestOutcome.SKIPPED,
  XFAIL: TestOutcome.SKIPPED,
};

/** pytest: "=== 1 failed, 2 passed in 0.1s ===" (or -q without the rules), per-test lines with -v / -rA. */
export function parsePytest(text: string): ParsedReport | undefined {
  const lines = text.split("\n");
  const summary = [...lines].reverse().find((l) => /^=*\s*((\d+ (passed|failed|errors?|skipped|xfailed|xpassed|deselected|warnings?)(, )?)+|no tests ran)\b.*\bin [\d.]+s\b/.test(l.trim()));
  const started = lines.some((l) => /^=+ test session starts =+$/.test(l.trim()));
  if (!summary && !started) return undefined;
  const byName = new Map<string, ParsedCase>();
  for (const l of lines) {
    const verbose = l.match(/^(\S+::\S+)\s+(PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS)\b/);
    const short = l.match(/^(PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS) (\S+::\S+)/);
    const [name, word] = verbose ? [verbose[1], verbose[2]] : short ? [short[2], short[1]] : [];
    if (name && word) byName.set(name, { name, outcome: pytestOutcomes[word], durationMs: 0, message: "" });
  }
  const cases = [...byName.values()];
  const interrupted = lines.some((l) => /Interrupted: \d+ errors? during collection|errors? during collection/.test(l));
  const s = summary ?? "";
  const counted = {
    passed: pick(s, "passed") + pick(s, "xpassed"),
    failed: pick(s, "failed"),
    skipped: pick(s, "skipped") + pick(s, "xfailed"),
    errors: pick(s, "errors?"),
  };
  return { format: "pytest", ...(summary ? counted : countCases(cases)), cases, interrupted };
}

/** cargo test: "test a::b ... ok|FAILED|ignored" and "test result: … N passed; M failed; K ignored". */
export function parseCargo(text: string): ParsedReport | undefined {
  const results = [...text.matchAll(/^test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored/gm)];
  if (results.length === 0) return undefined;
  const cases: ParsedCase[] = [];
  for (const m of text.matchAll(/^test (\S+) \.\.\. (ok|FAILED|ignored)/gm)) {
    const outcome = m[2] === "ok" ? TestOutcome.PASSED : m[2] === "FAILED" ? TestOutcome.FAILED : TestOutcome.SKIPPED;
    cases.push({ name: m[1], outcome, durationMs: 0, message: "" });
  }
  const sum = (i: number) => results.reduce((n, m) => n + Number(m[i]), 0);
  return { format: "cargo", passed: sum(1), failed: sum(2), skipped: sum(3), errors: 0, cases, interrupted: false };
}

/** go test: "--- PASS|FAIL|SKIP: TestX (0.00s)" with -v; else one case per package from "ok"/"FAIL" lines. */
export function parseGo(text: string): ParsedReport | undefined {
  const outcomes: Record<string, TestOutcome> = { PASS: TestOutcome.PASSED, FAIL: TestOutcome.FAILED, SKIP: TestOutcome.SKIPPED };
  const cases: ParsedCase[] = [];
  for (const m of text.matchAll(/^\s*--- (PASS|FAIL|SKIP): (\S+) \(([\d.]+)s\)/gm)) {
    cases.push({ name: m[2], outcome: outcomes[m[1]], durationMs: Number(m[3]) * 1000, message: "" });
  }
  const packages = [...text.matchAll(/^(ok|FAIL|---? ?FAIL)\s+(\S+)\s+(\(cached\)|[\d.]+s|\[[^\]]+\])/gm)];
  if (cases.length === 0 && packages.length === 0) return undefined;
  if (cases.length === 0) {
    for (const m of packages) cases.push({ name: m[2], outcome: m[1] === "ok" ? TestOutcome.PASSED : TestOutcome.FAILED, durationMs: 0, message: "" });
  }
  const buildFailed = /\[build failed\]|\[setup failed\]/.test(text);
  return { format: "go", ...countCases(cases), cases, interrupted: buildFailed && cases.every((c) => c.outcome !== TestOutcome.PASSED) };
}

/** jest: "Tests:       1 failed, 1 skipped, 4 passed, 6 total". */
export function parseJest(text: string): ParsedReport | undefined {
  const line = text.split("\n").reverse().find((l) => /^Tests:\s+.*\d+ total/.test(l));
  if (!line) return undefined;
  return { format: "jest", passed: pick(line, "passed"), failed: pick(line, "failed"), skipped: pick(line, "skipped") + pick(line, "todo"), errors: 0, cases: [], interrupted: false };
}

/** vitest: "      Tests  2 failed | 5 passed | 1 skipped (8)". */
export function parseVitest(text: string): ParsedReport | undefined {
  const line = text.split("\n").reverse().find((l) => /^\s*Tests\s+.*\(\d+\)\s*$/.test(l));
  if (!line) return undefined;
  const files = text.split("\n").find((l) => /^\s*Test Files\s+/.test(l)) ?? "";
  // A test file that fails to load counts as a failed file with no failed test: an error.
  const errors = pick(line, "failed") === 0 ? pick(files, "failed") : 0;
  return { format: "vitest", passed: pick(line, "passed"), failed: pick(line, "failed"), skipped: pick(line, "skipped") + pick(line, "todo"), errors, cases: [], interrupted: false };
}
