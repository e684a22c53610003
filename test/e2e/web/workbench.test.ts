import { createRequire } from "node:module";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createClient } from "@connectrpc/connect";
import { QaStatus } from "../../../gen/devtrace/v1/qa_pb.js";
import { TraceService } from "../../../gen/devtrace/v1/trace_service_pb.js";
import { TraceStatus } from "../../../gen/devtrace/v1/trace_pb.js";
import { launchChromium, signedInContext } from "../../helpers/browser.js";
import { connectTransport, startTestServer, testTokens } from "../../helpers/devtrace-server.js";
import type { ListeningTestServer } from "../../helpers/devtrace-server.js";
import { describeWith } from "../../helpers/infra.js";
import { repoRoot, spawnServer } from "../../helpers/server-process.js";
import { newTraceRequest, thoughtEvents } from "../../helpers/trace-events.js";
import { hostile, hostileEvents, pricingAfter, qaResult, seedWorkbench, storyEvents } from "./seed-workbench.js";
import type { Seeded } from "./seed-workbench.js";

/** Where the run leaves its screenshots (dist/ is not committed; README's copy is). */
const shots = join(repoRoot, "dist", "workbench-screenshots");
const axeSource: string = createRequire(import.meta.url)("axe-core").source;

describeWith(["chromium"], "the workbench in chromium", () => {
  let server: ListeningTestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let ids: Seeded;
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    server = await startTestServer();
    ids = await seedWorkbench(server);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    page.on("dialog", (d) => {
      pageErrors.push(`dialog opened: ${d.message()}`);
      void d.dismiss();
    });
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) => {
        (window as unknown as { __csp: string[] }).__csp ??= [];
        (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
      });
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.[Symbol.asyncDispose]();
  });

  const seriousAxe = async (what: string) => {
    await page.evaluate(axeSource);
    const result = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(o: unknown): Promise<{ passes: unknown[]; violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
      return axe.run({ resultTypes: ["violations"] });
    });
    // The scan really ran over this page (rules that passed), not over an empty document.
    expect(result.passes.length, what).toBeGreaterThan(10);
    const serious = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(serious.map((v) => `${what}: ${v.id} (${v.impact}) at ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
  };

  const collectCsp = async () => {
    cspViolations.push(...((await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? [])) as string[]));
  };

  it("serves the page at / with a strict CSP and the headers a browser-facing service sends", async () => {
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    const html = await res.text();
    expect(html).toContain('<script type="module" src="/assets/app.js">');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const js = await fetch(`${server.url}/assets/app.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    const etag = js.headers.get("etag")!;
    expect((await fetch(`${server.url}/assets/app.js`, { headers: { "if-none-match": etag } })).status).toBe(304);
    for (const path of ["/assets/../../package.json", "/assets/%2e%2e%2fpackage.json", "/assets/nope.js", "/index.html/../server"]) {
      const r = await fetch(`${server.url}${path}`);
      expect([404], path).toContain(r.status);
      expect(await r.text()).not.toContain("devDependencies");
    }
    // RPCs and the other plain routes still answer on the same port.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it("signs in with a pasted token, says so when it is wrong, and keeps it out of the URL", async () => {
    await page.goto(`${server.url}/`);
    await page.getByLabel("Token").fill("not-a-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.locator("#sign-in-error").textContent(), { timeout: 15_000 }).toContain("Wrong token");
    await page.screenshot({ path: join(shots, "sign-in.png") });
    await seriousAxe("sign-in");
    await page.getByLabel("Token").fill(testTokens.read);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Traces" }).waitFor({ timeout: 15_000 });
    expect(page.url()).not.toContain(testTokens.read);
    expect(await page.evaluate(() => sessionStorage.getItem("devtrace.session"))).toContain(testTokens.read);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
  });

  it("lists every trace, filters by developer, status and score, and deep-links a filtered list", async () => {
    const rows = page.locator("table.traces tbody tr");
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(4);
    await page.getByLabel("Developer").fill("bob");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(1);
    expect(await rows.first().textContent()).toContain("bob's flaky timezone test");
    expect(page.url()).toContain("developer=bob");
    await page.goto(`${server.url}/#/?developer=alice&status=DONE&min=0.5`);
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(1);
    expect(await rows.first().textContent()).toContain("bulk discount applied one item too early");
    expect(await rows.first().textContent()).toContain("resolved");
    await page.goto(`${server.url}/#/?min=0.9&max=0.1`);
    await expect.poll(() => page.getByRole("alert").first().textContent(), { timeout: 15_000 }).toContain("min score");
    await page.goto(`${server.url}/#/`);
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(4);
    await page.screenshot({ path: join(shots, "traces.png"), fullPage: true });
    await seriousAxe("traces list");
  });

  it("opens a trace: lanes on one time axis, keyboard through the events, a command, a note and a diff shown whole", async () => {
    await page.getByRole("link", { name: "bulk discount applied one item too early" }).click();
    await page.getByRole("heading", { name: "bulk discount applied one item too early" }).waitFor({ timeout: 15_000 });
    const events = storyEvents();
    await expect.poll(() => page.locator("canvas.timeline-events").getAttribute("data-drawn-events"), { timeout: 15_000 }).toBe(String(events.length));
    expect(await page.locator(".lane-labels li").allTextContents()).toEqual([
      expect.stringContaining("term-1"),
      expect.stringContaining("editor"),
      expect.stringContaining("watcher"),
      expect.stringContaining("term-2"),
    ]);
    const list = page.getByRole("listbox", { name: /Events/ });
    await list.focus();
    await page.keyboard.press("Home");
    const detail = page.locator(".event-detail");
    await expect.poll(() => detail.textContent()).toContain("$ pytest -q");
    expect(await detail.textContent()).toContain("exit code1");
    expect(await detail.textContent()).toContain("test_bulk_discount_at_ten: assert 100.0 == 90.0");
    await page.keyboard.press("ArrowDown");
    await expect.poll(() => page.locator(".note-text").textContent()).toBe("the tier check uses > where the spec says >=");
    for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowDown");
    await expect.poll(() => page.locator("table.diff").count()).toBe(1);
    expect(await page.locator("tr.diff-del .code").textContent()).toContain("if qty > 10:");
    expect(await page.locator("tr.diff-add .code").textContent()).toContain("if qty >= 10:");
    // A click on the timeline picks the nearest event of that lane: the watcher's edit at +40 s of 80 s.
    await page.keyboard.press("Home");
    await expect.poll(() => page.locator(".event-detail .event-head").textContent()).toContain("#1");
    const timeline = page.getByRole("img", { name: /^Timeline of / });
    const box = (await timeline.boundingBox())!;
    await timeline.click({ position: { x: 4 + 0.5 * (box.width - 8), y: 22 + 2 * 26 + 13 } });
    await expect.poll(() => page.locator(".event-detail .event-head").textContent()).toContain("#5");
    expect(await page.getByRole("option", { selected: true }).textContent()).toContain("edit shopcart/pricing.py");
    await page.screenshot({ path: join(shots, "trace.png"), fullPage: true });
    await seriousAxe("trace timeline");
  });

  it("steps through the replay: the file as it was at each step, the last command beside it", async () => {
    await page.getByRole("link", { name: "Replay" }).click();
    const slider = page.getByRole("slider", { name: "Replay step" });
    await slider.waitFor({ timeout: 15_000 });
    await slider.focus();
    await page.keyboard.press("Home");
    await expect.poll(() => page.locator(".scrubber output").textContent()).toContain("Base commit");
    expect(await page.locator(".replay-files").textContent()).toContain("No file changed yet");
    for (let i = 0; i < 5; i++) await page.keyboard.press("ArrowRight");
    await expect.poll(() => page.locator(".scrubber output").textContent()).toContain("Step 5 of 8");
    const file = page.locator(".replay-file");
    await expect.poll(() => file.locator("h3").textContent()).toBe("shopcart/pricing.py");
    const lines = await file.locator(".file-line").allTextContents();
    expect(lines.map((l) => l.replace(/^\d+/, ""))).toEqual(pricingAfter.split("\n").slice(0, 5));
    expect(await page.locator(".replay-command").textContent()).toContain("$ pytest -q");
    expect(await page.locator(".replay-command").textContent()).toContain("exit 1");
    await page.keyboard.press("ArrowLeft");
    await expect.poll(() => page.locator(".replay-files").textContent()).toContain("No file changed yet");
    await page.keyboard.press("End");
    await expect.poll(() => page.locator(".replay-files").textContent()).toContain("NOTES.md");
    expect(await page.locator(".replay-command").textContent()).toContain("2 passed");
    await page.screenshot({ path: join(shots, "replay.png"), fullPage: true });
    await seriousAxe("replay");
  });

  it("reads the QA panel: verdict, test classes, heuristic judge labelled, six scores, the score's formula, the final patch", async () => {
    await page.getByRole("link", { name: "QA" }).click();
    const qa = page.locator("section.qa");
    await qa.waitFor({ timeout: 15_000 });
    const text = (await qa.textContent()) ?? "";
    expect(text).toContain("resolved");
    expect(text).toContain("tests/test_pricing.py::test_bulk_discount_at_ten");
    expect(text).toContain("Heuristic judge");
    expect(await qa.locator("table.scores tbody tr").count()).toBe(6);
    expect(text).toMatch(/overall = 0\.6 × T \+ 0\.4 × J = 0\.\d{3}/);
    expect(text).toContain("T = 1.000");
    const patch = qa.getByRole("region", { name: "Final patch" });
    expect(await patch.locator("tr.diff-del .code").textContent()).toContain("if qty > 10:");
    expect(await patch.locator("tr.diff-add .code").textContent()).toContain("if qty >= 10:");
    await page.screenshot({ path: join(shots, "qa.png"), fullPage: true });
    await seriousAxe("qa panel");
  });

  it("watches a trace go QUEUED → RUNNING_TESTS → DONE live, without a reload", async () => {
    await page.goto(`${server.url}/#/trace/${ids.watched}?tab=qa`);
    const status = page.getByTestId("trace-status");
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toBe("queued");
    const navigations: string[] = [];
    page.on("framenavigated", (f) => navigations.push(f.url()));
    await server.store.updateTraceStatus(ids.watched, { status: TraceStatus.RUNNING_TESTS, detail: "running the tests before the patch", now: new Date() });
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toBe("running tests");
    const qa = await qaResult(storyEvents());
    await server.store.updateTraceStatus(ids.watched, { status: TraceStatus.DONE, qa, now: new Date() });
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toBe("done");
    await expect.poll(() => page.getByTestId("overall").textContent(), { timeout: 15_000 }).toBe(qa.overall.toFixed(3));
    expect(qa.status).toBe(QaStatus.OK);
    expect(navigations).toEqual([]);
  });

  it("shows hostile content as inert text: no script runs, no element is injected, a 900 KB line stays virtualized", async () => {
    await page.goto(`${server.url}/#/trace/${ids.hostile}`);
    await expect.poll(() => page.locator("canvas.timeline-events").getAttribute("data-drawn-events"), { timeout: 15_000 }).toBe(String(hostileEvents().length));
    const list = page.getByRole("listbox", { name: /Events/ });
    await list.focus();
    await page.keyboard.press("Home");
    await expect.poll(() => page.locator(".note-text").textContent()).toBe(`${hostile.script} ${hostile.img}`);
    await page.keyboard.press("ArrowDown");
    await expect.poll(() => page.locator(".output").textContent()).toContain(hostile.script);
    const out = (await page.locator(".output").textContent()) ?? "";
    expect(out).toContain(hostile.img);
    expect(out).toContain("javascript:window.__pwned='a'");
    // The OSC 8 escape shows as visible symbols (␛ ␇), never as a link.
    expect(out).toContain("␛]8;;javascript:window.__pwned='osc8'␇osc8 link␛]8;;␇");
    await page.keyboard.press("ArrowDown");
    await expect.poll(() => page.locator(".output-meta").textContent()).toContain("1 line in 450 rows");
    expect(await page.locator(".output-row").count()).toBeLessThan(60);
    await page.keyboard.press("ArrowDown");
    await expect.poll(() => page.locator(".event-detail").textContent()).toContain("javascript:window.__pwned='pr'");
    await page.keyboard.press("ArrowDown");
    await expect.poll(() => page.locator("table.diff").textContent()).toContain(hostile.script);
    await page.getByRole("link", { name: "Replay" }).click();
    await expect.poll(() => page.locator(".replay-file").textContent(), { timeout: 15_000 }).toContain(hostile.img);
    await page.screenshot({ path: join(shots, "hostile.png"), fullPage: true });
    // A hostile trace id in a link is an id the server does not know, shown as text.
    await page.goto(`${server.url}/#/trace/${encodeURIComponent(hostile.img)}`);
    await expect.poll(() => page.getByRole("alert").first().textContent(), { timeout: 15_000 }).toContain(`Not found: trace ${hostile.img}`);
    // Nothing from the trace became markup or ran.
    expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
    expect(await page.locator("main script, main img, main iframe, main object, main embed").count()).toBe(0);
    expect(await page.locator("main a[href^='javascript:' i]").count()).toBe(0);
    expect(await page.locator("main b").count()).toBe(0);
    expect(await page.locator("head script").count()).toBe(1);
    await collectCsp();
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it("renders 10 MB of one line of test output, hostile markup in its middle, as virtualized text", async () => {
    const c = server.client(testTokens.ingest);
    const { trace, uploadToken } = await c.createTrace(newTraceRequest());
    await c.appendEvents({ traceId: trace!.id, uploadToken, events: thoughtEvents(1, 1) });
    await c.finalizeTrace({ traceId: trace!.id, uploadToken });
    const half = "x".repeat(5 * 1024 * 1024);
    const qa = await qaResult(storyEvents());
    qa.tests!.after!.stdout = `${half}${hostile.script}${hostile.img}${half}`;
    await server.store.updateTraceStatus(trace!.id, { status: TraceStatus.FAILED, detail: "10 MB of output", qa, now: new Date() });
    await page.goto(`${server.url}/#/trace/${trace!.id}?tab=qa`);
    const after = page.getByRole("region", { name: "after run" });
    await after.locator("summary", { hasText: "stdout" }).click({ timeout: 30_000 });
    await expect.poll(() => after.locator(".output-meta").first().textContent(), { timeout: 30_000 }).toContain("1 line in 5243 rows");
    expect(await after.locator(".output-row").count()).toBeLessThan(60);
    // Scroll to the middle: the markup is there, as text.
    await after.locator(".output").first().evaluate((el) => (el.scrollTop = el.scrollHeight / 2 - 100));
    await expect.poll(() => after.locator(".output").first().textContent()).toContain(hostile.script);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
    expect(await page.locator("main script, main img").count()).toBe(0);
  });

  it("updates the status of a trace in QA on the list page while it is open", async () => {
    await page.goto(`${server.url}/#/?status=QUEUED&status=RUNNING_TESTS`);
    const row = page.locator("table.traces tbody tr", { hasText: "hostile trace" });
    await expect.poll(() => row.locator(".badge").first().textContent(), { timeout: 15_000 }).toBe("queued");
    await server.store.updateTraceStatus(ids.hostile, { status: TraceStatus.RUNNING_TESTS, detail: "tests before the patch", now: new Date() });
    await expect.poll(() => row.locator(".badge").first().textContent(), { timeout: 20_000 }).toBe("running tests");
  });

  it("lets an ingest token open its own traces, not another developer's, and not list", async () => {
    const own = await browser.newContext();
    try {
      const p = await own.newPage();
      await p.goto(`${server.url}/`);
      await p.getByLabel("Token").fill(testTokens.otherIngest);
      await p.getByRole("button", { name: "Sign in" }).click();
      await expect.poll(() => p.locator("main").textContent(), { timeout: 15_000 }).toContain("This is an ingest token");
      await p.getByLabel("Trace id").fill(ids.bob);
      await p.getByRole("button", { name: "Open" }).click();
      await p.getByRole("heading", { name: "bob's flaky timezone test" }).waitFor({ timeout: 15_000 });
      await p.goto(`${server.url}/#/trace/${ids.story}`);
      await expect.poll(() => p.getByRole("alert").first().textContent(), { timeout: 15_000 }).toContain("only its own traces");
      expect(await p.locator(".trace-head").count()).toBe(0);
    } finally {
      await own.close();
    }
  });

  it("sends a tab whose token the server refuses back to sign-in, saying why", async () => {
    const stale = await signedInContext(browser, "revoked-token");
    try {
      const p = await stale.newPage();
      await p.goto(`${server.url}/#/trace/${ids.story}`);
      await expect.poll(() => p.locator("#sign-in-error").textContent(), { timeout: 15_000 }).toContain("no longer accepts your token");
      expect(await p.evaluate(() => sessionStorage.getItem("devtrace.session"))).toBeNull();
    } finally {
      await stale.close();
    }
  });

  it("moves through the list with the keyboard alone", async () => {
    await page.goto(`${server.url}/#/`);
    await page.locator("table.traces tbody tr").first().waitFor({ timeout: 15_000 });
    // Tab from the top reaches a trace link; Enter opens it.
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press("Tab");
      reached = await page.evaluate(() => (document.activeElement as HTMLAnchorElement | null)?.getAttribute("href")?.startsWith("#/trace/") ?? false);
    }
    expect(reached).toBe(true);
    await page.keyboard.press("Enter");
    await expect.poll(() => page.url(), { timeout: 15_000 }).toContain("#/trace/");
  });
});

describeWith(["chromium"], "`npm start` serves the workbench", () => {
  it("shows the traces of the running server to a browser signed in with the first-run read token", async () => {
    await using proc = await spawnServer();
    const creds = proc.credentials();
    const res = await fetch(`${proc.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    const ingest = createClient(TraceService, connectTransport(proc.url, "1.1", creds.ingest_token));
    await ingest.createTrace(newTraceRequest());
    const browser = await launchChromium();
    try {
      const p = await browser.newPage();
      await p.goto(`${proc.url}/`);
      await p.getByLabel("Token").fill(creds.read_token);
      await p.getByRole("button", { name: "Sign in" }).click();
      await expect.poll(() => p.locator("table.traces tbody tr").count(), { timeout: 20_000 }).toBe(1);
      expect(await p.locator("table.traces tbody").textContent()).toContain("cart discount applied twice");
    } finally {
      await browser.close();
    }
  });
});
