import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TraceService } from "../../../gen/devtrace/v1/trace_service_pb.js";
import { grpcTransport } from "../../helpers/devtrace-server.js";
import { cliPath, repoRoot, spawnServer, type ServerProcess } from "../../helpers/server-process.js";
import { newTraceRequest, thoughtEvents } from "../../helpers/trace-events.js";
import { devtrace } from "./cli-terminal.js";

let server: ServerProcess;
let dir: string;
let env: Record<string, string>;
let traceIds: string[];

beforeAll(async () => {
  if (!existsSync(cliPath)) execFileSync("npx", ["tsc", "-p", "tsconfig.json"], { cwd: repoRoot, stdio: "inherit" });
  server = await spawnServer();
  dir = mkdtempSync(join(tmpdir(), "devtrace-traces-cli-"));
  const creds = server.credentials();
  // No DEVTRACE_TOKEN: the CLI must find the read token in the local server's credentials.json.
  env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, DEVTRACE_SERVER: server.url, DEVTRACE_DATA_DIR: server.dataDir };
  const ingest = createClient(TraceService, grpcTransport(server.url, creds.ingest_token));
  traceIds = [];
  for (const n of [3, 5]) {
    const { trace, uploadToken } = await ingest.createTrace(newTraceRequest());
    await ingest.appendEvents({ traceId: trace!.id, uploadToken, events: thoughtEvents(1, n) });
    traceIds.push(trace!.id);
  }
});

afterAll(async () => {
  await server[Symbol.asyncDispose]();
  rmSync(dir, { recursive: true, force: true });
});

describe("devtrace traces", () => {
  it("lists traces as a table with the local server's read token found on its own", async () => {
    const res = await devtrace(["traces", "list"], { cwd: dir, env });
    expect(res.code, res.stderr).toBe(0);
    const lines = res.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^trace\s+status\s+developer\s+created\s+events\s+score\s+task$/);
    for (const id of traceIds) expect(res.stdout).toContain(id);
    expect(lines.find((l) => l.startsWith(traceIds[1]))).toMatch(/\bopen\b.*\s5\s/);
  });

  it("prints machine-readable JSON with --json and filters like the RPC", async () => {
    const all = JSON.parse((await devtrace(["traces", "list", "--json"], { cwd: dir, env })).stdout) as { traces: Array<{ id: string }> };
    expect(all.traces.map((t) => t.id).sort()).toEqual([...traceIds].sort());
    const done = JSON.parse((await devtrace(["traces", "list", "--json", "--status", "done"], { cwd: dir, env })).stdout) as { traces?: unknown[] };
    expect(done.traces ?? []).toEqual([]);
    const paged = JSON.parse((await devtrace(["traces", "list", "--json", "--limit", "1"], { cwd: dir, env })).stdout) as { traces: unknown[]; nextPageToken?: string };
    expect(paged.traces).toHaveLength(1);
    expect(paged.nextPageToken).toBeTruthy();
  });

  it("shows one trace with its events", async () => {
    const res = await devtrace(["traces", "get", traceIds[0], "--events"], { cwd: dir, env });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(`trace:      ${traceIds[0]}`);
    expect(res.stdout).toMatch(/^\s+3\s.*thought\s+thought 3 \[test\]$/m);
  });

  it("exports JSON lines, one trace with its events per line", async () => {
    const out = join(dir, "export.jsonl");
    const res = await devtrace(["traces", "export", "--out", out], { cwd: dir, env });
    expect(res.code, res.stderr).toBe(0);
    const lines = readFileSync(out, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { trace: { id: string }; events: unknown[] });
    expect(lines.map((l) => [l.trace.id, l.events.length]).sort()).toEqual([
      [traceIds[0], 3],
      [traceIds[1], 5],
    ].sort());
  });

  it("exits 2 with the usage on a bad flag, and names the unknown status", async () => {
    const res = await devtrace(["traces", "list", "--status", "finished"], { cwd: dir, env });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('unknown --status "finished"');
    expect(res.stderr).toContain("usage: devtrace traces list");
  });

  it("says so when the server refuses the token", async () => {
    const res = await devtrace(["traces", "list", "--token", "nope"], { cwd: dir, env });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/unauthenticated/i);
  });
});
