/**
 * Part 10, the list: 100 000 traces seeded in bulk, then chromium pages through them with the
 * workbench's "Next page" link. Each step is timed by the page's Performance API marks, from
 * its ListTraces request until the new rows are on screen; the limit is the same ListTraces
 * call (Connect, binary, HTTP/1.1 — what the page sends) from Node, same server, same run.
 */
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import type { Browser, Page } from "playwright-core";
import { TraceService } from "../gen/devtrace/v1/trace_service_pb.js";
import { signedInContext } from "../test/helpers/browser.js";
import type { BenchContext } from "./lib/bench-context.js";
import { scaled } from "./lib/bench-context.js";
import { ms, si, spread } from "./lib/format.js";
import type { Row } from "./lib/row.js";
import { seedTraces } from "./lib/seed-traces.js";
import { startServer } from "./lib/server-child.js";
import { quantile, summarize } from "./lib/stats.js";

const pageSize = 50;

/**
 * Clicks "Next page" `steps` times; for each, the page's own marks say how long from the
 * ListTraces request to the rows being on screen (Playwright's polling stays out of it).
 */
async function nextPages(page: Page, steps: number): Promise<Array<{ shown: number; response: number }>> {
  const out: Array<{ shown: number; response: number }> = [];
  for (let i = 0; i < steps; i++) {
    const first = await page.locator("table.traces tbody tr a").first().getAttribute("href");
    await page.getByRole("link", { name: "Next page" }).click();
    await page.locator(`table.traces tbody tr:first-child a:not([href="${first}"])`).waitFor({ timeout: 30_000 });
    const key = new URL(page.url()).hash.replace(/^#\/\??/, "");
    // The last marks of this page's key (a page seen in an earlier round has older ones too).
    const took = (await page.evaluate(`(() => {
      const at = (name) => performance.getEntriesByName(name).findLast((m) => m.detail === ${JSON.stringify(key)})?.startTime ?? NaN;
      return { shown: at("devtrace:list-shown") - at("devtrace:list-request"), response: at("devtrace:list-response") - at("devtrace:list-request") };
    })()`)) as { shown: number; response: number };
    if (Number.isNaN(took.shown) || Number.isNaN(took.response)) throw new Error(`no list marks for ${key}`);
    out.push(took);
  }
  return out;
}

/** Rows for paging 100 000 traces in the workbench, against ListTraces itself. */
export async function workbenchListRows(ctx: BenchContext, browser: Browser): Promise<Row[]> {
  const dataDir = join(ctx.tmp, "workbench-list");
  const corpus = await seedTraces({ dataDir, traces: scaled(ctx, 100_000, 5000), heavyTraces: 1, eventsPerHeavy: 1, bigEvents: 1 });
  ctx.log(`10: seeded ${corpus.traces} traces for the list`);
  await using server = await startServer({ dataDir });
  const token = server.credentials().read_token;
  const client = createClient(
    TraceService,
    createConnectTransport({
      baseUrl: server.url,
      httpVersion: "1.1",
      useBinaryFormat: true,
      interceptors: [(next) => (req) => (req.header.set("authorization", `Bearer ${token}`), next(req))],
    }),
  );
  const context = await signedInContext(browser, token, { viewport: { width: 1400, height: 900 } });
  try {
    const page = await context.newPage();
    const steps = scaled(ctx, 20, 5);
    const ui: number[] = [];
    const answered: number[] = [];
    const rpc: number[] = [];
    for (let round = 0; round < Math.max(3, ctx.repeats) + 1; round++) {
      await page.goto(`${server.url}/#/`);
      await page.locator("table.traces tbody tr").nth(pageSize - 1).waitFor({ timeout: 30_000 });
      const xs = await nextPages(page, steps);
      let tokenAt = "";
      const ys: number[] = [];
      for (let i = 0; i <= steps; i++) {
        const t = performance.now();
        tokenAt = (await client.listTraces({ pageSize, pageToken: tokenAt })).nextPageToken;
        if (i > 0) ys.push(performance.now() - t);
      }
      if (round === 0) continue; // warm-up
      ui.push(quantile(xs.map((x) => x.shown), 0.5));
      answered.push(quantile(xs.map((x) => x.response), 0.5));
      rpc.push(quantile(ys, 0.5));
      ctx.log(`10: list round ${round}: Next page → answered p50 ${ms(answered.at(-1)!)}, rows on screen p50 ${ms(ui.at(-1)!)}; ListTraces from Node p50 ${ms(rpc.at(-1)!)}`);
    }
    return [
      {
        part: 10,
        name: `workbench: list of ${si(corpus.traces)} traces, Next page: request → ${pageSize} new rows on screen (chromium)`,
        value: `p50 ${spread(summarize(ui), ms)}`,
        limit: `${ms(summarize(rpc).median)} p50 ListTraces from Node`,
        ratio: summarize(ui.map((u, i) => u / rpc[i])),
        note: `of which ListTraces answered in the page: p50 ${spread(summarize(answered), ms)}`,
      },
    ];
  } finally {
    await context.close();
  }
}
