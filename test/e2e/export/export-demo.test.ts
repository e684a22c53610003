import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createClient } from "@connectrpc/connect";
import { afterAll, beforeAll, expect, it } from "vitest";
import { TraceStatus } from "../../../gen/devtrace/v1/trace_pb.js";
import { TraceService } from "../../../gen/devtrace/v1/trace_service_pb.js";
import { grpcTransport } from "../../helpers/devtrace-server.js";
import { describeWith, pythonPath, sampleImage } from "../../helpers/infra.js";
import { pollUntil } from "../../helpers/poll.js";
import { repoRoot, spawnServer, type ServerProcess } from "../../helpers/server-process.js";
import { devtrace } from "../agent/cli-terminal.js";

const run = promisify(execFile);
const validator = join(dirname(fileURLToPath(import.meta.url)), "validate_export.py");

interface Checkout {
  parent: string;
  dir: string;
  baseCommit: string;
  finalPatch: string;
}
// The demo's own recording (npm run demo): the same checkout of sample_repo and the same session.
const session = (await import(join(repoRoot, "demo", "demo-session.mjs"))) as {
  prepareCheckout(root: string, fix: string): Checkout;
  sessionEvents(finalPatch: string, root: string, fix: string): unknown[];
};

let server: ServerProcess;
let dir: string;
let env: Record<string, string>;
const checkouts: Checkout[] = [];
const traceIds: Record<string, string> = {};

async function validate(kind: string, path: string): Promise<Record<string, any>> {
  const { stdout } = await run(pythonPath, [validator, kind, path], { env: { ...process.env, HF_DATASETS_OFFLINE: "1", HF_HUB_OFFLINE: "1", HF_HOME: join(dir, "hf-home") }, timeout: 240_000 });
  return JSON.parse(stdout) as Record<string, any>;
}

describeWith(["docker", "sample-image", "python"], "devtrace traces export of the demo's traces, scored by real QA", () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "devtrace-export-demo-"));
    server = await spawnServer({ args: ["--workers", "1"] });
    const creds = server.credentials();
    env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, DEVTRACE_SERVER: server.url, DEVTRACE_DATA_DIR: server.dataDir };
    const client = createClient(TraceService, grpcTransport(server.url, creds.ingest_token));
    for (const fix of ["fix-correct", "fix-breaks-other"]) {
      const c = session.prepareCheckout(repoRoot, fix);
      checkouts.push(c);
      const { trace, uploadToken } = await client.createTrace({
        developer: { id: "" },
        task: { description: "Bug #142: buying exactly 10 units gives no bulk discount (rules: 10 or more).", repoUrl: c.dir, baseCommit: c.baseCommit, branch: "main", testImage: sampleImage, testCommand: "python3 -m pytest -q" },
        environment: { os: "linux", editor: "demo", shell: "bash" },
      });
      await client.appendEvents({ traceId: trace!.id, uploadToken, events: session.sessionEvents(c.finalPatch, repoRoot, fix) as never });
      await client.finalizeTrace({ traceId: trace!.id, uploadToken, finalPatch: c.finalPatch });
      traceIds[fix] = trace!.id;
    }
    for (const id of Object.values(traceIds)) {
      await pollUntil(`QA of ${id}`, async () => {
        const t = (await client.getTrace({ traceId: id })).trace!;
        return t.status === TraceStatus.DONE || t.status === TraceStatus.FAILED ? t : undefined;
      }, { timeoutMs: 180_000, intervalMs: 250 });
    }
  }, 300_000);

  afterAll(async () => {
    await server?.[Symbol.asyncDispose]();
    for (const c of checkouts) rmSync(c.parent, { recursive: true, force: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("exports both demo traces in all four formats, and the loaders accept them", async () => {
    for (const format of ["jsonl", "swebench", "messages", "parquet"]) {
      const res = await devtrace(["traces", "export", "--format", format, "--out", join(dir, format === "parquet" ? format : `${format}.jsonl`)], { cwd: dir, env, timeoutMs: 120_000 });
      expect(res.code, res.stderr).toBe(0);
    }
    const instances = readFileSync(join(dir, "swebench.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, string>);
    const correct = instances.find((i) => i.trace_id === traceIds["fix-correct"])!;
    expect(correct.verdict).toBe("RESOLVED");
    expect(correct.patch).toContain("+++ b/shopcart/pricing.py");
    expect(JSON.parse(correct.FAIL_TO_PASS)).toContain("tests/test_pricing.py::test_ten_units_get_ten_percent_off");
    expect(instances.find((i) => i.trace_id === traceIds["fix-breaks-other"])!.verdict).toBe("PARTIAL");
    expect((await validate("swebench", join(dir, "swebench.jsonl"))).instances).toBe(2);
    expect((await validate("messages", join(dir, "messages.jsonl"))).rows).toBe(2);
    const parquet = await validate("parquet", join(dir, "parquet"));
    expect(parquet.tables.swebench.instances).toBe(2);
    expect(parquet.tables.messages.checked_rows).toBe(2);
    expect(readFileSync(join(dir, "jsonl.jsonl"), "utf8").trim().split("\n")).toHaveLength(2);
  }, 300_000);
});
