import type { Browser } from "playwright-core";
import { chromium } from "playwright-core";
import { findChromium } from "./tools.js";

// No vitest import here: the benchmarks (bench/) use this module too.

/** Debian's chromium, headless, driven by playwright-core (its own browser download is not reachable). */
export async function launchChromium(): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error("chromium is not installed (apt-get install chromium; .ci/run does)");
  return chromium.launch({
    executablePath,
    headless: true,
    // Root in a container has no user namespaces for chromium's sandbox.
    args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
  });
}
