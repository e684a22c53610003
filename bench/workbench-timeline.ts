/**
 * Part 10: the workbench's time to first timeline. A 10 000-event trace (the bench's event
 * mix) is stored through AppendEvents on a `devtrace server` child; chromium (driven by
 * playwright-core) opens its page with a signed-in session, and the page's own
 * Performance API marks say when, after navigation started, the events were decoded
 * (the limit: nothing drawn yet) and when the timeline was drawn with all of them.
 */
import type { Browser } from "playwright-core";
import { launchChromium, signedInContext } from "../test/helpers/browser.js";
import { findChromium } from "../test/helpers/tools.js";
import type { BenchContext } from "./lib/bench-context.js";
import { scaled } from "./lib/bench-context.js";
import { connectJsonClient, createBenchTrace } from "./lib/clients.js";
import { batchBounds, encodedSizes, eventMix } from "./lib/event-mix.js";
import { ms, spread } from "./lib/format.js";
import type { Row } from "./lib/row.js";
import { skipRow } from "./lib/row.js";
import { startServer } from "./lib/server-child.js";
import { summarize } from "./lib/stats.js";
import { workbenchListRows } from "./workbench-list.js";

/** Milliseconds after navigation started (Performance API), and what GetTrace moved. */
interface Marks {
  /** The page's script ran (DOMContentLoaded ended). */
  script: number;
  /** First GetTrace sent, last one answered (Resource Timing). */
  rpcStart: number;
  rpcEnd: number;
  rpcBytes: number;
  rpcDecoded: number;
  rpcCalls: number;
  /** Every page of events decoded; nothing drawn yet. */
  loaded: number;
  /** The timeline drawn with the first page, and with every event. */
  first: number;
  complete: number;
}

/** Milliseconds per keyboard step through the event list, each step waited for until its event is shown. */
async function stepsOnce(browser: Browser, url: string, token: string, traceId: string, events: number, steps: number): Promise<number> {
  const context = await signedInContext(browser, token, { viewport: { width: 1400, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(`${url}/#/trace/${traceId}`);
    await page.locator(`canvas[data-drawn-events="${events}"]`).waitFor({ timeout: 60_000 });
    await page.getByRole("listbox", { name: /Events/ }).focus();
    await page.keyboard.press("Home");
    await page.locator(".event-detail .event-head", { hasText: "#1 " }).waitFor();
    const t = performance.now();
    for (let i = 1; i <= steps; i++) {
      await page.keyboard.press("PageDown");
      await page.locator(".event-detail .event-head", { hasText: `#${1 + 15 * i} ` }).waitFor();
    }
    return (performance.now() - t) / steps;
  } finally {
    await context.close();
  }
}

async function openOnce(browser: Browser, url: string, token: string, traceId: string, events: number): Promise<Marks> {
  const context = await signedInContext(browser, token, { viewport: { width: 1400, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(`${url}/#/trace/${traceId}`);
    // A locator, not waitForFunction: the page's CSP forbids the eval that one needs.
    await page.locator(`canvas[data-drawn-events="${events}"]`).waitFor({ timeout: 60_000 });
    return (await page.evaluate(`(() => {
      const at = (name) => performance.getEntriesByName(name)[0]?.startTime ?? NaN;
      const rpc = performance.getEntriesByType("resource").filter((e) => e.name.endsWith("/GetTrace"));
      return {
        loaded: at("devtrace:events-loaded"),
        first: at("devtrace:first-timeline"),
        complete: at("devtrace:timeline-complete"),
        script: performance.getEntriesByType("navigation")[0]?.domContentLoadedEventEnd ?? NaN,
        rpcStart: rpc[0]?.startTime ?? NaN,
        rpcEnd: rpc[rpc.length - 1]?.responseEnd ?? NaN,
        rpcBytes: rpc.reduce((n, e) => n + e.encodedBodySize, 0),
        rpcDecoded: rpc.reduce((n, e) => n + e.decodedBodySize, 0),
        rpcCalls: rpc.length,
      };
    })()`)) as Marks;
  } finally {
    await context.close();
  }
}

/** Runs part 10 and returns its rows. */
export async function workbenchTimeline(ctx: BenchContext): Promise<Row[]> {
  const title = "workbench: 10 000-event trace, navigation → timeline";
  if (!findChromium()) return [skipRow(9, title, "needs chromium (apt-get install chromium; .ci/run installs it)")];
  const n = scaled(ctx, 10_000, 1000);
  await using server = await startServer();
  const creds = server.credentials();
  const ingest = connectJsonClient(server.url, creds.ingest_token);
  const { traceId, uploadToken } = await createBenchTrace(ingest);
  const events = eventMix(n, 9);
  for (const [a, b] of batchBounds(encodedSizes(events))) await ingest.appendEvents({ traceId, uploadToken, events: events.slice(a, b) });
  ctx.log(`10: stored ${n} events in trace ${traceId}`);
  const browser = await launchChromium();
  try {
    await openOnce(browser, server.url, creds.read_token, traceId, n);
    const runs: Marks[] = [];
    for (let round = 0; round < Math.max(3, ctx.repeats); round++) {
      const m = await openOnce(browser, server.url, creds.read_token, traceId, n);
      ctx.log(
        `10: round ${round + 1}: script ${ms(m.script)}, GetTrace ×${m.rpcCalls} ${ms(m.rpcStart)} → ${ms(m.rpcEnd)} ` +
          `(${m.rpcBytes} bytes on the wire, ${m.rpcDecoded} decoded), events decoded ${ms(m.loaded)}, ` +
          `first timeline ${ms(m.first)}, complete ${ms(m.complete)}`,
      );
      runs.push(m);
    }
    const steps: number[] = [];
    for (let round = 0; round < Math.max(3, ctx.repeats); round++) steps.push(await stepsOnce(browser, server.url, creds.read_token, traceId, n, 30));
    ctx.log(`10: keyboard steps through the list: ${steps.map(ms).join(", ")} per step`);
    const listRows = await workbenchListRows(ctx, browser);
    const complete = summarize(runs.map((r) => r.complete));
    const loaded = summarize(runs.map((r) => r.loaded));
    return [
      {
        part: 10,
        name: `workbench: ${n.toLocaleString("en")}-event trace, navigation → timeline drawn with every event (chromium)`,
        value: spread(complete, ms),
        limit: `${ms(loaded.median)} navigation → events decoded`,
        ratio: summarize(runs.map((r) => r.complete / r.loaded)),
        goal: { kind: "max", target: 1000, text: "< 1 s" },
        measured: complete.median,
      },
      {
        part: 10,
        name: `workbench: same trace, navigation → first timeline (first page of events)`,
        value: spread(summarize(runs.map((r) => r.first)), ms),
        limit: "",
      },
      {
        part: 10,
        name: `workbench: same trace, one keyboard step in the event list until the event is shown`,
        value: spread(summarize(steps), ms),
        limit: "",
        goal: { kind: "max", target: 100, text: "< 100 ms" },
        measured: summarize(steps).median,
      },
      ...listRows,
    ];
  } finally {
    await browser.close();
  }
}
