import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { describeWith, sampleImage } from "../../helpers/infra.js";
import { gitIn } from "../../helpers/temp-git-repo.js";

// The contract between sample_repo/ and the fixture patches that demo, e2e and QA tests rely on:
// which pytest cases fail before the fix and after each kind of attempted fix.
const root = fileURLToPath(new URL("../../../", import.meta.url));
const sampleRepo = join(root, "sample_repo");
const fixtures = join(root, "test", "fixtures", "sample_repo");

const tenUnits = "tests.test_pricing::test_ten_units_get_ten_percent_off";
const fiftyUnits = "tests.test_pricing::test_fifty_units_get_fifteen_percent_off";
const tenMugsCart = "tests.test_cart::test_ten_mugs_get_bulk_discount_in_cart_total";
const roundedOnce = "tests.test_pricing::test_discounted_line_is_rounded_once";

const cases: { label: string; patch?: string; failing: string[] }[] = [
  { label: "unpatched", failing: [tenUnits, fiftyUnits, tenMugsCart] },
  { label: "fix-correct.patch", patch: "fix-correct.patch", failing: [] },
  { label: "fix-partial.patch", patch: "fix-partial.patch", failing: [fiftyUnits] },
  { label: "fix-breaks-other.patch", patch: "fix-breaks-other.patch", failing: [roundedOnce] },
];

interface PytestRun {
  exitCode: number | null;
  passed: string[];
  failed: string[];
}

/** Test ids ("module::name") by outcome, read from pytest's JUnit XML. */
function readJunit(xml: string): Omit<PytestRun, "exitCode"> {
  const passed: string[] = [];
  const failed: string[] = [];
  for (const m of xml.matchAll(/<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const attr = (k: string) => new RegExp(`\\b${k}="([^"]*)"`).exec(m[1])?.[1];
    const id = `${attr("classname")}::${attr("name")}`;
    if (/<(failure|error)\b/.test(m[2] ?? "")) failed.push(id);
    else if (!/<skipped\b/.test(m[2] ?? "")) passed.push(id);
  }
  return { passed: passed.sort(), failed: failed.sort() };
}

/** A committed copy of sample_repo with `patch` applied by `git apply`, readable by uid 1000. */
function patchedCopy(patch: string | undefined): { dir: string; out: string } & Disposable {
  const parent = mkdtempSync(join(tmpdir(), "devtrace-sample-"));
  const dir = join(parent, "repo");
  const out = join(parent, "out");
  cpSync(sampleRepo, dir, {
    recursive: true,
    filter: (src) => !/(__pycache__|\.pytest_cache)$/.test(src),
  });
  mkdirSync(out);
  // The container runs as the image's non-root user, which must read the repo and write the report.
  chmodSync(parent, 0o755);
  chmodSync(out, 0o777);
  gitIn(dir, "init", "-q");
  gitIn(dir, "add", ".");
  gitIn(dir, "-c", "commit.gpgsign=false", "commit", "-q", "-m", "base");
  if (patch) gitIn(dir, "apply", join(fixtures, patch));
  return { dir, out, [Symbol.dispose]: () => rmSync(parent, { recursive: true, force: true }) };
}

const pytestArgs = ["-m", "pytest", "-q", "-p", "no:cacheprovider"];

function onHost(dir: string, out: string): PytestRun {
  const report = join(out, "report.xml");
  const r = spawnSync("python3", [...pytestArgs, `--junitxml=${report}`], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
  });
  if (r.error) throw new Error("python3 did not run", { cause: r.error });
  return { exitCode: r.status, ...readJunit(readFileSync(report, "utf8")) };
}

function inImage(dir: string, out: string): PytestRun {
  const r = spawnSync(
    "docker",
    [
      "run", "--rm", "--network", "none", "--user", "1000",
      // Imported images may carry no PATH; the QA runner always sets it, so do the same here.
      "-e", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "-e", "PYTHONDONTWRITEBYTECODE=1",
      "-v", `${dir}:/repo:ro`, "-v", `${out}:/out`, "-w", "/repo",
      sampleImage, "python3", ...pytestArgs, "--junitxml=/out/report.xml",
    ],
    { encoding: "utf8" },
  );
  if (r.error) throw new Error("docker did not run", { cause: r.error });
  return { exitCode: r.status, ...readJunit(readFileSync(join(out, "report.xml"), "utf8")) };
}

function fixtureTable(run: (dir: string, out: string) => PytestRun): void {
  let baseline: string[] | undefined;
  // Every attempt must run the very same 13 tests as the unpatched repo, none renamed or lost.
  const allTests = (): string[] => {
    if (!baseline) {
      using repo = patchedCopy(undefined);
      const b = run(repo.dir, repo.out);
      baseline = [...b.passed, ...b.failed].sort();
    }
    return baseline;
  };

  it.each(cases)("$label: fails exactly the expected tests and passes the rest", ({ patch, failing }) => {
    using repo = patchedCopy(patch);
    const result = run(repo.dir, repo.out);
    expect(allTests()).toHaveLength(13);
    expect(result.failed).toEqual([...failing].sort());
    expect(result.passed).toEqual(allTests().filter((id) => !failing.includes(id)));
    expect(result.exitCode).toBe(failing.length === 0 ? 0 : 1);
  });
}

describeWith(["pytest"], "sample_repo fixture patches (host python3)", () => fixtureTable(onHost));

describeWith(["docker", "sample-image"], `sample_repo fixture patches (${sampleImage})`, () =>
  fixtureTable(inImage),
);

it("every fixture patch applies cleanly with git apply --check", () => {
  using repo = patchedCopy(undefined);
  for (const { patch } of cases.filter((c) => c.patch)) {
    expect(() => execFileSync("git", ["apply", "--check", join(fixtures, patch!)], { cwd: repo.dir })).not.toThrow();
  }
});
