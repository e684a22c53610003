import type { Browser, BrowserContext } from "playwright-core";
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

/**
 * A browser context already signed in to the workbench with `token`, as if pasted on its
 * sign-in page: the page keeps it in sessionStorage under "devtrace.session".
 */
export async function signedInContext(browser: Browser, token: string, options: { viewport?: { width: number; height: number } } = {}): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  await context.addInitScript(`sessionStorage.setItem("devtrace.session", ${JSON.stringify(JSON.stringify({ token, reach: "list" }))})`);
  return context;
}
