import { describe } from "vitest";
import { findChromium, findTool, pythonPath, works } from "./tools.js";

export { findChromium, findTool, pythonPath, toolsDir } from "./tools.js";

/** Outside services some tests need; each is found or built by .ci/run. */
export type Need = "docker" | "ferretdb" | "grpcurl" | "ghz" | "zsh" | "sample-image" | "pytest" | "chromium" | "python" | "nvim";

/** The Docker image built from sample_repo/ by .ci/build-sample-image.sh. */
export const sampleImage = "devtrace/sample-python:1";

const checks: Record<Need, () => boolean> = {
  docker: () => works("docker", ["info"]),
  "sample-image": () => works("docker", ["image", "inspect", sampleImage]),
  ferretdb: () => findTool("ferretdb") !== undefined,
  grpcurl: () => findTool("grpcurl") !== undefined,
  ghz: () => findTool("ghz") !== undefined,
  zsh: () => findTool("zsh") !== undefined,
  // Neovim ≥ 0.7 (vim.lsp.start_client), Debian's `neovim`.
  nvim: () => findTool("nvim") !== undefined && works("nvim", ["--headless", "-u", "NONE", "+lua if vim.fn.has('nvim-0.7') == 0 then os.exit(1) end", "+qa!"]),
  pytest: () => works("python3", ["-m", "pytest", "--version"]),
  chromium: () => findChromium() !== undefined,
  // The export validators' venv: the loaders trainers use (pyarrow, datasets, swebench).
  python: () => works(pythonPath, ["-c", "import importlib.util as u, sys; sys.exit(any(u.find_spec(m) is None for m in (\"pyarrow\", \"datasets\", \"swebench\")))"]),
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
