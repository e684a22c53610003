import { createClient } from "@connectrpc/connect";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { TraceService } from "../../../gen/devtrace/v1/trace_service_pb.js";
import { launchChromium, signedInContext } from "../../helpers/browser.js";
import { connectTransport } from "../../helpers/devtrace-server.js";
import { describeWith } from "../../helpers/infra.js";
import { spawnServer } from "../../helpers/server-process.js";
import { newTraceRequest, thoughtEvents } from "../../helpers/trace-events.js";

describeWith(["chromium"], "the workbench when its server dies", () => {
  it("says live updates are interrupted after kill -9, and picks them up from the restarted server", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "devtrace-web-kill-"));
    const browser = await launchChromium();
    try {
      // No QA workers: the trace stays QUEUED until the second server runs QA.
      const first = await spawnServer({ dataDir });
      const creds = first.credentials();
      const ingest = createClient(TraceService, connectTransport(first.url, "1.1", creds.ingest_token));
      const { trace, uploadToken } = await ingest.createTrace(newTraceRequest());
      await ingest.appendEvents({ traceId: trace!.id, uploadToken, events: thoughtEvents(1, 3) });
      await ingest.finalizeTrace({ traceId: trace!.id, uploadToken });

      const context = await signedInContext(browser, creds.read_token);
      const page = await context.newPage();
      await page.goto(`${first.url}/#/trace/${trace!.id}`);
      const status = page.getByTestId("trace-status");
      await expect.poll(() => status.textContent(), { timeout: 20_000 }).toBe("queued");

      expect(await first.stop("SIGKILL")).toBe("SIGKILL");
      await expect.poll(() => page.getByRole("status").first().textContent(), { timeout: 20_000 }).toContain("Live updates interrupted");
      expect(await status.textContent()).toBe("queued");

      // Same port, same data; one QA worker: the task's repository does not exist, so QA
      // ends FAILED (REPO_UNAVAILABLE) — a real status change for the page to pick up.
      await using second = await spawnServer({ dataDir, args: ["--listen", `127.0.0.1:${first.port}`, "--workers", "1"] });
      expect(second.port).toBe(first.port);
      await expect.poll(() => status.textContent(), { timeout: 60_000 }).toBe("failed");
      expect(await page.locator(".warning[role=status]").count()).toBe(0);
      expect(page.url()).toContain(`#/trace/${trace!.id}`);
    } finally {
      await browser.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
